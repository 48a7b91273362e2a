/**
 * Bad input on the web app's forms, in the browser against the whole stack: each mistake is shown
 * beside the field it concerns (the form's own check, or the API's 4xx `issues` mapped onto the
 * field), what was typed or chosen stays, and nothing is stored (read back through the API).
 * The admin's roles search and the application form's server-side refusals are in admin.spec.ts
 * and access.spec.ts; this file covers the other forms and adds the cases they do not.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";
import { DETAILS, SELFIE_PNG } from "./kyc.ts";
import { adminPage, callApi, signInAsNewCustomer } from "./people.ts";
import { openRestaurant, type OpenRestaurant } from "./restaurant.ts";

/** The field's message, and the field marked invalid for screen readers. */
async function expectFieldError(page: Page, field: string, message: string): Promise<void> {
  await expect(page.getByTestId(`${field}-error`)).toHaveText(message);
  await expect(page.getByTestId(field)).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId(field)).toHaveAttribute("aria-describedby", new RegExp(`${field}-error`));
}

test.describe.configure({ mode: "serial" });

let admin: Page;
let restaurant: OpenRestaurant;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(240_000);
  admin = await adminPage(browser);
  restaurant = await openRestaurant(browser, admin, "Forms Kitchen", { "Hot Pot": "25.00" });
});

test("the card form: a bad number, expiry and CVC are refused beside each field and nothing is charged", async ({
  page,
}) => {
  await page.goto(`/restaurants/${restaurant.id}`);
  await page.click('[data-testid="add-to-cart-Hot Pot"]');
  await page.click('[data-testid="go-to-cart"]');
  await page.click('[data-testid="sign-in-custodial"]');
  await expect(page.getByTestId("account-key")).toHaveText(/^hpc_/);
  await page.click('[data-testid="place-order"]');
  await expect(page.getByTestId("order-status")).toHaveText("placed");
  const orderId = page.url().split("/order/")[1] ?? "";

  const cases = [
    { number: "4242 4242 4242 4241", expiry: "13/40", cvc: "12" },
    { number: "1234", expiry: "01/20", cvc: "abcd" },
    // A real card number that Stripe's test mode does not know.
    { number: "4111 1111 1111 1111", expiry: "1234", cvc: "" },
  ];
  const numberMessages = [
    "This card number is not valid.",
    "This card number is not valid.",
    "In local mode only test cards can be charged (e.g. 4242 4242 4242 4242).",
  ];
  for (const [index, card] of cases.entries()) {
    await page.fill('[data-testid="card-number"]', card.number);
    await page.fill('[data-testid="card-expiry"]', card.expiry);
    await page.fill('[data-testid="card-cvc"]', card.cvc);
    await page.click('[data-testid="pay"]');
    await expectFieldError(page, "card-number", numberMessages[index] ?? "");
    await expectFieldError(page, "card-expiry", "Enter a future expiry date as MM/YY.");
    await expectFieldError(page, "card-cvc", "Enter the 3 or 4 digits on the back of the card.");
    await expect(page.getByTestId("card-number")).toHaveValue(card.number);
    await expect(page.getByTestId("card-expiry")).toHaveValue(card.expiry);
    await expect(page.getByTestId("card-cvc")).toHaveValue(card.cvc);
  }
  await expectAccessible(page, "the card form with errors");

  // Nothing reached the card processor: the order is still unpaid, with no payment method.
  const order = await callApi(page, "GET", `/api/v1/orders/${orderId}`);
  expect(order.body).toMatchObject({ status: "placed", payment_method: null });
  await expect(page.getByTestId("order-status")).toHaveText("placed");
});

test("the menu form: a price like abc, -1 or 25.999 and an empty name are refused and nothing is added", async () => {
  const page = restaurant.franchisee;
  const items = async (): Promise<string[]> =>
    (
      (await callApi(page, "GET", `/api/v1/restaurants/${restaurant.id}/menu`)).body as { items: { name: string }[] }
    ).items.map((item) => item.name);
  const before = await items();

  await page.goto("/menu");
  await page.click('[data-testid="add-item"]');
  await page.fill('[data-testid="item-name"]', "Khinkali");
  for (const price of ["abc", "-1", "25.999", "1,5,0"]) {
    await page.fill('[data-testid="item-price"]', price);
    await page.click('[data-testid="save-item"]');
    await expectFieldError(page, "item-price", "Enter a price like 25.00 (at most two decimals).");
    await expect(page.getByTestId("item-price")).toHaveValue(price);
    await expect(page.getByTestId("item-name")).toHaveValue("Khinkali");
  }
  await page.fill('[data-testid="item-price"]', "0.00");
  await page.click('[data-testid="save-item"]');
  await expectFieldError(page, "item-price", "The price must be more than 0 and at most 1,000,000.00 GEL.");

  // The name is the server's to check: its 400 names body.name, shown beside the name field.
  await page.fill('[data-testid="item-name"]', "   ");
  await page.fill('[data-testid="item-price"]', "12.50");
  await page.fill('[data-testid="item-description"]', "Pork and beef, ten pieces");
  await page.click('[data-testid="save-item"]');
  await expectFieldError(page, "item-name", "enter the item's name");
  await expect(page.getByTestId("item-price")).toHaveValue("12.50");
  await expect(page.getByTestId("item-description")).toHaveValue("Pork and beef, ten pieces");
  await expect(page.getByTestId("item-price-error")).toHaveCount(0);
  await expectAccessible(page, "/menu with errors");
  expect(await items()).toEqual(before);

  // Changing an item: the same checks, and the item keeps its name and price.
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.click('[data-testid="edit-item-Hot Pot"]');
  await expect(page.getByTestId("item-price")).toHaveValue("25.00");
  await page.fill('[data-testid="item-price"]', "-1");
  await page.click('[data-testid="save-item"]');
  await expectFieldError(page, "item-price", "Enter a price like 25.00 (at most two decimals).");
  await page.fill('[data-testid="item-price"]', "26.00");
  await page.fill('[data-testid="item-name"]', "");
  await page.click('[data-testid="save-item"]');
  await expectFieldError(page, "item-name", "enter the item's name");
  await expect(page.getByTestId("item-price")).toHaveValue("26.00");
  const menu = (await callApi(page, "GET", `/api/v1/restaurants/${restaurant.id}/menu`)).body as {
    items: { name: string; price: string }[];
  };
  expect(menu.items).toEqual([expect.objectContaining({ name: "Hot Pot", price: "25.00" })]);
});

test("the API key form: a blank name is refused beside it and no key is created", async () => {
  const page = restaurant.franchisee;
  await page.goto("/api-keys");
  await page.fill('[data-testid="api-key-label"]', "   ");
  await page.click('[data-testid="create-api-key"]');
  await expectFieldError(page, "api-key-label", "Say what the key is for.");
  await expect(page.getByTestId("api-key-label")).toHaveValue("   ");
  await expect(page.getByTestId("one-time-secret")).toHaveCount(0);
  await expectAccessible(page, "/api-keys with an error");
  const keys = await callApi(page, "GET", `/api/v1/restaurants/${restaurant.id}/api-keys`);
  expect(keys.body).toMatchObject({ api_keys: [] });
});

test("the application form: a name and a location too long are refused beside them and nothing is stored", async ({
  page,
}) => {
  await signInAsNewCustomer(page);
  await page.goto("/register");
  const name = "N".repeat(101);
  const location = "L".repeat(201);
  await page.fill('[data-testid="restaurant-name"]', name);
  await page.fill('[data-testid="restaurant-location"]', location);
  await page.fill('[data-testid="restaurant-note"]', "We open at noon.");
  await page.click('[data-testid="submit"]');
  await expectFieldError(page, "restaurant-name", "at most 100 characters");
  await expectFieldError(page, "restaurant-location", "at most 200 characters");
  await expect(page.getByTestId("restaurant-name")).toHaveValue(name);
  await expect(page.getByTestId("restaurant-location")).toHaveValue(location);
  await expect(page.getByTestId("restaurant-note")).toHaveValue("We open at noon.");
  const stored = await callApi(page, "GET", "/api/v1/restaurant-applications");
  expect(stored.body).toMatchObject({ applications: [] });
});

test("the KYC form: a file of the wrong type or too big is refused beside its field and nothing is sent", async ({
  page,
}) => {
  await signInAsNewCustomer(page);
  await page.goto("/kyc");
  for (const [name, value] of Object.entries(DETAILS)) await page.fill(`[data-testid="kyc-${name}"]`, value);
  // A text file named like a PDF: the page checks the first bytes, as the API does.
  await page.setInputFiles('[data-testid="kyc-file-passport"]', {
    name: "passport.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("this is not a scan of a passport\n"),
  });
  await expectFieldError(page, "kyc-file-passport", "This file is not a PDF, JPEG or PNG.");
  // A selfie over the 10 MiB limit (a real PNG's header, padded).
  await page.setInputFiles('[data-testid="kyc-file-selfie"]', {
    name: "selfie.png",
    mimeType: "image/png",
    buffer: Buffer.concat([SELFIE_PNG, Buffer.alloc(10 * 1024 * 1024)]),
  });
  await expectFieldError(page, "kyc-file-selfie", "This file is larger than 10 MB.");
  await page.click('[data-testid="kyc-submit"]');
  await expect(page.getByTestId("kyc-file-passport-error")).toBeVisible();
  for (const [name, value] of Object.entries(DETAILS)) await expect(page.getByTestId(`kyc-${name}`)).toHaveValue(value);
  await expectAccessible(page, "/kyc with refused files");
  const status = await callApi(page, "GET", "/api/v1/kyc/status");
  expect(status.body).toMatchObject({ status: "not_started", case: null });
});
