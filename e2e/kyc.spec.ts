/**
 * KYC from both sides, in the browser against the real stack: a customer uploads details and
 * documents (a lost connection keeps them for a retry; the upload's progress is shown), a KYC
 * officer opens the case with a reason, sees the decrypted documents and rejects it with a reason;
 * the customer reads it and submits again; the officer approves, the customer sees the level and
 * the attestation on chain; the officer's reads are in the personal-data access log.
 */
import { expect, test, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";
import { fillKycForm } from "./kyc.ts";
import { adminPage, callApi, kycOfficerPage, sessionOf, signInAsNewCustomer } from "./people.ts";

interface AccessLogEntry {
  actor_id: string | null;
  actor_role: string;
  subject_id: string;
  action: string;
  reason: string;
}

/** The officer opens the customer's waiting case from the queue, giving `reason`. */
async function openCaseOf(officer: Page, customerId: string, reason: string): Promise<void> {
  await officer.getByRole("link", { name: "KYC review" }).click();
  const row = officer.locator(`[data-testid="kyc-queue-row"][data-user-id="${customerId}"]`);
  await expect(row).toHaveCount(1);
  await row.getByTestId("kyc-review-link").click();
  await officer.fill('[data-testid="kyc-open-reason"]', reason);
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("kyc-detail-full_name")).toBeVisible();
}

test("a customer's documents go through rejection, resubmission and approval", async ({ browser }) => {
  // Two uploads, two decisions and an attestation written on chain by the relayer.
  test.setTimeout(480_000);
  const admin = await adminPage(browser);
  const officer = await kycOfficerPage(browser, admin);
  const officerId = (await sessionOf(officer)).user.id;

  const customer = await (await browser.newContext()).newPage();
  await signInAsNewCustomer(customer);
  const customerId = (await sessionOf(customer)).user.id;
  await customer.getByRole("link", { name: "Identity check" }).click();
  await expect(customer.getByTestId("kyc-status")).toHaveText("not started");
  await expectAccessible(customer, "/kyc");
  await fillKycForm(customer, { email: "nino.kyc@example.ge", passportBytes: 1_500_000 });
  await expect(customer.getByTestId("kyc-chosen-passport")).toContainText("passport.pdf");

  // The server cannot be reached: nothing is lost, and the page offers to send again.
  await customer.route("**/api/v1/kyc/submissions", (route) => route.abort("connectionrefused"));
  await customer.click('[data-testid="kyc-submit"]');
  await expect(customer.getByTestId("form-error")).toHaveText(
    "The server could not be reached; what you typed is kept, try again.",
  );
  await expect(customer.getByTestId("kyc-chosen-passport")).toContainText("passport.pdf");
  await expect(customer.getByTestId("kyc-chosen-selfie")).toContainText("selfie.png");
  await expect(customer.getByTestId("kyc-full_name")).toHaveValue("Nino Beridze");
  await expectAccessible(customer, "/kyc after a failed upload");
  await customer.unroute("**/api/v1/kyc/submissions");

  // Trying again while offline waits for the connection, and says so.
  const network = await customer.context().newCDPSession(customer);
  await network.send("Network.enable");
  const conditions = (offline: boolean, uploadThroughput: number): Promise<unknown> =>
    network.send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput });
  await conditions(true, -1);
  await customer.click('[data-testid="kyc-retry"]');
  await expect(customer.getByTestId("kyc-offline")).toBeVisible();
  await expect(customer.getByTestId("upload-progress")).toHaveCount(0);
  await expectAccessible(customer, "/kyc offline");

  // Back online on a slow uplink (256 KB/s): the 1.5 MB upload goes by itself, followed on the progress bar.
  await conditions(false, 256 * 1024);
  await expect(customer.getByTestId("upload-progress")).toHaveAttribute("data-percent", /^[1-9]\d?$/);
  await expect(customer.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  await expect(customer.getByTestId("kyc-status")).toHaveText("submitted", { timeout: 60_000 });
  await conditions(false, -1);
  await expectAccessible(customer, "/kyc waiting for review");

  // The officer's queue; opening a case needs a reason, and the API's message shows beside it.
  await officer.getByRole("link", { name: "KYC review" }).click();
  await expectAccessible(officer, "/kyc/review");
  await officer
    .locator(`[data-testid="kyc-queue-row"][data-user-id="${customerId}"]`)
    .getByTestId("kyc-review-link")
    .click();
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("kyc-open-reason-error")).not.toBeEmpty();
  await expect(officer.getByTestId("kyc-open-reason")).toHaveAttribute("aria-invalid", "true");
  await expect(officer.getByTestId("kyc-detail-full_name")).toHaveCount(0);
  await expectAccessible(officer, "a KYC case before it is opened");
  const firstReason = "reviewing the first submission";
  await officer.fill('[data-testid="kyc-open-reason"]', firstReason);
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("kyc-detail-full_name")).toHaveText("Nino Beridze");
  await expect(officer.getByTestId("kyc-detail-email")).toHaveText("nino.kyc@example.ge");
  await expect(officer.getByTestId("kyc-case-status")).toHaveText("in review");
  // The documents, decrypted: the selfie shown as the image it was, the passport a PDF to open.
  const selfie = officer.locator('[data-testid="kyc-document"][data-kind="selfie"]').getByTestId("kyc-document-image");
  await expect(selfie).toHaveJSProperty("naturalWidth", 1);
  const pdf = officer.locator('[data-testid="kyc-document"][data-kind="passport"]').getByTestId("kyc-document-link");
  await expect(pdf).toHaveText("Open the Passport (PDF)");
  await expect(pdf).toHaveAttribute("href", /^blob:/);
  await expectAccessible(officer, "an opened KYC case");

  // Rejecting needs a reason too; then the customer reads it.
  await officer.click('[data-testid="kyc-reject"]');
  await expect(officer.getByTestId("kyc-decision-reason-error")).not.toBeEmpty();
  const rejection = "The passport scan is blurred; please send a sharper one.";
  await officer.fill('[data-testid="kyc-decision-reason"]', rejection);
  await officer.click('[data-testid="kyc-reject"]');
  await expect(officer.getByTestId("kyc-case-status")).toHaveText("rejected");
  await expect(officer.getByTestId("kyc-decided")).toHaveText("The case is rejected.");

  // The customer's page follows the case by itself, shows the reason and takes the documents again.
  await expect(customer.getByTestId("kyc-status")).toHaveText("rejected");
  await expect(customer.getByTestId("kyc-reason")).toHaveText(rejection);
  await expectAccessible(customer, "/kyc after a rejection");
  await fillKycForm(customer, { email: "nino.kyc@example.ge" });
  await customer.click('[data-testid="kyc-submit"]');
  await expect(customer.getByTestId("kyc-status")).toHaveText("submitted");

  // The officer approves the new case at level 2.
  const secondReason = "reviewing the resubmission";
  await openCaseOf(officer, customerId, secondReason);
  await expect(officer.locator('[data-testid="kyc-document"]')).toHaveCount(2);
  await officer.fill('[data-testid="kyc-decision-reason"]', "documents match the details");
  await officer.fill('[data-testid="kyc-level"]', "2");
  await officer.click('[data-testid="kyc-approve"]');
  await expect(officer.getByTestId("kyc-case-status")).toHaveText("approved");
  await expect(officer.getByTestId("kyc-revoke")).toBeVisible();
  await expectAccessible(officer, "an approved KYC case");
  await officer.getByRole("link", { name: "Back to the queue" }).click();
  await expect(officer.locator(`[data-testid="kyc-queue-row"][data-user-id="${customerId}"]`)).toHaveCount(0);

  // The customer sees the approval and its level, then the attestation once the chain has it.
  await expect(customer.getByTestId("kyc-status")).toHaveText("approved");
  await expect(customer.getByTestId("kyc-approved")).toContainText("level 2");
  await expect(customer.getByTestId("kyc-submit")).toHaveCount(0);
  await expect(customer.getByTestId("kyc-on-chain")).toHaveText("Recorded on chain at level 2.", { timeout: 90_000 });
  await expectAccessible(customer, "/kyc approved");

  // Every read of the customer's data by the officer is in the access log, with the reason given.
  const log = await callApi(admin, "GET", `/api/v1/audit/access-log?subject_id=${customerId}&limit=100`);
  expect(log.status).toBe(200);
  const byOfficer = (log.body as { entries: AccessLogEntry[] }).entries.filter((entry) => entry.actor_id === officerId);
  const reads = byOfficer.map((entry) => `${entry.actor_role} ${entry.action}: ${entry.reason}`);
  expect(reads).toEqual(
    expect.arrayContaining([
      `kyc_officer read: ${firstReason}`,
      `kyc_officer read_document: ${firstReason}`,
      `kyc_officer read: ${secondReason}`,
      `kyc_officer read_document: ${secondReason}`,
    ]),
  );
  // Two documents read for each opening, and nothing read without a reason given for it.
  expect(byOfficer.filter((entry) => entry.action === "read_document")).toHaveLength(4);
  expect(byOfficer.every((entry) => entry.reason === firstReason || entry.reason === secondReason)).toBe(true);
});
