/**
 * The seed's KYC scenario end to end over HTTP, against a real chain and Postgres: a future
 * franchisee submits documents (encrypted before they are stored), a KYC officer reviews and
 * approves, the attestation reaches KycRegistry through the relayer, the franchise NFT can then be
 * minted to them; rejection and resubmission; revocation; erasure by crypto-shredding; the access
 * log. Then the whole database (pg_dump), every log line and every stored IPFS object are searched
 * for the personal data and found not to hold any of it in plaintext.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { waitForMirror } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

const MARKERS = {
  full_name: "Zviadi Markerashvili-QX7",
  email: "marker.qx7@example.ge",
  phone: "+995 555 77 31 97",
  address: "Markerstreet 771, Tbilisi",
  birth_date: "1987-03-14",
  nationality: "GE",
  document_number: "MRK7731QX",
};
/** Strings that must never appear in plaintext anywhere the platform stores or logs. */
const SECRETS = [
  MARKERS.full_name,
  MARKERS.email,
  "555 77 31 97",
  "5557731",
  MARKERS.address,
  MARKERS.document_number,
  "PASSPORT-SCAN-MARKER-QX7",
];

const PDF = new TextEncoder().encode(
  "%PDF-1.4\n% PASSPORT-SCAN-MARKER-QX7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode("selfie")]);

interface CaseBody {
  id: string;
  status: string;
  evidence_hash: string;
  reason: string | null;
}

describe("KYC: submit, review, attest on chain, revoke, erase; no personal data in plaintext", () => {
  const logs: string[] = [];
  let stack: WriteStack;
  let applicant: { token: string; userId: string };
  let officerToken: string;
  let auditorToken: string;
  let approvedCase: CaseBody;

  const upload = async (
    token: string | undefined,
    form: FormData,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${stack.url}/api/v1/kyc/submissions`, {
      method: "POST",
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const submission = (
    details: Record<string, string> = MARKERS,
    files: Record<string, Uint8Array> = { passport: PDF, selfie: PNG },
  ): FormData => {
    const form = new FormData();
    for (const [name, value] of Object.entries(details)) form.append(name, value);
    for (const [name, bytes] of Object.entries(files)) form.append(name, new Blob([Buffer.from(bytes)]), `${name}.bin`);
    return form;
  };

  /** Signs `index` in, has the admin grant `role`, signs in again (roles travel in the token). */
  const withRole = async (index: number, role: string): Promise<string> => {
    const first = await stack.signIn(localAccount(index));
    const granted = await stack.call("PUT", `/api/v1/users/${first.userId}/roles`, {
      token: stack.adminToken,
      body: { roles: [role] },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    return (await stack.signIn(localAccount(index))).token;
  };

  before(async () => {
    stack = await startWriteStack({ logs });
    applicant = await stack.signIn(localAccount(ACCOUNT.franchisee));
    officerToken = await withRole(LOCAL_ACCOUNTS.kycOfficer, "kyc_officer");
    auditorToken = await withRole(ACCOUNT.carol, "auditor");
  });

  after(async () => {
    await stack.stop();
  });

  it("takes a submission: details and documents, checked by content, stored encrypted", async () => {
    const before = await stack.call<{ status: string }>("GET", "/api/v1/kyc/status", { token: applicant.token });
    assert.equal(before.body.status, "not_started");

    assert.equal((await upload(undefined, submission())).status, 401);
    const notMultipart = await stack.call("POST", "/api/v1/kyc/submissions", { token: applicant.token, body: MARKERS });
    assert.equal(notMultipart.status, 415);
    const disguised = await upload(
      applicant.token,
      submission(MARKERS, { passport: new TextEncoder().encode("just text") }),
    );
    assert.equal(disguised.status, 415, JSON.stringify(disguised.body));
    assert.equal((await upload(applicant.token, submission(MARKERS, {}))).status, 400);
    const badDetails = await upload(
      applicant.token,
      submission({ ...MARKERS, email: "not-an-email", birth_date: "14.03.1987" }),
    );
    assert.equal(badDetails.status, 400);
    assert.deepEqual((badDetails.body.issues as { path: string }[]).map((issue) => issue.path).sort(), [
      "body.birth_date",
      "body.email",
    ]);
    const tooLarge = await upload(
      applicant.token,
      submission(MARKERS, { passport: new Uint8Array(11 * 1024 * 1024).fill(0x25) }),
    );
    assert.equal(tooLarge.status, 413);
    // None of the refused attempts left anything behind.
    const { rows } = await stack.db.pool.query("SELECT 1 FROM kyc_case");
    assert.equal(rows.length, 0);

    const created = await upload(applicant.token, submission());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    approvedCase = created.body as unknown as CaseBody;
    assert.equal(approvedCase.status, "submitted");
    assert.equal((await upload(applicant.token, submission())).status, 409, "a second case while one waits");

    // What went to IPFS is ciphertext.
    const documents = await stack.db.pool.query<{ cid: string }>("SELECT cid FROM kyc_document");
    for (const { cid } of documents.rows) {
      const stored = await stack.parts.platform.contentStore.get(cid);
      assert.ok(stored !== null);
      assert.ok(!Buffer.from(stored).includes("PASSPORT-SCAN-MARKER"), "a document is stored in plaintext");
    }
  });

  it("lets only KYC officers review, with every opening in the access log", async () => {
    assert.equal((await stack.call("GET", "/api/v1/kyc/cases", { token: applicant.token })).status, 403);
    const queue = await stack.call<{ cases: CaseBody[] }>("GET", "/api/v1/kyc/cases", { token: officerToken });
    assert.deepEqual(
      queue.body.cases.map((entry) => entry.id),
      [approvedCase.id],
    );
    const opened = await stack.call<{ details: Record<string, string>; documents: { id: string; kind: string }[] }>(
      "POST",
      `/api/v1/kyc/cases/${approvedCase.id}/open`,
      { token: officerToken, body: { reason: "KYC review of the submission" } },
    );
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.equal(opened.body.details.full_name, MARKERS.full_name);
    const passport = opened.body.documents.find((document) => document.kind === "passport");
    assert.ok(passport !== undefined);
    const file = await fetch(
      `${stack.url}/api/v1/kyc/cases/${approvedCase.id}/documents/${passport.id}?reason=checking+the+passport`,
      { headers: { authorization: `Bearer ${officerToken}` } },
    );
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "application/pdf");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), PDF);

    const log = await stack.call<{
      entries: { action: string; actor_role: string; subject_id: string; reason: string }[];
    }>("GET", `/api/v1/audit/access-log?subject_id=${applicant.userId}`, { token: auditorToken });
    assert.equal(log.status, 200);
    const officerReads = log.body.entries.filter((entry) => entry.actor_role === "kyc_officer");
    assert.ok(officerReads.length >= 2, JSON.stringify(log.body.entries));
    assert.ok(officerReads.some((entry) => entry.reason === "checking the passport"));
    assert.equal((await stack.call("GET", "/api/v1/audit/access-log", { token: applicant.token })).status, 403);
  });

  it("approves: the attestation reaches KycRegistry through the relayer, and the franchise can be minted", async () => {
    const decided = await stack.call<CaseBody>("POST", `/api/v1/kyc/cases/${approvedCase.id}/decision`, {
      token: officerToken,
      body: { approve: true, reason: "documents match the details" },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, "approved");
    const again = await stack.call("POST", `/api/v1/kyc/cases/${approvedCase.id}/decision`, {
      token: officerToken,
      body: { approve: false, reason: "changed my mind" },
    });
    assert.equal(again.status, 409);
    const address = localAccount(ACCOUNT.franchisee).address;
    const attestation = await eventually("the attestation on chain", async () => {
      const onChain = await stack.chain.contracts.kycRegistry.read.attestationOf([address]);
      return onChain.level === 2 ? onChain : undefined;
    });
    assert.equal(attestation.evidenceHash, approvedCase.evidence_hash);
    await waitForMirror(stack.db, stack.chain);
    const restaurant = await stack.call<{ id: string }>("POST", "/api/v1/restaurants", {
      token: stack.adminToken,
      body: { name: "Verified Kitchen", location: "Kutaisi", owner: address },
    });
    assert.equal(restaurant.status, 201, JSON.stringify(restaurant.body));
    await eventually("the franchise", async () => {
      const reply = await stack.call<{ status: string }>("GET", `/api/v1/restaurants/${restaurant.body.id}`);
      return reply.body.status === "active" ? true : undefined;
    });
  });

  it("rejects with a reason, then takes a new submission", async () => {
    const other = await stack.signIn(localAccount(ACCOUNT.franchisee2));
    const first = await upload(other.token, submission({ ...MARKERS, email: "second.qx7@example.ge" }));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const rejected = await stack.call<CaseBody>("POST", `/api/v1/kyc/cases/${String(first.body.id)}/decision`, {
      token: officerToken,
      body: { approve: false, reason: "the selfie is blurred" },
    });
    assert.equal(rejected.body.status, "rejected");
    const status = await stack.call<{ status: string; case: CaseBody }>("GET", "/api/v1/kyc/status", {
      token: other.token,
    });
    assert.equal(status.body.status, "rejected");
    assert.equal(status.body.case.reason, "the selfie is blurred");
    assert.equal((await upload(other.token, submission({ ...MARKERS, email: "second.qx7@example.ge" }))).status, 201);
  });

  it("revokes an approval on chain", async () => {
    const revoked = await stack.call<CaseBody>("POST", `/api/v1/kyc/cases/${approvedCase.id}/revoke`, {
      token: officerToken,
      body: { reason: "document reported stolen" },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.status, "revoked");
    const address = localAccount(ACCOUNT.franchisee).address;
    await eventually("the revocation on chain", async () =>
      (await stack.chain.contracts.kycRegistry.read.isVerified([address, 1])) ? undefined : true,
    );
  });

  it("erases a person by destroying their data key: their documents stay unreadable ciphertext", async () => {
    const other = await stack.signIn(localAccount(ACCOUNT.dave));
    const created = await upload(other.token, submission({ ...MARKERS, email: "third.qx7@example.ge" }));
    assert.equal(created.status, 201);
    assert.equal(
      (await stack.call("DELETE", `/api/v1/people/${other.userId}?reason=customer+request`, { token: applicant.token }))
        .status,
      403,
    );
    const erased = await stack.call("DELETE", `/api/v1/people/${other.userId}?reason=customer+request`, {
      token: other.token,
    });
    assert.equal(erased.status, 204, JSON.stringify(erased.body));
    const opened = await stack.call("POST", `/api/v1/kyc/cases/${String(created.body.id)}/open`, {
      token: officerToken,
      body: { reason: "review after erasure" },
    });
    assert.equal(opened.status, 410, JSON.stringify(opened.body));
    const keys = await stack.db.pool.query("SELECT 1 FROM person_key WHERE user_id = $1", [other.userId]);
    assert.equal(keys.rows.length, 0);
  });

  it("keeps a tamper-evident access log that auditors can verify", async () => {
    const verified = await stack.call<{ ok: boolean; count: number }>("GET", "/api/v1/audit/access-log/verify", {
      token: auditorToken,
    });
    assert.equal(verified.status, 200);
    assert.ok(verified.body.ok && verified.body.count > 3);
  });

  it("holds no personal data in plaintext: database dump, logs, stored IPFS objects", async () => {
    const dump = await databaseDump(stack);
    const files = await ipfsObjects(stack.ipfsDir);
    const places: [string, string][] = [
      ["database", dump],
      ["logs", logs.join("\n")],
      ...files.map((file): [string, string] => [`ipfs ${file.name}`, file.text]),
    ];
    assert.ok(logs.length > 0, "the logs were captured");
    assert.ok(dump.includes("kyc_case"), "the dump holds the tables");
    for (const [where, text] of places) {
      for (const secret of SECRETS) {
        assert.ok(
          !text.toLowerCase().includes(secret.toLowerCase()),
          `${JSON.stringify(secret)} in plaintext in the ${where}`,
        );
      }
    }
  });
});

/** pg_dump of the test database, or (when this pg_dump cannot talk to the server's version) every table's rows via COPY. */
async function databaseDump(stack: WriteStack): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", "--no-owner", stack.db.url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    // pg_dump writes bytea as \\x<hex>: decode those runs too, so plaintext in a bytea column shows up.
    const decoded = [...stdout.matchAll(/\\x([0-9a-f]{2,})/g)].map((match) =>
      Buffer.from(match[1] ?? "", "hex").toString("latin1"),
    );
    return `${stdout}\n${decoded.join("\n")}`;
  } catch {
    const { rows } = await stack.db.pool.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const parts: string[] = [];
    for (const { tablename } of rows) {
      const data = await stack.db.pool.query<Record<string, unknown>>(`SELECT * FROM "${tablename}"`);
      // Bytes as bytes (latin1), so plaintext stored in a bytea column would show up as text.
      const text = data.rows.map((row) =>
        Object.values(row)
          .map((value) => (Buffer.isBuffer(value) ? value.toString("latin1") : JSON.stringify(value)))
          .join("\t"),
      );
      parts.push(`-- ${tablename}\n${text.join("\n")}`);
    }
    return parts.join("\n");
  }
}

async function ipfsObjects(directory: string): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ name: entry.name, text: (await readFile(file)).toString("latin1") });
  }
  return out;
}
