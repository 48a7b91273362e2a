/**
 * A card order refunded in two parts from the franchisee's board: a refund above what remains is
 * refused beside the amount (by the form and by the API) and changes nothing; the customer's order
 * page follows partially refunded → refunded without reloading, and the loyalty points the order
 * earned are clawed back pro rata (1 HOTPOT per GEL at the local card rate).
 */
import { expect, test, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";
import { adminPage, callApi, customerOrders, franchiseeWithRestaurant, markPage, payByCard, stayed } from "./people.ts";

const RESTAURANT = "Refund Corner";

test("A card order refunded in part, then in full, with the loyalty points clawed back", async ({ browser }) => {
  test.setTimeout(600_000);
  const admin = await adminPage(browser);
  const { page } = await franchiseeWithRestaurant(browser, admin, RESTAURANT);
  await page.goto("/menu");
  await page.click('[data-testid="add-item"]');
  await page.fill('[data-testid="item-name"]', "Lamb Pot");
  await page.fill('[data-testid="item-price"]', "20.00");
  await page.click('[data-testid="save-item"]');
  await expect(page.getByTestId("menu-item-Lamb Pot")).toContainText("₾20.00");

  // ₾40.00 paid by card and settled: 40 HOTPOT earned.
  const { customer, orderId } = await customerOrders(browser, RESTAURANT, "Lamb Pot", 2);
  await payByCard(customer);
  await expect(customer.getByTestId("order-reward")).toHaveText("Loyalty reward: 40 HOTPOT");
  const loyalty = await customer.context().newPage(); // the same person, in a second tab
  await loyalty.goto("/loyalty");
  await expectBalance(loyalty, "40 HOTPOT");
  // The order's page stays open from here on: what follows must reach it live.
  await markPage(customer);

  await page.goto("/orders");
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await expect(row.getByTestId("order-row-status")).toHaveText("settled");
  await row.getByTestId("refund").click();
  const form = page.getByTestId("refund-form");
  await expect(form).toContainText("Up to ₾40.00; leave empty to refund all that remains.");

  // More than was paid: refused beside the field, nothing sent.
  await form.getByTestId("refund-amount").fill("40.01");
  await form.getByTestId("refund-submit").click();
  await expect(page.getByTestId("refund-amount-error")).toHaveText("At most ₾40.00 remains to refund.");
  await expect(form.getByTestId("refund-amount")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "/orders, a refund refused");
  // The API refuses it as well, naming the field; the order is as it was.
  const tooMuch = await callApi(page, "POST", `/api/v1/orders/${orderId}/refund`, { amount: "40.01" });
  expect(tooMuch.status).toBe(422);
  expect(JSON.stringify(tooMuch.body)).toContain("amount");
  const unchanged = await callApi(page, "GET", `/api/v1/orders/${orderId}`);
  expect(unchanged.body).toMatchObject({ status: "settled", refunded_tetri: 0 });
  await expect(row.getByTestId("order-row-refunded")).toHaveCount(0);
  await expect(customer.getByTestId("order-refund-state")).toHaveText("");

  // A part: ₾15.00 of ₾40.00.
  await form.getByTestId("refund-amount").fill("15.00");
  await form.getByTestId("refund-submit").click();
  await expect(form).toHaveCount(0);
  await expect(row.getByTestId("order-row-refunded")).toHaveText("(refunded ₾15.00)", { timeout: 60_000 });
  await expect(customer.getByTestId("order-refund-state")).toHaveText(
    "Partially refunded: ₾15.00 of ₾40.00 has been given back.",
    { timeout: 60_000 },
  );
  await expect(customer.getByTestId("order-refunded")).toHaveText("₾15.00");
  await expect(customer.getByTestId("order-status")).toHaveText("settled");
  await expectAccessible(customer, "the order, partially refunded");
  await expectBalance(loyalty, "25 HOTPOT");

  // The rest: an empty amount refunds all that remains.
  await row.getByTestId("refund").click();
  await expect(form).toContainText("Up to ₾25.00");
  await form.getByTestId("refund-amount").fill("25.01");
  await form.getByTestId("refund-submit").click();
  await expect(page.getByTestId("refund-amount-error")).toHaveText("At most ₾25.00 remains to refund.");
  await form.getByTestId("refund-amount").fill("");
  await form.getByTestId("refund-submit").click();
  await expect(row.getByTestId("order-row-status")).toHaveText("refunded", { timeout: 60_000 });
  await expect(row.getByTestId("refund")).toHaveCount(0);
  await expect(customer.getByTestId("order-status")).toHaveText("refunded", { timeout: 60_000 });
  await expect(customer.getByTestId("order-refunded")).toHaveText("₾40.00");
  await expect(customer.getByTestId("order-refund-state")).toHaveText("");
  expect(await stayed(customer)).toBe(true);
  await expectAccessible(customer, "the order, refunded");
  await expectBalance(loyalty, "0 HOTPOT");
  await expectAccessible(loyalty, "/loyalty after the clawback");
});

/** The loyalty page has no live feed: it is read again until the mirror has the burn or mint. */
async function expectBalance(loyalty: Page, balance: string): Promise<void> {
  await expect(async () => {
    await loyalty.reload();
    await expect(loyalty.getByTestId("loyalty-balance")).toHaveText(balance, { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
}
