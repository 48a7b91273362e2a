/**
 * The right to erasure, in the browser against the real stack: a customer whose KYC documents an
 * officer has opened deletes their account from /account (after a confirmation saying what that
 * means) and is signed out; from then on the officer can no longer open the case or its documents,
 * and the API answers 410 Gone, as openapi.yaml documents for both.
 */
import { readFile } from "node:fs/promises";

import { expect, test } from "@playwright/test";
import { parse } from "yaml";

import { PROJECT_ROOT } from "../lib/config.ts";
import { expectAccessible } from "./accessibility.ts";
import { fillKycForm, SELFIE_PNG } from "./kyc.ts";
import { adminPage, callApi, kycOfficerPage, sessionOf, signInAsNewCustomer } from "./people.ts";

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

test("a customer erases their account: their KYC documents can never be opened again", async ({ browser }) => {
  const admin = await adminPage(browser);
  const officer = await kycOfficerPage(browser, admin);
  const customer = await (await browser.newContext()).newPage();
  await signInAsNewCustomer(customer);
  const customerId = (await sessionOf(customer)).user.id;
  await customer.goto("/kyc");
  await fillKycForm(customer, { email: "erased.customer@example.ge", fullName: "Tamar Erased" });
  await customer.click('[data-testid="kyc-submit"]');
  await expect(customer.getByTestId("kyc-status")).toHaveText("submitted");

  // The officer opens the case while the customer's data is still there.
  await officer.goto("/kyc/review");
  await officer
    .locator(`[data-testid="kyc-queue-row"][data-user-id="${customerId}"]`)
    .getByTestId("kyc-review-link")
    .click();
  const caseUrl = officer.url();
  const caseId = caseUrl.split("/kyc/review/")[1] ?? "";
  await officer.fill('[data-testid="kyc-open-reason"]', "reviewing the submission");
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("kyc-detail-full_name")).toHaveText("Tamar Erased");
  const selfie = officer.locator('[data-testid="kyc-document"][data-kind="selfie"]');
  await expect(selfie.getByTestId("kyc-document-image")).toHaveJSProperty("naturalWidth", 1);
  const documentId = (await selfie.getAttribute("data-document-id")) ?? "";
  // Until the erasure, the document decrypts to the very bytes uploaded.
  const before = await callApi(
    officer,
    "GET",
    `/api/v1/kyc/cases/${caseId}/documents/${documentId}?reason=reviewing+the+submission`,
  );
  expect(before.status).toBe(200);
  expect(before.body).toEqual(SELFIE_PNG);

  // The customer's account page: who they are, and the deletion behind its confirmation.
  await customer.getByRole("link", { name: "Account", exact: true }).click();
  await expect(customer.getByTestId("account-id")).toHaveText(customerId);
  await expect(customer.getByTestId("account-roles")).toHaveText("Customer");
  await expectAccessible(customer, "/account");
  await customer.click('[data-testid="erase-start"]');
  const confirmation = customer.getByTestId("erase-confirmation");
  await expect(confirmation).toContainText("can never be decrypted again");
  await expect(confirmation).toContainText("Your orders and what is recorded on the chain stay");
  await expect(customer.getByTestId("erase-confirm")).toBeDisabled();
  await expectAccessible(customer, "/account, confirming the deletion");
  await customer.click('[data-testid="erase-understood"]');
  await customer.click('[data-testid="erase-confirm"]');
  await expect(customer.getByTestId("account-erased")).toHaveText(
    "Your personal data was erased and you were signed out.",
  );
  await expect(customer.getByRole("link", { name: "Sign in" })).toBeVisible();
  expect(await customer.evaluate(() => localStorage.getItem("hotpot.session"))).toBeNull();
  await expectAccessible(customer, "/account after the erasure");

  // The officer tries again: the case cannot be opened, with the API's reason shown.
  await officer.goto(caseUrl);
  await officer.fill('[data-testid="kyc-open-reason"]', "second look after the erasure");
  await officer.click('[data-testid="kyc-open"]');
  await expect(officer.getByTestId("form-error")).toHaveText("this person's data was erased");
  await expect(officer.getByTestId("kyc-detail-full_name")).toHaveCount(0);
  await expectAccessible(officer, "a KYC case of an erased person");

  // The API refuses the details and the document with 410, the status its description documents.
  const openapi = parse(await readFile(`${PROJECT_ROOT}/openapi.yaml`, "utf8")) as OpenApi;
  const opening = await callApi(officer, "POST", `/api/v1/kyc/cases/${caseId}/open`, { reason: "checking the API" });
  const reading = await callApi(
    officer,
    "GET",
    `/api/v1/kyc/cases/${caseId}/documents/${documentId}?reason=checking+the+API`,
  );
  for (const [answer, operation] of [
    [opening, openapi.paths["/api/v1/kyc/cases/{id}/open"]?.post],
    [reading, openapi.paths["/api/v1/kyc/cases/{id}/documents/{document_id}"]?.get],
  ] as const) {
    expect(answer.status).toBe(410);
    expect(answer.body).toMatchObject({ code: "erased", error: "this person's data was erased" });
    expect(Object.keys(operation?.responses ?? {})).toContain("410");
  }

  // The erasure itself is in the access log, done by the person themselves.
  const log = await callApi(admin, "GET", `/api/v1/audit/access-log?subject_id=${customerId}&limit=100`);
  const entries = (log.body as { entries: { action: string; actor_id: string | null; actor_role: string }[] }).entries;
  expect(entries.filter((entry) => entry.action === "erase")).toEqual([
    expect.objectContaining({ actor_id: customerId, actor_role: "customer" }),
  ]);
});
