/**
 * A live restaurant with a menu for specs that start after the franchise flow (the seed's path is
 * e2e/restaurant-workflow.spec.ts): its franchisee is a new custodial account, KYC-attested on chain
 * by the KYC officer's key, and the admin registers the restaurant for them through the API, as
 * an admin's tool would. No wallet account is used, so specs never share one.
 */
import { expect, type Browser, type Page } from "@playwright/test";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address } from "viem";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { readLocalDeployment } from "../local/devchain/deploy-local.ts";
import { loadLocalContracts } from "../local/simulation/contracts.ts";
import { callApi, sessionOf, signInAsNewCustomer } from "./people.ts";
import { hardhatAccount } from "./wallet.ts";

const KYC_LEVEL = 2;

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is set by e2e/stack.ts`);
  return value;
}

/** The KYC officer (account #4) attests `owner` on chain; resolves once the mirror has it. */
export async function attestOnChain(owner: Address): Promise<void> {
  const rpc = env("E2E_RPC_URL");
  const contracts = await loadLocalContracts(await readLocalDeployment(env("E2E_DEPLOYMENT_DIR")));
  const publicClient = createPublicClient({ transport: http(rpc) });
  const officer = createWalletClient({ account: hardhatAccount(LOCAL_ACCOUNTS.kycOfficer), transport: http(rpc) });
  const latest = await publicClient.getBlock();
  const hash = await officer.writeContract({
    chain: null,
    address: contracts.kycRegistry.address,
    abi: contracts.kycRegistry.abi,
    functionName: "attest",
    args: [owner, KYC_LEVEL, latest.timestamp + 365n * 86_400n, keccak256(toHex(`e2e-kyc:${owner}`))],
  });
  expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
  await expect
    .poll(async () => {
      const response = await fetch(`${env("E2E_BASE_URL")}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ kycStatus(account: "${owner}") { verified(minLevel: ${KYC_LEVEL}) } }` }),
      });
      const body = (await response.json()) as { data?: { kycStatus: { verified: boolean } | null } };
      return body.data?.kycStatus?.verified ?? false;
    })
    .toBe(true);
}

export interface OpenRestaurant {
  readonly id: string;
  /** The franchisee, signed in with their custodial account on a page of their own. */
  readonly franchisee: Page;
}

/** Registers `name` for a new KYC-verified franchisee, waits until it is active, and adds `items` (name → price). */
export async function openRestaurant(
  browser: Browser,
  admin: Page,
  name: string,
  items: Readonly<Record<string, string>>,
): Promise<OpenRestaurant> {
  const franchisee = await (await browser.newContext()).newPage();
  await signInAsNewCustomer(franchisee);
  const owner = (await sessionOf(franchisee)).user.address as Address;
  await attestOnChain(owner);
  const created = await callApi(admin, "POST", "/api/v1/restaurants", {
    name,
    location: "Tbilisi, Rustaveli Ave 1",
    owner,
    fee_bps: 1000,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = (created.body as { id: string }).id;
  await expect
    .poll(async () => ((await callApi(admin, "GET", `/api/v1/restaurants/${id}`)).body as { status: string }).status, {
      timeout: 60_000,
    })
    .toBe("active");
  for (const [item, price] of Object.entries(items)) {
    const added = await callApi(franchisee, "POST", `/api/v1/restaurants/${id}/menu`, {
      name: item,
      price,
      description: "",
      available: true,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  return { id, franchisee };
}
