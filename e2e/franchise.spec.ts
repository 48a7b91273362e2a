/**
 * The franchisee's day on the real stack: the menu (add, change, take off), the live orders board
 * (a till order and a customer's card order arrive without reloading; one is served), the kitchen
 * stream (address and key shown once), till API keys (shown once, authenticate the till, refused
 * once revoked) and the revenue of the day after a settled card order, with axe on every page.
 */
import { expect, test, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";
import {
  adminPage,
  customerOrders,
  franchiseeWithRestaurant,
  markPage,
  payByCard,
  sessionOf,
  stayed,
} from "./people.ts";

const RESTAURANT = "Franchise Day Kitchen";

test("A franchisee's day: menu, live board, kitchen stream, till keys and revenue", async ({ browser }) => {
  // A restaurant approved and minted, a customer's card payment settled on chain: several on-chain waits.
  test.setTimeout(600_000);
  const admin = await adminPage(browser);
  const { page } = await franchiseeWithRestaurant(browser, admin, RESTAURANT);

  // The menu: two items added, one renamed and repriced, the other taken off.
  await page.goto("/menu");
  for (const [name, price] of [
    ["Broth", "12.00"],
    ["Dumplings", "8.00"],
  ] as const) {
    await page.click('[data-testid="add-item"]');
    await page.fill('[data-testid="item-name"]', name);
    await page.fill('[data-testid="item-price"]', price);
    await page.click('[data-testid="save-item"]');
    await expect(page.getByTestId(`menu-item-${name}`)).toContainText(`₾${price}`);
  }
  await page.click('[data-testid="edit-item-Broth"]');
  await expect(page.getByTestId("item-name")).toHaveValue("Broth");
  await expect(page.getByTestId("item-price")).toHaveValue("12.00");
  await expectAccessible(page, "/menu, changing an item");
  await page.fill('[data-testid="item-name"]', "Spicy Broth");
  await page.fill('[data-testid="item-price"]', "14.50");
  await page.click('[data-testid="save-item"]');
  await expect(page.getByTestId("menu-item-Spicy Broth")).toContainText("₾14.50");
  await expect(page.getByTestId("menu-item-Broth")).toHaveCount(0);
  // The box follows the server's answer (no optimistic tick): a click, then the saved state.
  await page.getByTestId("menu-item-Dumplings").getByRole("checkbox", { name: "available" }).click();
  await expect(page.getByTestId("menu-item-Dumplings").getByRole("checkbox")).not.toBeChecked();
  await expectAccessible(page, "/menu");

  // The customer's menu offers the changed item at its new price and no longer the one taken off.
  const probe = await (await browser.newContext()).newPage();
  await probe.goto("/");
  await probe.getByRole("link", { name: RESTAURANT }).click();
  await expect(probe.locator("li", { has: probe.getByTestId("add-to-cart-Spicy Broth") })).toContainText("₾14.50");
  await expect(probe.getByTestId("add-to-cart-Dumplings")).toHaveCount(0);
  await expect(probe.getByTestId("add-to-cart-Broth")).toHaveCount(0);
  await probe.context().close();

  // The board is open before the orders exist: they must arrive on it without a reload.
  await page.goto("/orders");
  await expect(page.getByText("No orders yet.")).toBeVisible();
  await markPage(page);
  await page.click('[data-testid="new-order"]');
  // Only what is available can be taken at the till.
  await expect(page.getByTestId("till-quantity-Dumplings")).toHaveCount(0);
  await page.fill('[data-testid="till-quantity-Spicy Broth"]', "1");
  await page.click('[data-testid="place-till-order"]');
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  const { customer, orderId } = await customerOrders(browser, RESTAURANT, "Spicy Broth", 2);
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await expect(page.getByTestId("order-row")).toHaveCount(2);
  await expect(row.getByTestId("order-row-status")).toHaveText("placed");
  await expect(row).toContainText("Spicy Broth × 2");
  await expect(row).toContainText("₾29.00");
  await payByCard(customer);
  await expect(row.getByTestId("order-row-status")).toHaveText("settled", { timeout: 60_000 });
  await expectAccessible(page, "/orders");
  await row.getByTestId("fulfil").click();
  await expect(row.getByTestId("order-row-status")).toHaveText("fulfilled");
  await expect(customer.getByTestId("order-status")).toHaveText("fulfilled");
  expect(await stayed(page)).toBe(true);

  // The kitchen stream: the encoder's address and key are shown once, then never again.
  await page.goto("/stream");
  await expect(page.getByTestId("stream-status")).toHaveText("never started");
  await expectAccessible(page, "/stream");
  await page.click('[data-testid="stream-start"]');
  await expect(page.getByTestId("stream-ingest-url")).toHaveText(/^rtmps?:\/\//);
  const streamKey = (await page.getByTestId("stream-key").textContent()) ?? "";
  expect(streamKey.length).toBeGreaterThan(8);
  await expect(page.getByTestId("stream-status")).toHaveText("waiting for video");
  await expectAccessible(page, "/stream with its one-time key");
  await page.reload();
  await expect(page.getByTestId("stream-status")).toHaveText("waiting for video");
  await expect(page.getByTestId("stream-key")).toHaveCount(0);
  await expect(page.getByText(streamKey)).toHaveCount(0);
  await page.click('[data-testid="stream-stop"]');
  await expect(page.getByTestId("stream-status")).toHaveText("stopped");
  await expect(page.getByTestId("stream-stop")).toHaveCount(0);

  // Till API keys: the secret is shown once, authenticates the till, and is refused once revoked.
  await page.goto("/api-keys");
  await expect(page.getByText("No keys yet", { exact: false })).toBeVisible();
  await expectAccessible(page, "/api-keys");
  await page.fill('[data-testid="api-key-label"]', "Front counter");
  await page.click('[data-testid="create-api-key"]');
  const tillKey = (await page.getByTestId("new-api-key").textContent()) ?? "";
  expect(tillKey).toMatch(/^hps_/);
  await expectAccessible(page, "/api-keys with its one-time key");
  await page.click('[data-testid="secret-done"]');
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(tillKey)).toHaveCount(0);
  const keyRow = page.locator('[data-testid="api-key-row"]', { hasText: "Front counter" });
  await expect(keyRow.getByTestId("api-key-status")).toHaveText("active");

  const restaurantId = await restaurantIdOf(page, RESTAURANT);
  const menu = (await (await page.request.get(`/api/v1/restaurants/${restaurantId}/menu`)).json()) as {
    items: { id: string; name: string }[];
  };
  const broth = menu.items.find((item) => item.name === "Spicy Broth");
  expect(broth).toBeDefined();
  // A till orders for a known customer (here the one who paid by card), named by customer_id.
  const { user: regular } = await sessionOf(customer);
  const tillOrder = { restaurant_id: restaurantId, customer_id: regular.id, items: [{ id: broth?.id, quantity: 3 }] };
  const placed = await page.request.post("/api/v1/orders", { headers: { "x-api-key": tillKey }, data: tillOrder });
  expect(placed.status()).toBe(201);
  expect(((await placed.json()) as { total_tetri: number }).total_tetri).toBe(4350);
  const listed = await page.request.get(`/api/v1/orders?restaurant_id=${restaurantId}`, {
    headers: { "x-api-key": tillKey },
  });
  expect(listed.status()).toBe(200);
  expect(((await listed.json()) as { orders: unknown[] }).orders).toHaveLength(3);

  await keyRow.getByTestId("revoke-api-key").click();
  await keyRow.getByTestId("confirm-revoke").click();
  await expect(keyRow.getByTestId("api-key-status")).toContainText("revoked");
  const refused = await page.request.post("/api/v1/orders", { headers: { "x-api-key": tillKey }, data: tillOrder });
  expect(refused.status()).toBe(401);

  // Revenue of the day: the card order settled at ₾29.00; card fees are taken off chain (none on
  // chain), and the card reward is 1 HOTPOT per GEL paid (the local card rate).
  await page.goto("/revenue");
  const today = new Date().toISOString().slice(0, 10);
  const day = page.locator(`[data-testid="revenue-row"][data-date="${today}"]`);
  await expect(day.getByTestId("revenue-row-orders")).toHaveText("1");
  await expect(day.getByTestId("revenue-row-revenue")).toHaveText("₾29.00");
  await expect(day.getByTestId("revenue-row-refunds")).toHaveText("₾0.00");
  await expect(day.getByTestId("revenue-row-fees")).toHaveText("₾0.00");
  await expect(day.getByTestId("revenue-row-rewards")).toHaveText("29 HOTPOT");
  await expect(page.getByTestId("range-revenue")).toHaveText("₾29.00");
  await expect(page.getByTestId("all-time-revenue")).toHaveText("₾29.00");
  await expect(page.getByTestId("revenue-chart")).toBeVisible();
  const bar = page.locator(`[data-testid="revenue-bar"][data-date="${today}"]`);
  expect(Number(await bar.getAttribute("height"))).toBeGreaterThan(0);
  await expectAccessible(page, "/revenue");
});

/** The restaurant's id (its franchise NFT id), from the public list of restaurants. */
async function restaurantIdOf(page: Page, name: string): Promise<string> {
  const response = await page.request.get("/api/v1/restaurants?limit=100");
  expect(response.status()).toBe(200);
  const { restaurants } = (await response.json()) as { restaurants: { id: string; name: string }[] };
  const found = restaurants.find((restaurant) => restaurant.name === name);
  if (found === undefined) throw new Error(`${name} is not among the restaurants`);
  return found.id;
}
