/**
 * Every page of the app at phone width (375 × 812), as each role sees it with data on it: nothing
 * is wider than the screen (wide tables scroll inside themselves), and the navigation, folded
 * behind its button, opens and leads somewhere.
 */
import { expect, test, type Page } from "@playwright/test";

import {
  adminPage,
  customerOrders,
  franchiseeWithRestaurant,
  grantRoles,
  kycOfficerPage,
  payByCard,
  signInAgain,
  signInAsNewCustomer,
} from "./people.ts";

const PHONE = { width: 375, height: 812 };
const RESTAURANT = "Phone Width Kitchen";

/** Opens `path` at phone width once its content is in, then checks the width and the folded navigation. */
async function expectFitsPhone(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
  const width = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    // What sticks out, to make a failure say where to look.
    wide: [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((element) => element.closest("table.lines") === null || element.matches("table.lines"))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
  }));
  expect(width.scroll, `${path} is wider than the phone: ${width.wide.join(", ")}`).toBeLessThanOrEqual(width.inner);

  const navigation = page.getByRole("navigation", { name: "Main" });
  const toggle = page.getByRole("button", { name: "Pages" });
  await expect(navigation).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const restaurants = navigation.getByRole("link", { name: "Restaurants" });
  await expect(restaurants).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await toggle.click();
  await expect(navigation).toBeHidden();
}

test("Every page fits a phone and its navigation opens", async ({ browser }) => {
  test.setTimeout(600_000);
  const admin = await adminPage(browser);

  // A franchisee with a menu, orders on the board, a till key and a settled card order.
  const { page: franchisee } = await franchiseeWithRestaurant(browser, admin, RESTAURANT);
  await franchisee.goto("/menu");
  await franchisee.click('[data-testid="add-item"]');
  await franchisee.fill('[data-testid="item-name"]', "Mushroom Broth With A Rather Long Name For A Phone");
  await franchisee.fill('[data-testid="item-price"]', "18.40");
  await franchisee.click('[data-testid="save-item"]');
  await expect(franchisee.getByTestId("menu-item-Mushroom Broth With A Rather Long Name For A Phone")).toBeVisible();
  const item = "Mushroom Broth With A Rather Long Name For A Phone";
  const { customer, orderId } = await customerOrders(browser, RESTAURANT, item, 3);
  await payByCard(customer);
  const chainOrderId = (await customer.getByTestId("chain-order-id").textContent()) ?? "";
  await franchisee.goto("/api-keys");
  await franchisee.fill('[data-testid="api-key-label"]', "Front counter till by the door");
  await franchisee.click('[data-testid="create-api-key"]');
  await franchisee.click('[data-testid="secret-done"]');

  // Anyone (the customer's first visit, signed out in a context of its own).
  const visitor = await (await browser.newContext()).newPage();
  await expectFitsPhone(visitor, "/", "Restaurants");
  await visitor.getByRole("link", { name: RESTAURANT }).click();
  const restaurantPath = new URL(visitor.url()).pathname;
  await expectFitsPhone(visitor, restaurantPath, RESTAURANT);
  await expectFitsPhone(visitor, "/cart", /cart/i);
  await expectFitsPhone(visitor, "/sign-in", /sign in/i);
  await expectFitsPhone(visitor, "/no-such-page", "This page does not exist.");

  // The customer who paid.
  await expectFitsPhone(customer, `/order/${orderId}`, "Your order");
  await expectFitsPhone(customer, "/my-orders", /My orders/);
  await expectFitsPhone(customer, "/loyalty", "Loyalty points");
  await expectFitsPhone(customer, "/kyc", /.+/);
  await expectFitsPhone(customer, "/account", /.+/);
  await expectFitsPhone(customer, "/register", /.+/);

  // The franchisee's pages.
  await expectFitsPhone(franchisee, "/menu", "Menu");
  await expectFitsPhone(franchisee, "/orders", "Orders");
  await expectFitsPhone(franchisee, "/revenue", "Revenue");
  await expectFitsPhone(franchisee, "/stream", /.+/);
  await expectFitsPhone(franchisee, "/api-keys", /.+/);

  // The admin's pages, the auditor's explorer (admins see it too) and the KYC officer's queue.
  await expectFitsPhone(admin, "/admin/applications", /.+/);
  await expectFitsPhone(admin, "/admin/restaurants", /.+/);
  await expectFitsPhone(admin, "/admin/roles", /.+/);
  await expectFitsPhone(admin, "/admin/parameters", /.+/);
  const auditor = await (await browser.newContext()).newPage();
  const auditorKey = await signInAsNewCustomer(auditor);
  await grantRoles(admin, auditor, ["auditor"]);
  await signInAgain(auditor, auditorKey);
  await expectFitsPhone(auditor, `/audit?q=${chainOrderId}`, /.+/);
  const officer = await kycOfficerPage(browser, admin);
  await expectFitsPhone(officer, "/kyc/review", /.+/);
});
