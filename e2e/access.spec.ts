/**
 * Who may do what, in the browser and on the server: a customer finds no franchise to manage and
 * is refused when registering a restaurant; bad input on the registration form is reported next to
 * each field it concerns and nothing is stored.
 */
import { expect, test } from "@playwright/test";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { expectAccessible } from "./accessibility.ts";
import { injectWallet } from "./wallet.ts";

test("a customer cannot run a restaurant, and the server refuses too", async ({ page }) => {
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-custodial"]');
  await expect(page.getByTestId("account-key")).toHaveText(/^hpc_/);
  await expectAccessible(page, "/sign-in");

  await page.goto("/menu");
  await expect(page.getByText("You do not run a restaurant yet")).toBeVisible();
  await expect(page.getByTestId("add-item")).toHaveCount(0);
  await page.goto("/orders");
  await expect(page.getByTestId("new-order")).toHaveCount(0);

  await page.goto("/register");
  await page.fill('[data-testid="restaurant-name"]', "Not Mine");
  await page.fill('[data-testid="restaurant-location"]', "Batumi");
  await page.fill('[data-testid="restaurant-owner"]', "0x0000000000000000000000000000000000000001");
  await page.click('[data-testid="submit"]');
  await expect(page.getByTestId("form-error")).toHaveText("only an admin registers restaurants");
});

test("bad input on the registration form is shown beside each field and nothing is stored", async ({
  page,
  request,
}) => {
  await injectWallet(page, LOCAL_ACCOUNTS.admin);
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-wallet"]');
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  const before = ((await (await request.get("/api/v1/restaurants?limit=100")).json()) as { restaurants: unknown[] })
    .restaurants.length;

  await page.goto("/register");
  await page.fill('[data-testid="restaurant-owner"]', "not an address");
  await page.click('[data-testid="submit"]');
  for (const field of ["restaurant-name", "restaurant-location", "restaurant-owner"]) {
    await expect(page.getByTestId(`${field}-error`)).not.toBeEmpty();
    await expect(page.getByTestId(field)).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.getByTestId("restaurant-owner")).toHaveValue("not an address");
  await expectAccessible(page, "/register with errors");
  const after = ((await (await request.get("/api/v1/restaurants?limit=100")).json()) as { restaurants: unknown[] })
    .restaurants.length;
  expect(after).toBe(before);
});
