/**
 * The auditor's pages in the browser against the real stack: a card-paid order shows reconciled
 * (the processor's payment, the chain's settlement and the receipt agree) with a link to its
 * on-chain history; the KYC officer's read of a customer's data is in the access log, whose chain
 * of hashes verifies intact; a customer can open neither page, and the server refuses them too.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./accessibility.ts";
import { fillKycForm } from "./kyc.ts";
import {
  adminPage,
  attestFranchisee,
  callApi,
  grantRoles,
  kycOfficerPage,
  sessionOf,
  signInAgain,
  signInAsNewCustomer,
} from "./people.ts";
import { hardhatAccount } from "./wallet.ts";

/** Owns this spec's restaurant; the other specs' franchisees are other accounts. */
const FRANCHISEE = 9;
/** A restaurant registered by the admin with one dish, and an order of it paid by card by `customer`; its id. */
async function cardPaidOrder(admin: Page, customer: Page): Promise<string> {
  const owner = hardhatAccount(FRANCHISEE).address;
  await attestFranchisee(owner);
  const created = await callApi(admin, "POST", "/api/v1/restaurants", {
    name: "Audit Kitchen",
    location: "Kutaisi, Rustaveli Ave 5",
    owner,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const restaurantId = (created.body as { id: string }).id;
  await expect
    .poll(
      async () =>
        ((await callApi(admin, "GET", `/api/v1/restaurants/${restaurantId}`)).body as { status: string }).status,
      {
        timeout: 60_000,
      },
    )
    .toBe("active");
  const item = await callApi(admin, "POST", `/api/v1/restaurants/${restaurantId}/menu`, {
    name: "Khinkali",
    price: "12.50",
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
  const placed = await callApi(customer, "POST", "/api/v1/orders", {
    restaurant_id: restaurantId,
    items: [{ id: (item.body as { id: string }).id, quantity: 2 }],
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const orderId = (placed.body as { id: string }).id;
  const paid = await callApi(customer, "POST", `/api/v1/orders/${orderId}/pay`, {
    method: "card",
    payment_method: "pm_card_visa",
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return orderId;
}

test("an auditor sees a card order reconciled and the KYC officer's reads in a verified access log", async ({
  browser,
}) => {
  // A franchise minted, a card payment settled and a KYC case opened, each through the relayer and the indexer.
  test.setTimeout(480_000);
  const admin = await adminPage(browser);
  const officer = await kycOfficerPage(browser, admin);
  const officerId = (await sessionOf(officer)).user.id;
  const auditor = await (await browser.newContext()).newPage();
  const auditorKey = await signInAsNewCustomer(auditor);
  await grantRoles(admin, auditor, ["auditor"]);
  await signInAgain(auditor, auditorKey);

  const customer = await (await browser.newContext()).newPage();
  await signInAsNewCustomer(customer);
  const customerId = (await sessionOf(customer)).user.id;
  const orderId = await cardPaidOrder(admin, customer);

  // The reconciliation: the order's row turns reconciled once the settlement is indexed.
  await auditor.getByRole("link", { name: "Reconciliation" }).click();
  await expect(auditor.getByRole("heading", { name: "Card payment reconciliation" })).toBeVisible();
  const row = auditor.locator(`[data-testid="reconciliation-row"][data-order-id="${orderId}"]`);
  await expect
    .poll(
      async () => {
        await auditor.reload();
        return row.getAttribute("data-state", { timeout: 5_000 }).catch(() => null);
      },
      { timeout: 90_000 },
    )
    .toBe("reconciled");
  await expect(row).toContainText("Reconciled");
  await expect(row).toContainText("same on both sides");
  await expect(row.getByTestId("mismatch-reasons")).toHaveCount(0);
  await expect(auditor.getByTestId("summary-mismatch")).toHaveText("0");
  await expectAccessible(auditor, "/audit/reconciliation");
  // The box follows the URL (?only=mismatches), which the router updates after the click returns:
  // click and wait for the state rather than check(), which asserts it at once.
  await auditor.getByTestId("only-mismatches").click();
  await expect(auditor.getByTestId("only-mismatches")).toBeChecked();
  await expect(auditor.getByText("No mismatches.")).toBeVisible();
  await expect(auditor.getByTestId("reconciliation-row")).toHaveCount(0);
  await auditor.getByTestId("only-mismatches").click();
  await expect(auditor.getByTestId("only-mismatches")).not.toBeChecked();
  // From the row to the order's on-chain history in the explorer.
  await row.getByTestId("history-link").click();
  await expect(auditor).toHaveURL(/\/audit\?q=0x[0-9a-f]{64}$/);
  await expect(auditor.locator('[data-testid="audit-event"][data-event-name="CardPaymentSettled"]')).toHaveCount(1);

  // The customer submits their identity; the officer opens the case, which reads their data.
  await customer.goto("/kyc");
  await fillKycForm(customer, { email: "eka.audit@example.ge" });
  await customer.click('[data-testid="kyc-submit"]');
  await expect(customer.getByTestId("kyc-status")).toHaveText("submitted", { timeout: 60_000 });
  await officer.getByRole("link", { name: "KYC review" }).click();
  await officer
    .locator(`[data-testid="kyc-queue-row"][data-user-id="${customerId}"]`)
    .getByTestId("kyc-review-link")
    .click();
  const reason = "audit spec: reviewing the submission";
  await officer.fill('[data-testid="kyc-open-reason"]', reason);
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("kyc-detail-full_name")).toBeVisible();

  // The access log, filtered to the customer: the officer's read, with its reason; the chain verifies.
  await auditor.getByRole("link", { name: "Access log" }).click();
  await auditor.getByLabel("Person (id)").fill("not a uuid");
  await auditor.getByRole("button", { name: "Filter" }).click();
  await expect(auditor.getByTestId("subject-error")).toContainText("Enter a person's id");
  await auditor.getByLabel("Person (id)").fill(customerId);
  await auditor.getByRole("button", { name: "Filter" }).click();
  const reads = auditor.locator('[data-testid="access-log-row"][data-action="read"]');
  await expect(reads.first()).toBeVisible();
  await expect(reads.first()).toContainText("KYC officer");
  await expect(reads.first()).toContainText(officerId);
  await expect(reads.first()).toContainText(reason);
  await expect(auditor.locator(`[data-testid="access-log-row"]:not([data-subject-id="${customerId}"])`)).toHaveCount(0);
  await auditor.getByRole("button", { name: "Verify chain" }).click();
  await expect(auditor.getByTestId("verify-result")).toContainText(/The chain is intact: \d+ entries\./);
  await expect(auditor.getByTestId("verify-result").locator("code")).toHaveText(/^[0-9a-f]{64}$/);
  await expectAccessible(auditor, "/audit/access-log");

  // At phone width both pages fit: the wide tables scroll inside themselves, not the page.
  await auditor.setViewportSize({ width: 375, height: 800 });
  for (const path of ["/audit/access-log", "/audit/reconciliation"]) {
    await auditor.goto(path);
    await expect(auditor.locator("table")).toBeVisible();
    const overflow = await auditor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow of ${path}`).toBeLessThanOrEqual(0);
  }
});

test("a customer cannot open the auditor's pages, and the server refuses too", async ({ page }) => {
  await signInAsNewCustomer(page);
  await expect(page.getByRole("link", { name: "Reconciliation" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Access log" })).toHaveCount(0);
  for (const path of ["/audit/reconciliation", "/audit/access-log"]) {
    await page.goto(path);
    await expect(page.getByTestId("not-auditor")).toHaveText("Only auditors and admins can open this page.");
    await expect(page.locator("table")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Verify chain" })).toHaveCount(0);
  }
  await expectAccessible(page, "an auditor's page, refused");
  for (const path of [
    "/api/v1/audit/reconciliation",
    "/api/v1/audit/reconciliation/summary",
    "/api/v1/audit/access-log",
    "/api/v1/audit/access-log/verify",
  ]) {
    expect((await callApi(page, "GET", path)).status, path).toBe(403);
  }
});
