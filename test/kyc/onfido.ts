/**
 * Onfido as the KYC verifier, end to end: the real SDK (`@onfido/api`) talks to a local fake
 * speaking Onfido's v3.6 wire format (local/onfido.ts); a submission over the
 * platform's REST API creates the applicant, uploads the documents and starts a workflow run; the
 * fake's signed `workflow_run.completed` webhook decides the case (approval → attestation outbox
 * row → KycRegistry on chain; decline → rejected); replays change nothing; bad signatures are 400.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";

import express from "express";

import { createOnfidoProvider, ONFIDO_WEBHOOK_PATH, onfidoWebhook } from "../../api/kyc/providers/onfido.ts";
import { signOnfidoWebhook, startOnfidoFake, type OnfidoFake } from "../../local/onfido.ts";
import { freePort } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

const API_TOKEN = "api_sandbox.onfido-fake-token";
const WEBHOOK_TOKEN = "onfido-webhook-token-for-tests";
const WORKFLOW_ID = "5d7c4b1e-0000-4000-8000-00000000f1d0";

const DETAILS = {
  full_name: "Nino Beridze",
  email: "nino@example.ge",
  phone: "+995 555 12 34 56",
  address: "Tbilisi, Chavchavadze Ave 37",
  birth_date: "1990-04-21",
  nationality: "GE",
  document_number: "13AB45678",
};
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode("selfie")]);

interface CaseBody {
  id: string;
  status: string;
  provider: string;
  reason: string | null;
}

describe("KYC through Onfido (real SDK against a local fake of its API)", () => {
  let fake: OnfidoFake;
  let stack: WriteStack;
  let hooks: Server | undefined;
  let hookUrl: string;
  let approvedRun: string;
  let approvedCase: CaseBody;

  const submit = async (index: number, email: string): Promise<{ status: number; body: CaseBody }> => {
    const { token } = await stack.signIn(localAccount(index));
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...DETAILS, email })) form.append(name, value);
    form.append("passport", new Blob([Buffer.from(PDF)]), "passport.pdf");
    form.append("selfie", new Blob([Buffer.from(PNG)]), "selfie.png");
    const response = await fetch(`${stack.url}/api/v1/kyc/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as CaseBody };
  };

  const deliver = async (body: string, signature?: string): Promise<number> => {
    const response = await fetch(hookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(signature === undefined ? {} : { "x-sha2-signature": signature }),
      },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  };

  const caseRow = async (
    caseId: string,
  ): Promise<{ status: string; provider_ref: string; decision_reason: string | null }> => {
    const { rows } = await stack.db.pool.query<{
      status: string;
      provider_ref: string;
      decision_reason: string | null;
    }>("SELECT status, provider_ref, decision_reason FROM kyc_case WHERE id = $1", [caseId]);
    assert.ok(rows[0] !== undefined);
    return rows[0];
  };

  const count = async (sql: string, params: unknown[] = []): Promise<number> => {
    const { rows } = await stack.db.pool.query<{ n: number }>(sql, params);
    return rows[0]?.n ?? 0;
  };

  before(async () => {
    fake = await startOnfidoFake({ apiToken: API_TOKEN, webhookToken: WEBHOOK_TOKEN });
    stack = await startWriteStack({
      kycProvider: createOnfidoProvider({ apiToken: API_TOKEN, basePath: fake.basePath, workflowId: WORKFLOW_ID }),
    });
    // The webhook as the API serves it (api/app.ts mounts write.kycWebhook the same way).
    const app = express();
    app.post(
      ONFIDO_WEBHOOK_PATH,
      ...onfidoWebhook({ kyc: stack.parts.kyc, db: stack.db, webhookToken: WEBHOOK_TOKEN }),
    );
    const port = await freePort();
    hooks = await new Promise<Server>((resolve) => {
      const listening = createServer(app).listen(port, "127.0.0.1", () => {
        resolve(listening);
      });
    });
    hookUrl = `http://127.0.0.1:${port}${ONFIDO_WEBHOOK_PATH}`;
    fake.setWebhookUrl(hookUrl);
  });

  after(async () => {
    hooks?.closeAllConnections();
    await new Promise<void>((resolve) => {
      if (hooks === undefined) resolve();
      else
        hooks.close(() => {
          resolve();
        });
    });
    // Either may be missing when `before` failed half-way.
    await (stack as WriteStack | undefined)?.stop();
    await (fake as OnfidoFake | undefined)?.stop();
  });

  it("creates the applicant, uploads the documents and starts a workflow run through the SDK", async () => {
    const created = await submit(ACCOUNT.franchisee, DETAILS.email);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    approvedCase = created.body;
    assert.equal(approvedCase.status, "in_review");
    assert.equal(approvedCase.provider, "onfido");

    assert.ok(fake.requests.length >= 4);
    assert.ok(
      fake.requests.every((request) => request.authorized),
      "every SDK call carries Token token=<key>",
    );
    const [applicant] = [...fake.applicants.values()];
    assert.ok(applicant !== undefined);
    assert.equal(applicant.first_name, "Nino");
    assert.equal(applicant.last_name, "Beridze");
    assert.equal(applicant.email, DETAILS.email);
    assert.equal(applicant.dob, DETAILS.birth_date);
    assert.equal(applicant.phone_number, "+995555123456");

    assert.equal(fake.documents.length, 1);
    const passport = fake.documents[0];
    assert.ok(passport !== undefined);
    assert.equal(passport.applicant_id, applicant.id);
    assert.equal(passport.type, "passport");
    assert.equal(passport.file_type, "pdf");
    assert.deepEqual(passport.bytes, PDF);
    assert.equal(fake.livePhotos.length, 1);
    assert.deepEqual(fake.livePhotos[0]?.bytes, PNG);

    const [run] = [...fake.workflowRuns.values()];
    assert.ok(run !== undefined);
    assert.equal(run.applicant_id, applicant.id);
    assert.equal(run.workflow_id, WORKFLOW_ID);
    assert.equal(run.status, "processing");
    approvedRun = run.id;
    assert.equal((await caseRow(approvedCase.id)).provider_ref, run.id);

    // The SDK reads the run back from the fake as well.
    const read = await createOnfidoProvider({
      apiToken: API_TOKEN,
      basePath: fake.basePath,
      workflowId: WORKFLOW_ID,
    }).api.findWorkflowRun(run.id);
    assert.equal(read.data.id, run.id);
    assert.equal(read.data.status, "processing");
  });

  it("refuses webhooks without a valid X-SHA2-Signature (400) and changes nothing", async () => {
    const { body } = fake.webhookFor(approvedRun);
    assert.equal(await deliver(body), 400, "no signature");
    assert.equal(await deliver(body, signOnfidoWebhook(body, "someone-elses-token")), 400, "wrong token");
    assert.equal(await deliver(body, "zz"), 400, "malformed signature");
    const tampered = body.replace('"processing"', '"approved"');
    assert.equal(await deliver(tampered, signOnfidoWebhook(body, WEBHOOK_TOKEN)), 400, "body changed after signing");
    assert.equal((await caseRow(approvedCase.id)).status, "in_review");
    assert.equal(await count("SELECT count(*)::int AS n FROM webhook_event WHERE source = 'onfido'"), 0);
  });

  it("approves the case on a signed workflow_run.completed (approved): attestation outbox row, then on chain", async () => {
    const delivery = await fake.complete(approvedRun, "approved");
    assert.equal(delivery.status, 200);
    const row = await caseRow(approvedCase.id);
    assert.equal(row.status, "approved");
    assert.equal(row.decision_reason, "Onfido: approved");
    assert.equal(
      await count("SELECT count(*)::int AS n FROM outbox WHERE kind = 'kyc_attest' AND dedupe_key = $1", [
        `kyc-attest:${approvedCase.id}`,
      ]),
      1,
    );
    const address = localAccount(ACCOUNT.franchisee).address;
    await eventually("the attestation on chain", async () => {
      const onChain = await stack.chain.contracts.kycRegistry.read.attestationOf([address]);
      return onChain.level === 2 ? onChain : undefined;
    });

    // A replay (Onfido retries, or someone resends the captured request) changes nothing.
    assert.equal(await deliver(delivery.body, delivery.signature), 200);
    assert.equal(await count("SELECT count(*)::int AS n FROM webhook_event WHERE source = 'onfido'"), 1);
    assert.equal(await count("SELECT count(*)::int AS n FROM outbox WHERE kind = 'kyc_attest'"), 1);
    assert.equal((await caseRow(approvedCase.id)).status, "approved");
  });

  it("rejects the case on a declined run", async () => {
    const created = await submit(ACCOUNT.franchisee2, "second@example.ge");
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const run = (await caseRow(created.body.id)).provider_ref;
    assert.ok(fake.workflowRuns.has(run));
    const delivery = await fake.complete(run, "declined");
    assert.equal(delivery.status, 200);
    const row = await caseRow(created.body.id);
    assert.equal(row.status, "rejected");
    assert.equal(row.decision_reason, "Onfido: declined");
    assert.equal(await count("SELECT count(*)::int AS n FROM outbox WHERE kind = 'kyc_attest'"), 1, "no attestation");
    const { token } = await stack.signIn(localAccount(ACCOUNT.franchisee2));
    const status = await stack.call<{ status: string; case: CaseBody }>("GET", "/api/v1/kyc/status", { token });
    assert.equal(status.body.status, "rejected");
  });

  it("answers 200 to events it does not act on, and to verdicts for runs it does not know", async () => {
    const other = JSON.stringify({
      payload: { resource_type: "check", action: "check.completed", object: { id: "chk-1", status: "complete" } },
    });
    assert.equal(await deliver(other, signOnfidoWebhook(other, WEBHOOK_TOKEN)), 200);
    const unknown = JSON.stringify({
      payload: {
        resource_type: "workflow_run",
        action: "workflow_run.completed",
        object: { id: "no-such-run", status: "approved", completed_at_iso8601: new Date().toISOString() },
      },
    });
    assert.equal(await deliver(unknown, signOnfidoWebhook(unknown, WEBHOOK_TOKEN)), 200);
    assert.equal(await count("SELECT count(*)::int AS n FROM outbox WHERE kind = 'kyc_attest'"), 1);
  });
});
