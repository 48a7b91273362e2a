/**
 * The customer's flow with the keyboard alone (Tab, Shift+Tab, Enter, Space, and typing into
 * fields; never a mouse click): open a restaurant from the list, add items to the cart, check out,
 * create an account, place the order, pay by card with the local form, and watch the order reach
 * settled. Every control reached shows a visible focus indicator.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";

import { adminPage } from "./people.ts";
import { openRestaurant } from "./restaurant.ts";

/** Most Tab presses a control may be away: enough for the header's menu and a page's controls. */
const MAX_TABS = 60;

/** Whether `target` has the keyboard focus now. */
const focused = (target: Locator): Promise<boolean> => target.evaluate((element) => element === document.activeElement);

/**
 * Moves the focus to `target` with Tab (or Shift+Tab going back), as a keyboard user would, and
 * checks that the focused control shows it: an outline or a box shadow the stylesheet gives it.
 */
async function tabTo(page: Page, target: Locator, direction: "forward" | "back" = "forward"): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < MAX_TABS; presses++) {
    if (await focused(target)) break;
    await page.keyboard.press(direction === "forward" ? "Tab" : "Shift+Tab");
  }
  expect(await focused(target), `Tab reaches ${target.toString()}`).toBe(true);
  const indicator = await target.evaluate((element) => {
    const style = getComputedStyle(element);
    return { outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow };
  });
  expect(
    (indicator.outline !== "none" && indicator.width !== "0px") || indicator.shadow !== "none",
    `${target.toString()} shows its focus (${JSON.stringify(indicator)})`,
  ).toBe(true);
}

/** Types into the focused field, key by key. */
async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
}

test("a customer orders and pays by card with the keyboard alone", async ({ browser }) => {
  test.setTimeout(360_000);
  const admin = await adminPage(browser);
  await openRestaurant(browser, admin, "Keyboard Kitchen", { "Hot Pot": "25.00", Dumplings: "12.50" });

  const page = await (await browser.newContext()).newPage();
  await page.goto("/");
  await tabTo(page, page.getByRole("link", { name: "Keyboard Kitchen" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Keyboard Kitchen" })).toBeVisible();

  // Two Hot Pots with Enter, a dumpling with Space, then one Hot Pot back with the minus button (Shift+Tab).
  await tabTo(page, page.getByTestId("add-to-cart-Hot Pot"));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByTestId("add-to-cart-Dumplings"));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "One less Hot Pot" }), "back");
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByTestId("go-to-cart"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cart-total")).toHaveText("₾37.50");

  // Signing up without a wallet, then placing the order.
  await tabTo(page, page.getByTestId("sign-in-custodial"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("account-key")).toHaveText(/^hpc_/);
  await tabTo(page, page.getByTestId("place-order"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("order-status")).toHaveText("placed");

  // The card form: a wrong number first, fixed from the keyboard, then paid with Enter.
  await tabTo(page, page.getByTestId("card-number"));
  await type(page, "4242 4242 4242 4241");
  await tabTo(page, page.getByTestId("card-expiry"));
  await type(page, "12/34");
  await tabTo(page, page.getByTestId("card-cvc"));
  await type(page, "123");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("card-number-error")).toHaveText("This card number is not valid.");
  await tabTo(page, page.getByTestId("card-number"), "back");
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await type(page, "2");
  await expect(page.getByTestId("card-expiry")).toHaveValue("12/34");
  await tabTo(page, page.getByTestId("pay"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("order-status")).toHaveText("settled", { timeout: 90_000 });
});
