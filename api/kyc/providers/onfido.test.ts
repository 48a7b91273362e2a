import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { ConfigError } from "../../../lib/errors.ts";
import { signOnfidoWebhook, startOnfidoFake, type OnfidoFake } from "../../../local/onfido.ts";
import { ApiError, toApiError } from "../../rest/errors.ts";
import { kycSettings, type Env } from "../../../lib/config.ts";
import { kycProviderFrom } from "../config.ts";

const kycProviderFromEnv = (env: Env) => kycProviderFrom(kycSettings(env));
import { applicantFrom, createOnfidoProvider, verifyOnfidoWebhook } from "./onfido.ts";

const TOKEN = "webhook-token";
const BODY = Buffer.from(
  JSON.stringify({
    payload: {
      resource_type: "workflow_run",
      action: "workflow_run.completed",
      object: { id: "run-1", status: "approved", completed_at_iso8601: "2026-11-26T08:00:00Z" },
    },
  }),
);

describe("verifyOnfidoWebhook (X-SHA2-Signature)", () => {
  it("returns the event when the signature is the HMAC-SHA256 of the raw body", () => {
    const event = verifyOnfidoWebhook(BODY, signOnfidoWebhook(BODY, TOKEN), TOKEN);
    assert.ok(event !== undefined);
    assert.deepEqual(
      { id: event.payload?.object?.id, status: event.payload?.object?.status },
      { id: "run-1", status: "approved" },
    );
    // Upper-case hex is the same signature.
    assert.ok(verifyOnfidoWebhook(BODY, signOnfidoWebhook(BODY, TOKEN).toUpperCase(), TOKEN) !== undefined);
  });

  it("refuses a missing, malformed, wrong-key or wrong-body signature", () => {
    assert.equal(verifyOnfidoWebhook(BODY, undefined, TOKEN), undefined);
    assert.equal(verifyOnfidoWebhook(BODY, "", TOKEN), undefined);
    assert.equal(verifyOnfidoWebhook(BODY, "not hex", TOKEN), undefined);
    assert.equal(verifyOnfidoWebhook(BODY, signOnfidoWebhook(BODY, TOKEN).slice(0, 62), TOKEN), undefined);
    assert.equal(verifyOnfidoWebhook(BODY, signOnfidoWebhook(BODY, "other-token"), TOKEN), undefined);
    const changed = Buffer.from(BODY.toString().replace("approved", "declined"));
    assert.equal(verifyOnfidoWebhook(changed, signOnfidoWebhook(BODY, TOKEN), TOKEN), undefined);
  });

  it("refuses a correctly signed body that is not JSON", () => {
    const garbage = Buffer.from("not json");
    assert.equal(verifyOnfidoWebhook(garbage, signOnfidoWebhook(garbage, TOKEN), TOKEN), undefined);
  });
});

describe("applicantFrom", () => {
  it("splits the name and normalises the phone number", () => {
    const applicant = applicantFrom({
      full_name: "  Nino  Maria Beridze ",
      email: "nino@example.ge",
      phone: "+995 (555) 12-34-56",
      address: "Tbilisi",
      birth_date: "1990-04-21",
      nationality: "GE",
      document_number: "X1",
    });
    assert.equal(applicant.first_name, "Nino Maria");
    assert.equal(applicant.last_name, "Beridze");
    assert.equal(applicant.phone_number, "+995555123456");
    assert.equal(applicant.dob, "1990-04-21");
    assert.equal(applicantFrom({ ...DETAILS, full_name: "Madonna" }).last_name, "Madonna");
  });
});

const DETAILS = {
  full_name: "Nino Beridze",
  email: "nino@example.ge",
  phone: "+995 555 12 34 56",
  address: "Tbilisi",
  birth_date: "1990-04-21",
  nationality: "GE",
  document_number: "X1",
};

describe("kycProviderFromEnv", () => {
  it("defaults to manual review", () => {
    assert.equal(kycProviderFromEnv({}).provider.name, "manual");
    assert.equal(kycProviderFromEnv({ KYC_PROVIDER: "manual" }).webhook, undefined);
  });

  it("names the missing or wrong variable", () => {
    assert.throws(
      () => kycProviderFromEnv({ KYC_PROVIDER: "jumio" }),
      (error: unknown) => {
        return error instanceof ConfigError && error.message.includes("KYC_PROVIDER");
      },
    );
    const complete = {
      KYC_PROVIDER: "onfido",
      KYC_API_KEY: "api_sandbox.x",
      ONFIDO_WORKFLOW_ID: "wf",
      ONFIDO_WEBHOOK_TOKEN: "tok",
    };
    for (const variable of ["KYC_API_KEY", "ONFIDO_WORKFLOW_ID", "ONFIDO_WEBHOOK_TOKEN"]) {
      assert.throws(
        () => kycProviderFromEnv({ ...complete, [variable]: "" }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(variable),
      );
    }
    assert.throws(
      () => kycProviderFromEnv({ ...complete, ONFIDO_API_URL: "not a url" }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("ONFIDO_API_URL"),
    );
    const settings = kycProviderFromEnv({ ...complete, ONFIDO_API_URL: "http://127.0.0.1:1/v3.6" });
    assert.equal(settings.provider.name, "onfido");
    assert.deepEqual(settings.webhook, { webhookToken: "tok" });
  });
});

describe("createOnfidoProvider against the fake", () => {
  let fake: OnfidoFake;
  before(async () => {
    fake = await startOnfidoFake({ apiToken: "right", webhookToken: TOKEN });
  });
  after(async () => {
    await fake.stop();
  });

  const submission = {
    caseId: "case-1",
    userId: "user-1",
    details: DETAILS,
    documents: [
      { kind: "id_card", contentType: "application/pdf", bytes: new TextEncoder().encode("%PDF-1.4\n%%EOF\n") },
    ] as const,
  };

  it("starts a workflow run and returns its id", async () => {
    const provider = createOnfidoProvider({ apiToken: "right", basePath: fake.basePath, workflowId: "wf-1" });
    const { providerRef } = await provider.start(submission);
    assert.ok(providerRef !== null && fake.workflowRuns.has(providerRef));
    assert.equal(fake.documents[0]?.type, "national_identity_card");
  });

  it("fails with a 502 that carries no personal data when Onfido refuses", async () => {
    const provider = createOnfidoProvider({ apiToken: "wrong", basePath: fake.basePath, workflowId: "wf-1" });
    await assert.rejects(provider.start(submission), (thrown: unknown) => {
      // As the REST edge answers it.
      const error = toApiError(thrown);
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 502);
      assert.match(error.message, /HTTP 401 authorization_error/);
      assert.ok(!JSON.stringify({ message: error.message, cause: error.cause }).includes("nino@example.ge"));
      return true;
    });
  });
});
