/**
 * People in the browser tests: signing in (a wallet, or an account the platform keeps), roles given
 * by the admin through the API as an admin's tool would, and the API called as a signed-in person.
 */
import { expect, type Browser, type Page } from "@playwright/test";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address } from "viem";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { readLocalDeployment } from "../local/devchain/deploy-local.ts";
import { loadLocalContracts } from "../local/simulation/contracts.ts";
import { hardhatAccount, injectWallet } from "./wallet.ts";

const KYC_LEVEL = 2;

export interface StoredSession {
  readonly token: string;
  readonly user: { readonly id: string; readonly address: string };
}

/** What the web app keeps in localStorage for the person signed in on `page`. */
export async function sessionOf(page: Page): Promise<StoredSession> {
  const session = await page.evaluate(
    () => JSON.parse(localStorage.getItem("hotpot.session") ?? "null") as StoredSession | null,
  );
  if (session === null) throw new Error("nobody is signed in on this page");
  return session;
}

/** What e2e/stack.ts tells the workers about the stack it started (E2E_BASE_URL, E2E_RPC_URL, E2E_DEPLOYMENT_DIR). */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is set by e2e/stack.ts`);
  return value;
}

/** The KYC officer (account #4) attests the franchisee on chain, as franchise ownership requires (the KYC pages' flow is e2e/kyc.spec.ts). */
export async function attestFranchisee(owner: Address): Promise<void> {
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
  // The API checks KYC in the mirror: wait until the indexer has the attestation.
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

export async function signInWithWallet(page: Page): Promise<void> {
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-wallet"]');
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

/** The platform's admin (account #0), signed in with its wallet on a page of its own. */
export async function adminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await injectWallet(page, LOCAL_ACCOUNTS.admin);
  await signInWithWallet(page);
  return page;
}

/** A new customer without a wallet (a custodial account); resolves to its account key. */
export async function signInAsNewCustomer(page: Page): Promise<string> {
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-custodial"]');
  const key = page.getByTestId("account-key");
  await expect(key).toHaveText(/^hpc_/);
  const accountKey = (await key.textContent()) ?? "";
  await page.getByRole("button", { name: "I have kept it" }).click();
  return accountKey;
}

export async function signInWithKey(page: Page, accountKey: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Account key").fill(accountKey);
  await page.getByRole("button", { name: "Sign in with the key" }).click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

/** The admin gives `page`'s signed-in person `roles` through the API. */
export async function grantRoles(admin: Page, page: Page, roles: string[]): Promise<void> {
  const { user } = await sessionOf(page);
  const granted = await callApi(admin, "PUT", `/api/v1/users/${user.id}/roles`, { roles });
  expect(granted.status).toBe(200);
}

/** Signs out and in again: roles reach a person's token at the next sign-in. */
export async function signInAgain(page: Page, accountKey?: string): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  if (accountKey === undefined) await signInWithWallet(page);
  else await signInWithKey(page, accountKey);
}

/** A KYC officer on a page of their own: a new account the admin gives the `kyc_officer` role. */
export async function kycOfficerPage(browser: Browser, admin: Page): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const accountKey = await signInAsNewCustomer(page);
  await grantRoles(admin, page, ["kyc_officer"]);
  await signInAgain(page, accountKey);
  return page;
}

/** A request to the API with the bearer token of the person signed in on `page`. */
export async function callApi(
  page: Page,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const { token } = await sessionOf(page);
  const response = await page.request.fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { data: body }),
  });
  const json = (response.headers()["content-type"] ?? "").includes("json");
  return { status: response.status(), body: json ? ((await response.json()) as unknown) : await response.body() };
}

export interface Franchisee {
  readonly page: Page;
  readonly accountKey: string;
  readonly address: Address;
}

/**
 * A franchisee with an active restaurant, on a page of their own: a new account (no wallet), KYC
 * attested on chain, whose application `name` the admin approves at a 10 % platform fee; resolves
 * once the franchise NFT is indexed and their application page shows the restaurant active.
 */
export async function franchiseeWithRestaurant(
  browser: Browser,
  admin: Page,
  name: string,
  location = "Tbilisi, Rustaveli Ave 1",
): Promise<Franchisee> {
  const page = await (await browser.newContext()).newPage();
  const accountKey = await signInAsNewCustomer(page);
  const { user } = await sessionOf(page);
  const address = user.address as Address;
  await attestFranchisee(address);
  await page.goto("/register");
  await page.fill('[data-testid="restaurant-name"]', name);
  await page.fill('[data-testid="restaurant-location"]', location);
  await page.click('[data-testid="submit"]');
  await expect(page.getByTestId("application-status")).toContainText("is waiting for an admin's decision.");
  await admin.goto("/admin/applications");
  const application = admin.locator(`[data-testid="application"][data-name="${name}"]`);
  await expect(application.getByTestId("application-kyc")).toHaveText("verified");
  await application.getByTestId("application-fee").fill("10");
  await application.getByTestId("approve").click();
  await expect(admin.getByTestId("decision-status")).toContainText(`${name} is approved: restaurant`);
  // The relayer mints the franchise NFT and the indexer mirrors it: the application page follows it.
  await expect(page.getByTestId("restaurant-status")).toHaveText("active", { timeout: 60_000 });
  return { page, accountKey, address };
}

/**
 * A new customer without a wallet (a page of their own) puts `count` × `item` of `restaurant` in
 * the cart, signs in with a new account at the cart and places the order; resolves on the order's
 * page, still `placed`, with the order's id.
 */
export async function customerOrders(
  browser: Browser,
  restaurant: string,
  item: string,
  count: number,
): Promise<{ customer: Page; orderId: string }> {
  const customer = await (await browser.newContext()).newPage();
  await customer.goto("/");
  await customer.getByRole("link", { name: restaurant }).click();
  for (let added = 0; added < count; added++) await customer.click(`[data-testid="add-to-cart-${item}"]`);
  await customer.click('[data-testid="go-to-cart"]');
  await customer.click('[data-testid="sign-in-custodial"]');
  await expect(customer.getByTestId("account-key")).toHaveText(/^hpc_/);
  await customer.click('[data-testid="place-order"]');
  await expect(customer.getByTestId("order-status")).toHaveText("placed");
  return { customer, orderId: customer.url().split("/order/")[1] ?? "" };
}

/** On the order's page: pays with Stripe's test card and waits, without reloading, until the order is settled on chain. */
export async function payByCard(customer: Page): Promise<void> {
  await customer.fill('[data-testid="card-number"]', "4242 4242 4242 4242");
  await customer.fill('[data-testid="card-expiry"]', "12/34");
  await customer.fill('[data-testid="card-cvc"]', "123");
  await customer.click('[data-testid="pay"]');
  await expect(customer.getByTestId("order-status")).toHaveText("settled", { timeout: 60_000 });
}

/** Marks the page; `stayed` is true until it is reloaded or left for another document. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { stayed: boolean }).stayed = true;
  });
}

export const stayed = (page: Page): Promise<boolean | undefined> =>
  page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed);
