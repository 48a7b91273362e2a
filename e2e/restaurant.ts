/**
 * A live restaurant with a menu for specs that start after the franchise flow (the seed's path is
 * e2e/restaurant-workflow.spec.ts): its franchisee is a new custodial account, KYC-attested on chain
 * by the KYC officer's key, and the admin registers the restaurant for them through the API, as
 * an admin's tool would. No wallet account is used, so specs never share one.
 */
import { expect, type Browser, type Page } from "@playwright/test";
import type { Address } from "viem";

import { attestFranchisee, callApi, sessionOf, signInAsNewCustomer } from "./people.ts";

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
  await attestFranchisee(owner);
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
