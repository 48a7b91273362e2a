/**
 * People in the browser tests: signing in (a wallet, or an account the platform keeps), roles given
 * by the admin through the API as an admin's tool would, and the API called as a signed-in person.
 */
import { expect, type Browser, type Page } from "@playwright/test";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { injectWallet } from "./wallet.ts";

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
