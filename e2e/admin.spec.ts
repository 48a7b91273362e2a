/**
 * The platform admin's pages in the browser against the whole stack: granting and revoking roles
 * (the role reaches the person at their next sign-in), the platform parameters read from the chain
 * mirror with the block they reflect, and an application that cannot be approved (its applicant is
 * not KYC-verified) rejected with a reason the applicant then reads.
 */
import { expect, test, type Page } from "@playwright/test";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { expectAccessible } from "./accessibility.ts";
import { injectWallet } from "./wallet.ts";

/** Accounts no other spec signs in with. */
const ROLE_HOLDER = 5;
const APPLICANT = 9;

async function signInWithWallet(page: Page): Promise<void> {
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-wallet"]');
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

/** Signs the admin in on `page`; their address. */
async function adminPage(page: Page): Promise<string> {
  const address = await injectWallet(page, LOCAL_ACCOUNTS.admin);
  await signInWithWallet(page);
  return address.toLowerCase();
}

test("an admin grants a role, which reaches the person at their next sign-in, and revokes it", async ({
  page,
  browser,
}) => {
  const admin = await adminPage(page);
  const person = await (await browser.newContext()).newPage();
  const address = (await injectWallet(person, ROLE_HOLDER)).toLowerCase();
  await signInWithWallet(person);
  await expect(person.getByRole("link", { name: "Audit" })).toHaveCount(0);

  await page.goto("/admin/roles");
  const holders = page.getByTestId("user");
  await expect(holders.first()).toBeVisible();
  await expect(page.locator(`[data-testid="user"][data-address="${address}"]`)).toHaveCount(0);
  await expectAccessible(page, "/admin/roles");

  // A malformed address is refused beside the search field, and what was typed stays.
  await page.fill('[data-testid="user-search"]', "0x12");
  await page.click('[data-testid="user-search-submit"]');
  await expect(page.getByTestId("user-search-error")).toHaveText("a 0x-prefixed 20-byte hex address");
  await expect(page.getByTestId("user-search")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("user-search")).toHaveValue("0x12");
  await expectAccessible(page, "/admin/roles with a refused search");

  await page.fill('[data-testid="user-search"]', address.toUpperCase().replace("0X", "0x"));
  await page.click('[data-testid="user-search-submit"]');
  const card = page.locator(`[data-testid="user"][data-address="${address}"]`);
  await expect(card).toHaveCount(1);
  await card.getByTestId("role-auditor").check();
  await card.getByTestId("save-roles").click();
  await expect(page.getByTestId("roles-status")).toContainText(`${address}: Auditor`);

  // Roles travel in the session token: the person signs in again and has the auditor's page.
  await person.getByRole("button", { name: "Sign out" }).click();
  await signInWithWallet(person);
  await person.getByRole("link", { name: "Audit" }).click();
  await expect(person).toHaveURL(/\/audit$/);

  // Among the role holders now; revoked from there.
  await page.getByRole("button", { name: "Show the role holders" }).click();
  await expect(card).toHaveCount(1);
  await card.getByTestId("role-auditor").uncheck();
  await card.getByTestId("save-roles").click();
  await expect(page.getByTestId("roles-status")).toContainText(`${address}: no roles`);
  await expect(card).toHaveCount(0);

  // An admin cannot take their own admin role away: the server says why.
  const self = page.locator(`[data-testid="user"][data-address="${admin}"]`);
  await self.getByTestId("role-admin").uncheck();
  await self.getByTestId("save-roles").click();
  await expect(self.getByTestId("form-error")).toHaveText(
    "an admin cannot remove their own admin role; ask another admin",
  );
});

test("the platform parameters, read from the chain mirror as of the block they reflect", async ({ page, request }) => {
  await adminPage(page);
  await page.goto("/admin/parameters");
  await expect(page.getByTestId("parameters-block")).toHaveText(/^As of block \d+, .+\.$/);
  const shownBlock = Number(/block (\d+)/.exec((await page.getByTestId("parameters-block").textContent()) ?? "")?.[1]);
  expect(shownBlock).toBeGreaterThan(0);

  // The same parameters the GraphQL mirror answers, each set at or before the block shown.
  const answer = (await (
    await request.post("/graphql", {
      data: { query: "{ platformParameters(first: 100, orderBy: key) { nodes { key updatedBlock } } }" },
    })
  ).json()) as { data: { platformParameters: { nodes: { key: string; updatedBlock: number }[] } } };
  const keys = answer.data.platformParameters.nodes.map((node) => node.key);
  expect(keys.length).toBeGreaterThan(0);
  const cards = page.getByTestId("parameter");
  await expect(cards).toHaveCount(keys.length);
  expect(await cards.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-key")))).toEqual(
    keys,
  );
  for (const block of await page.getByTestId("parameter-block").allTextContents()) {
    expect(Number(block)).toBeLessThanOrEqual(shownBlock);
  }
  await expectAccessible(page, "/admin/parameters");
  await page.getByTestId("parameters-refresh").click();
  await expect(page.getByTestId("parameters-block")).toHaveText(/^As of block \d+/);
});

test("an application whose applicant is not KYC-verified cannot be approved; it is rejected with a reason", async ({
  page,
  browser,
}) => {
  const applicant = await (await browser.newContext()).newPage();
  await injectWallet(applicant, APPLICANT);
  await signInWithWallet(applicant);
  await applicant.goto("/register");
  await applicant.fill('[data-testid="restaurant-name"]', "Pop-up Pot");
  await applicant.fill('[data-testid="restaurant-location"]', "Gori, Stalin Ave 5");
  await applicant.fill('[data-testid="restaurant-note"]', "A summer kitchen by the fortress.");
  await applicant.click('[data-testid="submit"]');
  await expect(applicant.getByTestId("application-needs-kyc")).toBeVisible();
  await expect(applicant.getByTestId("submit")).toHaveCount(0);
  await expectAccessible(applicant, "/register, waiting for a decision");

  await adminPage(page);
  await page.goto("/admin/applications");
  const application = page.locator('[data-testid="application"][data-name="Pop-up Pot"]');
  await expect(application).toContainText("A summer kitchen by the fortress.");
  await expect(application.getByTestId("application-kyc")).toHaveText(
    "not verified: approval waits until the applicant is",
  );
  await application.getByTestId("approve").click();
  await expect(application.getByTestId("form-error")).toContainText("is not KYC-verified yet");
  await expect(application.getByTestId("application-status")).toHaveText("waiting for a decision");
  // A rejection needs its reason: refused beside the field.
  await application.getByTestId("reject").click();
  const reason = application.getByTestId("application-reason");
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  await expect(application.locator('[data-testid^="reason-"][data-testid$="-error"]')).toHaveText(
    "say why the application is rejected",
  );
  await expectAccessible(page, "/admin/applications with a refused decision");
  await reason.fill("Gori already has a Hot Pot Spot.");
  await application.getByTestId("reject").click();
  await expect(page.getByTestId("decision-status")).toHaveText("Pop-up Pot is rejected; the applicant sees why.");
  await expect(application).toHaveCount(0);
  await page.getByTestId("application-filter").selectOption("rejected");
  await expect(application.getByTestId("application-status")).toHaveText("rejected");

  // The applicant's page reads the decision by itself, and offers to apply again.
  await expect(applicant.getByTestId("application-status")).toHaveText(
    "Your application for Pop-up Pot was rejected: Gori already has a Hot Pot Spot. You may apply again.",
    { timeout: 30_000 },
  );
  await expect(applicant.getByTestId("submit")).toBeVisible();
  await expectAccessible(applicant, "/register after a rejection");
});
