/**
 * The seed's end-to-end scenario (seed plan, section 3.6), its steps kept as written with their
 * data-testids, run by the people the product gives each step to (PRODUCT.md, flow 1: a KYC-verified
 * franchisee applies for the restaurant, the platform's admin approves it, which registers it and
 * mints the franchise NFT to them; they build the menu and run the orders), then continued to the end: the restaurant goes live, a customer without a wallet orders
 * from the menu, pays by card, watches the order reach `settled` without reloading, opens the
 * receipt and sees the loyalty tokens; the franchisee serves the order; a second customer pays
 * with the stable token from a wallet; an auditor finds the card order's on-chain history.
 */
import { expect, test } from "@playwright/test";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { expectAccessible } from "./accessibility.ts";
import { attestFranchisee, env, grantRoles, markPage, signInAgain, signInWithWallet, stayed } from "./people.ts";
import { injectWallet } from "./wallet.ts";

const FRANCHISEE = 6;
/** Customers #5-#9 hold tGEL on the local chain; #7 pays from its wallet. */
const TOKEN_CUSTOMER = 7;
const AUDITOR = 8;

test("Complete restaurant workflow", async ({ browser }) => {
  // The whole day of a restaurant, with three people's on-chain waits: longer than the config's default.
  test.setTimeout(600_000);
  const adminPage = await (await browser.newContext()).newPage();
  await injectWallet(adminPage, LOCAL_ACCOUNTS.admin);
  const page = await (await browser.newContext()).newPage(); // the franchisee's
  const franchisee = await injectWallet(page, FRANCHISEE);
  await attestFranchisee(franchisee);
  await signInWithWallet(adminPage);

  // 1. Регистрация ресторана: the franchisee applies (the API also needs where it is) ...
  await signInWithWallet(page);
  await page.goto("/register");
  await page.fill('[data-testid="restaurant-name"]', "Test Restaurant");
  await page.fill('[data-testid="restaurant-location"]', "Tbilisi, Rustaveli Ave 1");
  await page.click('[data-testid="submit"]');
  await expect(page.getByTestId("application-status")).toHaveText(
    "Your application for Test Restaurant (Tbilisi, Rustaveli Ave 1) is waiting for an admin's decision.",
  );
  await expect(page.getByTestId("application-needs-kyc")).toHaveCount(0);
  await expectAccessible(page, "/register");
  // ... and the platform's admin approves it, with the platform fee.
  await adminPage.goto("/admin/applications");
  const application = adminPage.locator('[data-testid="application"][data-name="Test Restaurant"]');
  await expect(application.getByTestId("application-kyc")).toHaveText("verified");
  await expectAccessible(adminPage, "/admin/applications");
  await application.getByTestId("application-fee").fill("10");
  await application.getByTestId("approve").click();
  await expect(adminPage.getByTestId("decision-status")).toContainText("Test Restaurant is approved: restaurant");
  // The franchise NFT is minted to the franchisee by the relayer and indexed: their page follows it until active.
  await expect(page.getByTestId("restaurant-status")).toHaveText("active", { timeout: 60_000 });
  await expect(page.getByTestId("open-menu")).toBeVisible();
  await adminPage.goto("/admin/restaurants");
  await expect(adminPage.getByRole("cell", { name: "Test Restaurant" })).toBeVisible();
  await expect(adminPage.getByRole("cell", { name: franchisee.toLowerCase() })).toBeVisible();
  await expectAccessible(adminPage, "/admin/restaurants");

  // 2. Создание меню (the franchisee, signed in with the wallet that owns the franchise NFT)
  await page.goto("/menu");
  await page.click('[data-testid="add-item"]');
  await page.fill('[data-testid="item-name"]', "Hot Pot");
  await page.fill('[data-testid="item-price"]', "25.00");
  await page.click('[data-testid="save-item"]');
  await expect(page.getByTestId("menu-item-Hot Pot")).toContainText("₾25.00");
  await expectAccessible(page, "/menu");

  // 3. Обработка заказа: an order taken at the till
  await page.goto("/orders");
  await page.click('[data-testid="new-order"]');
  await page.fill('[data-testid="till-quantity-Hot Pot"]', "1");
  await page.click('[data-testid="place-till-order"]');
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row-status").first()).toHaveText("placed");
  await expectAccessible(page, "/orders");

  // A customer without a wallet finds the restaurant, orders from its menu and pays by card.
  const customer = await (await browser.newContext()).newPage();
  await customer.goto("/");
  await expectAccessible(customer, "/");
  await customer.getByRole("link", { name: "Test Restaurant" }).click();
  await customer.click('[data-testid="add-to-cart-Hot Pot"]');
  await customer.click('[data-testid="add-to-cart-Hot Pot"]');
  await expectAccessible(customer, "the restaurant's menu");
  await customer.click('[data-testid="go-to-cart"]');
  await expect(customer.getByTestId("cart-total")).toHaveText("₾50.00");
  await customer.click('[data-testid="sign-in-custodial"]');
  await expect(customer.getByTestId("account-key")).toHaveText(/^hpc_/);
  await expectAccessible(customer, "/cart");
  await customer.click('[data-testid="place-order"]');
  await expect(customer.getByTestId("order-status")).toHaveText("placed");
  const orderId = customer.url().split("/order/")[1] ?? "";

  // A mistyped card is refused in the form, and nothing is charged.
  await customer.fill('[data-testid="card-number"]', "4242 4242 4242 4241");
  await customer.fill('[data-testid="card-expiry"]', "12/34");
  await customer.fill('[data-testid="card-cvc"]', "123");
  await customer.click('[data-testid="pay"]');
  await expect(customer.getByTestId("card-number-error")).toHaveText("This card number is not valid.");
  await expectAccessible(customer, "the order's payment form");

  // The page is never reloaded from here on: a marker set now would be gone after a reload.
  await markPage(customer);
  await customer.fill('[data-testid="card-number"]', "4242 4242 4242 4242");
  await customer.click('[data-testid="pay"]');
  await expect(customer.getByTestId("order-status")).toHaveText("settled", { timeout: 60_000 });
  expect(await stayed(customer)).toBe(true);
  const chainOrderId = (await customer.getByTestId("chain-order-id").textContent()) ?? "";
  const settlementTx = (await customer.getByTestId("settlement-tx").textContent()) ?? "";
  await expect(customer.getByTestId("settlement-tx")).toHaveText(/^0x[0-9a-f]{64}$/);
  await expect(customer.getByTestId("order-reward")).toContainText("HOTPOT");
  await expectAccessible(customer, "the settled order");

  // The receipt, served from /ipfs/<cid> (verified against its CID), names what was bought.
  const [receipt] = await Promise.all([
    customer.context().waitForEvent("page"),
    customer.click('[data-testid="receipt-link"]'),
  ]);
  await receipt.waitForLoadState();
  const receiptJson = JSON.parse((await receipt.locator("body").textContent()) ?? "") as unknown;
  expect(JSON.stringify(receiptJson)).toContain("Hot Pot");
  await receipt.close();

  // The franchisee's board shows the customer's order settled, live, and serves it.
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await expect(row.getByTestId("order-row-status")).toHaveText("settled");
  await row.getByTestId("fulfil").click();
  await expect(row.getByTestId("order-row-status")).toHaveText("fulfilled");
  await expect(customer.getByTestId("order-status")).toHaveText("fulfilled");

  // The loyalty tokens the settlement minted.
  await customer.goto("/loyalty");
  await expect(customer.getByTestId("loyalty-balance")).toHaveText(/^[1-9][\d,]*(\.\d+)? HOTPOT$/);
  await expectAccessible(customer, "/loyalty");

  // A second customer pays with the stable token from a wallet: the permit signed in the wallet
  // and one transaction the wallet sends; the order's page follows the escrow to `settled`.
  const walletCustomer = await (await browser.newContext()).newPage();
  await injectWallet(walletCustomer, TOKEN_CUSTOMER, env("E2E_RPC_URL"));
  await signInWithWallet(walletCustomer);
  await walletCustomer.goto("/");
  await walletCustomer.getByRole("link", { name: "Test Restaurant" }).click();
  await walletCustomer.click('[data-testid="add-to-cart-Hot Pot"]');
  await walletCustomer.click('[data-testid="go-to-cart"]');
  await expect(walletCustomer.getByTestId("cart-total")).toHaveText("₾25.00");
  await walletCustomer.click('[data-testid="place-order"]');
  await expect(walletCustomer.getByTestId("order-status")).toHaveText("placed");
  await expectAccessible(walletCustomer, "the order's payment choices");
  const tokenOrderId = walletCustomer.url().split("/order/")[1] ?? "";
  await markPage(walletCustomer);
  await walletCustomer.click('[data-testid="pay-with-token"]');
  await expect(walletCustomer.getByTestId("order-status")).toHaveText("settled", { timeout: 60_000 });
  expect(await stayed(walletCustomer)).toBe(true);
  await expect(walletCustomer.getByTestId("settlement-tx")).toHaveText(/^0x[0-9a-f]{64}$/);
  const tokenChainOrderId = (await walletCustomer.getByTestId("chain-order-id").textContent()) ?? "";
  await expectAccessible(walletCustomer, "the settled token order");
  const tokenRow = page.locator(`[data-testid="order-row"][data-order-id="${tokenOrderId}"]`);
  await expect(tokenRow.getByTestId("order-row-status")).toHaveText("settled");

  // An auditor (the role granted by the admin) finds the card order's on-chain history.
  const auditor = await (await browser.newContext()).newPage();
  await injectWallet(auditor, AUDITOR);
  await signInWithWallet(auditor);
  await grantRoles(adminPage, auditor, ["auditor"]);
  await signInAgain(auditor);
  await auditor.getByRole("link", { name: "Audit" }).click();
  await expect(auditor).toHaveURL(/\/audit$/);
  await auditor.fill('[data-testid="audit-search"]', chainOrderId);
  await auditor.click('[data-testid="audit-submit"]');
  const settled = auditor.locator('[data-testid="audit-event"][data-event-name="CardPaymentSettled"]');
  await expect(settled).toHaveCount(1);
  await expect(settled.getByTestId("audit-event-tx")).toHaveText(settlementTx);
  await expect(settled.getByTestId("audit-arg-orderId")).toContainText(chainOrderId);
  const settledBlock = Number(await settled.getByTestId("audit-event-block").textContent());
  expect(settledBlock).toBeGreaterThan(0);
  await expectAccessible(auditor, "/audit");
  // Time travel: as of the block before the settlement, the mirror had not seen it.
  await auditor.fill('[data-testid="audit-as-of"]', String(settledBlock - 1));
  await auditor.click('[data-testid="audit-submit"]');
  await expect(auditor.getByTestId("audit-summary")).toContainText(`As of block ${settledBlock - 1}.`);
  await expect(settled).toHaveCount(0);
  // The settlement transaction itself is found by its hash.
  await auditor.fill('[data-testid="audit-as-of"]', "");
  await auditor.fill('[data-testid="audit-search"]', settlementTx);
  await auditor.click('[data-testid="audit-submit"]');
  await expect(auditor.getByTestId("audit-summary")).toContainText("Transaction");
  await expect(settled).toHaveCount(1);
  // The wallet's order was escrowed by its own transaction and paid out by fulfil.
  await auditor.fill('[data-testid="audit-search"]', tokenChainOrderId);
  await auditor.click('[data-testid="audit-submit"]');
  await expect(auditor.locator('[data-testid="audit-event"][data-event-name="TokenOrderPlaced"]')).toHaveCount(1);
  await expect(auditor.locator('[data-testid="audit-event"][data-event-name="TokenOrderFulfilled"]')).toHaveCount(1);
  // A search that is none of the four is refused beside the field.
  await auditor.fill('[data-testid="audit-search"]', "0x1234");
  await auditor.click('[data-testid="audit-submit"]');
  await expect(auditor.getByTestId("audit-search-error")).toHaveText(
    "This is not an order id, transaction hash, wallet address or restaurant number.",
  );
});
