/**
 * `npm run screenshots`: a PNG of each main page of the web app in docs/screenshots/ (the README
 * shows them), taken in Debian's Chromium against a fresh stack with `npm run seed`'s demo data
 * (scripts/web-demo.ts), each page as the person who uses it: the customer's menu and order, the
 * franchisee's board, the auditor's explorer.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";

import type { Browser, Page } from "@playwright/test";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { PROJECT_ROOT } from "../lib/config.ts";
import { launchChromium, openPage, startDemoStack } from "./web-demo.ts";

const OUT = path.join(PROJECT_ROOT, "docs", "screenshots");
/** The seed's franchisee of "Hot Pot Spot Vake" (scripts/seed.ts). */
const VAKE_FRANCHISEE = 10;

async function shoot(page: Page, name: string): Promise<void> {
  // Lazily loaded chunks and live queries settle before the picture.
  await page.waitForLoadState("networkidle");
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
}

const stack = await startDemoStack();
let browser: Browser | undefined;
try {
  await mkdir(OUT, { recursive: true });
  browser = await launchChromium();

  // The seed's wallet customer (#5) paid an order with the token; its menu and that order.
  const customer = await openPage(browser, stack, LOCAL_ACCOUNTS.firstCustomer);
  await customer.goto("/");
  await customer.getByRole("link", { name: "Hot Pot Spot Vake" }).click();
  await customer.locator('[data-testid="add-to-cart-Hot Pot"]').waitFor();
  await shoot(customer, "customer-menu");

  await customer.goto("/my-orders");
  await customer.locator('a[href^="/order/"]').first().click();
  await customer.getByTestId("settlement-tx").waitFor({ timeout: 60_000 });
  const chainOrderId = (await customer.getByTestId("chain-order-id").textContent()) ?? "";
  await shoot(customer, "order-tracking");

  const franchisee = await openPage(browser, stack, VAKE_FRANCHISEE);
  await franchisee.goto("/orders");
  await franchisee.getByTestId("order-row").first().waitFor();
  await shoot(franchisee, "franchise-board");

  // The local chain's admin (#0) is an admin at sign-in: the explorer is in its menu as in an auditor's.
  const auditor = await openPage(browser, stack, LOCAL_ACCOUNTS.admin);
  await auditor.goto(`/audit?q=${chainOrderId}`);
  await auditor.getByTestId("audit-event").first().waitFor();
  await shoot(auditor, "auditor-explorer");
} finally {
  await browser?.close();
  await stack.stop();
}
