/**
 * The personal-data vault against Postgres: field encryption, blind-index lookups, the access log,
 * crypto-shredding and master-key rotation. Marker values are unmistakable so that a dump of the
 * database can be searched for them in plaintext (text, and bytea as hex).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import { rotateDataKeys } from "../../api/people/rotation.ts";
import { accessLogHash, createAccessLog, GENESIS_HASH } from "../../api/people/access-log.ts";
import { EmailTakenError, PersonErasedError, PersonNotFoundError } from "../../api/people/errors.ts";
import { createPersonVault, type Actor, type PersonVault } from "../../api/people/vault.ts";
import { IntegrityError } from "../../lib/crypto/envelope.ts";
import { UnknownMasterKeyError, createKeyring, type Keyring } from "../../lib/crypto/keyring.ts";
import type { MasterKey } from "../../lib/crypto/master-keys.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const run = promisify(execFile);

const master = (id: string): MasterKey => ({ id, key: randomBytes(32) });
const blindIndexKey = randomBytes(32);
const officer: Actor = { id: null, role: "kyc_officer" };
const system: Actor = { id: null, role: "system" };

/** Every value is a marker: none may appear in plaintext anywhere in the database. */
function markers(tag: string) {
  return {
    fullName: `MARKERNAME${tag} Beridze`,
    email: `MARKERMAIL${tag}@Example.GE`,
    phone: `+995 555 ${tag.padStart(6, "0").slice(-6)}`,
    address: `MARKERADDR${tag} Rustaveli Ave 1, Tbilisi`,
    birthDate: `1990-01-${tag.padStart(2, "0").slice(-2)}`,
    nationality: `MARKERNAT${tag}`,
    documentNumber: `MARKERDOC${tag}`,
  };
}

async function createUser(db: TestDatabase): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    "INSERT INTO app_user (address, custodial) VALUES ($1, false) RETURNING id::text AS id",
    [`0x${randomBytes(20).toString("hex")}`],
  );
  const id = rows[0]?.id;
  assert.ok(id !== undefined);
  return id;
}

/** Every row of the tables holding personal data, as text (bytea columns appear as \x hex). */
async function dumpRows(db: TestDatabase): Promise<string> {
  const parts: string[] = [];
  for (const table of ["person_profile", "person_key", "access_log", "app_user"]) {
    const { rows } = await db.pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
    parts.push(...rows.map((row) => row.row));
  }
  return parts.join("\n");
}

function assertNoMarkers(haystack: string, values: readonly string[], where: string): void {
  const lower = haystack.toLowerCase();
  for (const value of values) {
    for (const form of [value, value.toLowerCase(), Buffer.from(value, "utf8").toString("hex")]) {
      assert.equal(lower.includes(form.toLowerCase()), false, `${where} contains "${value}" (as ${form})`);
    }
  }
}

describe("personal-data vault", () => {
  let db: TestDatabase;
  let keyring: Keyring;
  let vault: PersonVault;
  const firstKey = master("2026-01");

  before(async () => {
    db = await createTestDatabase();
    keyring = createKeyring({ current: firstKey, previous: [] });
    vault = createPersonVault({ db: db.pool, keyring, blindIndexKey });
  });
  after(async () => {
    await db.drop();
  });

  it("saves and reads back a person's details, each access in the log", async () => {
    const userId = await createUser(db);
    const details = markers("1");
    const actor: Actor = { id: userId, role: "customer" };
    await vault.saveDetails(actor, userId, details);
    assert.deepEqual(await vault.readDetails(officer, userId, "kyc case 1 review"), details);

    await vault.saveDetails(actor, userId, { address: "MARKERADDR1b new flat", nationality: null });
    const updated = await vault.readDetails(officer, userId, "kyc case 1 review");
    assert.equal(updated.address, "MARKERADDR1b new flat");
    assert.equal(updated.nationality, null);
    assert.equal(updated.fullName, details.fullName);

    const log = await createAccessLog(db.pool).list({ subjectId: userId, limit: 100 });
    assert.deepEqual(
      log.map((row) => [row.actorId, row.actorRole, row.action, row.reason]),
      [
        [
          userId,
          "customer",
          "write",
          "fields: fullName, email, phone, address, birthDate, nationality, documentNumber",
        ],
        [null, "kyc_officer", "read", "kyc case 1 review"],
        [userId, "customer", "write", "fields: address, nationality"],
        [null, "kyc_officer", "read", "kyc case 1 review"],
      ],
    );
    const { rows } = await db.pool.query<{ master_key_id: string }>(
      "SELECT master_key_id FROM person_key WHERE user_id = $1",
      [userId],
    );
    assert.equal(rows[0]?.master_key_id, "2026-01");
  });

  it("refuses to read without a reason, and says when nothing is stored", async () => {
    const userId = await createUser(db);
    await assert.rejects(vault.readDetails(officer, userId, "  "), /a reason is required/);
    await assert.rejects(vault.readDetails(officer, userId, "check"), PersonNotFoundError);
    await assert.rejects(vault.saveDetails(officer, userId, { email: "not an email" }), /not an email/);
    await assert.rejects(vault.saveDetails(officer, randomUUID(), { fullName: "x" }), /there is no such user/);
  });

  it("stores no personal value in plaintext (rows as text and bytea hex, and pg_dump)", async (t) => {
    const userId = await createUser(db);
    const details = markers("2");
    await vault.saveDetails(system, userId, details);
    const document = Buffer.from("MARKERPASSPORTSCAN2 %PDF-1.7 ...");
    const ciphertext = await vault.encryptDocument(userId, document);
    assertNoMarkers(ciphertext.toString("latin1"), ["MARKERPASSPORTSCAN2"], "the document ciphertext");

    const values = [
      ...Object.values(markers("1")),
      ...Object.values(details),
      "995555000002",
      "MARKERMAIL2@example.ge",
    ];
    const dump = await dumpRows(db);
    assert.match(dump, /\\\\x01/); // the ciphertext columns really are in the dump
    assertNoMarkers(dump, values, "the database rows");

    try {
      const { stdout } = await run("pg_dump", ["--no-owner", "--dbname", db.url], { maxBuffer: 64 * 1024 * 1024 });
      assert.match(stdout, /COPY public\.person_profile/);
      assertNoMarkers(stdout, values, "pg_dump");
    } catch (error) {
      // No pg_dump, or one older than the server (Debian's 15 against the embedded 18): the rows above are the check.
      const cannotDump =
        (error as { code?: unknown }).code === "ENOENT" || /server version mismatch/.test(String(error));
      if (cannotDump) t.diagnostic("pg_dump cannot dump this server; rows checked only");
      else throw error;
    }
  });

  it("binds each ciphertext to its person and column", async () => {
    const [alice, bob] = [await createUser(db), await createUser(db)];
    await vault.saveDetails(system, alice, { fullName: "MARKERALICE" });
    await vault.saveDetails(system, bob, { fullName: "MARKERBOB" });
    // Copy Alice's name ciphertext into another column, then into Bob's row: neither decrypts.
    await db.pool.query("UPDATE person_profile SET address = full_name WHERE user_id = $1", [alice]);
    await assert.rejects(vault.readDetails(officer, alice, "test"), IntegrityError);
    await db.pool.query(
      "UPDATE person_profile SET address = NULL, full_name = (SELECT full_name FROM person_profile WHERE user_id = $1) WHERE user_id = $2",
      [alice, bob],
    );
    await assert.rejects(vault.readDetails(officer, bob, "test"), /failed authentication/);
    // Nothing was disclosed, so nothing was logged as read.
    const reads = await createAccessLog(db.pool).list({ subjectId: bob, limit: 10 });
    assert.deepEqual(
      reads.map((row) => row.action),
      ["write"],
    );
  });

  it("finds people by email and phone through the blind index only", async () => {
    const [one, two] = [await createUser(db), await createUser(db)];
    await vault.saveDetails(system, one, { email: "  Lookup.Person@Example.GE ", phone: "+995 (599) 11-22-33" });
    await vault.saveDetails(system, two, { email: "other.person@example.ge", phone: "995599112233" });
    assert.equal(await vault.findUserByEmail("lookup.person@example.ge"), one);
    assert.equal(await vault.findUserByEmail("LOOKUP.PERSON@EXAMPLE.GE"), one);
    assert.equal(await vault.findUserByEmail("nobody@example.ge"), null);
    assert.equal(await vault.findUserByEmail("not an email"), null);
    assert.deepEqual(await vault.findUsersByPhone("+995-599-112-233"), [one, two].sort());
    assert.deepEqual(await vault.findUsersByPhone("+995 000"), []);
    await assert.rejects(vault.saveDetails(system, two, { email: "LOOKUP.person@example.ge" }), EmailTakenError);
    const { rows } = await db.pool.query<{ email_index: string }>(
      "SELECT email_index FROM person_profile WHERE user_id = $1",
      [one],
    );
    assert.match(rows[0]?.email_index ?? "", /^[0-9a-f]{64}$/);
    // Clearing the email clears its index.
    await vault.saveDetails(system, one, { email: null });
    assert.equal(await vault.findUserByEmail("lookup.person@example.ge"), null);
  });

  it("erasure destroys the data key: details and earlier documents are unreadable for good", async () => {
    const userId = await createUser(db);
    await vault.saveDetails(system, userId, markers("3"));
    const document = randomBytes(256 * 1024);
    const ciphertext = await vault.encryptDocument(userId, document);
    assert.deepEqual(await vault.decryptDocument(officer, userId, ciphertext, "kyc case 3 review"), document);
    const { rows: keyRows } = await db.pool.query<{ master_key_id: string; wrapped_key: Buffer }>(
      "SELECT master_key_id, wrapped_key FROM person_key WHERE user_id = $1",
      [userId],
    );

    await vault.erase({ id: null, role: "admin" }, userId, "erasure request #77");

    await assert.rejects(vault.readDetails(officer, userId, "after erasure"), PersonErasedError);
    await assert.rejects(vault.readDetails(officer, userId, "after erasure"), /has been erased/);
    await assert.rejects(vault.decryptDocument(officer, userId, ciphertext, "after erasure"), PersonErasedError);
    await assert.rejects(vault.encryptDocument(userId, Buffer.from("x")), PersonErasedError);
    await assert.rejects(vault.saveDetails(system, userId, { fullName: "again" }), PersonErasedError);
    assert.equal(await vault.findUserByEmail(markers("3").email), null);
    assert.deepEqual(await vault.findUsersByPhone(markers("3").phone), []);

    const { rows } = await db.pool.query<Record<string, unknown>>("SELECT * FROM person_profile WHERE user_id = $1", [
      userId,
    ]);
    const profile = rows[0];
    assert.ok(profile !== undefined);
    for (const column of [
      "full_name",
      "email",
      "phone",
      "address",
      "birth_date",
      "nationality",
      "document_number",
      "email_index",
      "phone_index",
    ]) {
      assert.equal(profile[column], null, column);
    }
    const { rows: keys } = await db.pool.query("SELECT 1 FROM person_key WHERE user_id = $1", [userId]);
    assert.equal(keys.length, 0);
    // Even a backup of the wrapped key made before erasure is useless to anyone without both the
    // master key and the key row; the vault itself has nothing left to unwrap.
    assert.equal(keyRows.length, 1);

    const log = await createAccessLog(db.pool).list({ subjectId: userId, limit: 10 });
    assert.deepEqual(
      log.map((row) => [row.action, row.reason]),
      [
        ["write", "fields: fullName, email, phone, address, birthDate, nationality, documentNumber"],
        ["read_document", "kyc case 3 review"],
        ["erase", "erasure request #77"],
      ],
    );
  });

  it("erases someone who never saved details, and they stay erased", async () => {
    const userId = await createUser(db);
    await vault.erase(officer, userId, "account closed");
    await assert.rejects(vault.readDetails(officer, userId, "check"), PersonErasedError);
  });

  it("rotates every data key to a new master key without touching profiles or documents", async () => {
    const people = [await createUser(db), await createUser(db), await createUser(db)];
    const documents = new Map<string, { plaintext: Buffer; ciphertext: Buffer }>();
    for (const [index, userId] of people.entries()) {
      await vault.saveDetails(system, userId, markers(`4${index}`));
      const plaintext = randomBytes(1024);
      documents.set(userId, { plaintext, ciphertext: await vault.encryptDocument(userId, plaintext) });
    }
    const profilesBefore = await db.pool.query("SELECT * FROM person_profile ORDER BY user_id");
    const { rows: countRows } = await db.pool.query<{ count: string }>(
      "SELECT count(*)::text AS count FROM person_key",
    );
    const total = Number(countRows[0]?.count);
    assert.ok(total >= people.length);

    const secondKey = master("2026-02");
    const during = createKeyring({ current: secondKey, previous: [firstKey] });
    const first = await rotateDataKeys(db.pool, during, { batchSize: 2 });
    assert.deepEqual(first, {
      rotated: total,
      byPreviousKey: { "2026-01": total },
      current: total,
      remaining: 0,
      unknownKeyIds: [],
    });
    const again = await rotateDataKeys(db.pool, during, { batchSize: 2 });
    assert.equal(again.rotated, 0);
    assert.equal(again.current, total);

    const { rows: keyRows } = await db.pool.query<{ master_key_id: string; rotated: boolean }>(
      "SELECT master_key_id, rotated_at IS NOT NULL AS rotated FROM person_key",
    );
    assert.ok(keyRows.every((row) => row.master_key_id === "2026-02" && row.rotated));
    assert.deepEqual((await db.pool.query("SELECT * FROM person_profile ORDER BY user_id")).rows, profilesBefore.rows);

    // The old master key retired: everything still decrypts with the new one alone.
    const retired = createPersonVault({
      db: db.pool,
      keyring: createKeyring({ current: secondKey, previous: [] }),
      blindIndexKey,
    });
    for (const [index, userId] of people.entries()) {
      assert.deepEqual(await retired.readDetails(officer, userId, "after rotation"), markers(`4${index}`));
      const document = documents.get(userId);
      assert.ok(document !== undefined);
      assert.deepEqual(
        await retired.decryptDocument(officer, userId, document.ciphertext, "after rotation"),
        document.plaintext,
      );
    }
    // Blind indexes do not depend on the master key.
    assert.equal(await retired.findUserByEmail(markers("40").email), people[0]);

    // The old keyring alone can no longer unwrap anything.
    await assert.rejects(vault.readDetails(officer, people[0] ?? "", "old key"), UnknownMasterKeyError);

    // A keyring missing the key the rows are under reports them instead of failing half-way.
    const missing = await rotateDataKeys(db.pool, createKeyring({ current: master("2026-03"), previous: [] }));
    assert.deepEqual(missing, {
      rotated: 0,
      byPreviousKey: {},
      current: 0,
      remaining: total,
      unknownKeyIds: ["2026-02"],
    });
    vault = retired;
  });
});

describe("access log", () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it("chains appends, also concurrent ones, and verifies", async () => {
    const log = createAccessLog(db.pool);
    assert.deepEqual(await log.verify(), { ok: true, count: 0, headHash: GENESIS_HASH, headId: null });
    const subject = randomUUID();
    const first = await log.append(db.pool, {
      actorId: null,
      actorRole: "auditor",
      subjectId: subject,
      action: "read",
      reason: "r0",
    });
    assert.equal(first.prevHash, GENESIS_HASH);
    await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        log.append(db.pool, {
          actorId: randomUUID(),
          actorRole: "kyc_officer",
          subjectId: index % 2 === 0 ? subject : randomUUID(),
          action: "read",
          reason: `r${index + 1}`,
        }),
      ),
    );
    const result = await log.verify();
    assert.equal(result.ok, true);
    assert.equal(result.count, 26);
    const { rows } = await db.pool.query<{ forks: string }>(
      "SELECT (count(*) - count(DISTINCT prev_hash))::text AS forks FROM access_log",
    );
    assert.equal(rows[0]?.forks, "0");

    const page1 = await log.list({ limit: 10 });
    const page2 = await log.list({ limit: 10, after: page1.at(-1)?.id });
    assert.equal(page1.length, 10);
    assert.equal(page2[0]?.prevHash, page1.at(-1)?.hash);
    const mine = await log.list({ subjectId: subject, limit: 1000 });
    assert.equal(mine.length, 14);
    await assert.rejects(log.list({ limit: 0 }), /limit/);
    await assert.rejects(
      log.append(db.pool, { actorId: null, actorRole: "x", subjectId: subject, action: "read", reason: " " }),
      /needs a reason/,
    );
  });

  it("refuses an append from a connection outside a transaction", async () => {
    const client = await db.pool.connect();
    try {
      await assert.rejects(
        createAccessLog(db.pool).append(client, {
          actorId: null,
          actorRole: "x",
          subjectId: randomUUID(),
          action: "read",
          reason: "no transaction",
        }),
        /transaction blocks/,
      );
    } finally {
      client.release();
    }
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    await assert.rejects(db.pool.query("UPDATE access_log SET reason = 'changed' WHERE id = 2"), /append-only/);
    await assert.rejects(db.pool.query("DELETE FROM access_log WHERE id = 2"), /append-only/);
    await assert.rejects(db.pool.query("TRUNCATE access_log"), /append-only/);
    assert.equal((await createAccessLog(db.pool).verify()).ok, true);
  });

  it("names the first row a superuser tampered with, or the row after one removed", async () => {
    const log = createAccessLog(db.pool);
    const [, , third] = await log.list({ limit: 3 });
    assert.ok(third !== undefined);
    await db.pool.query("ALTER TABLE access_log DISABLE TRIGGER USER");
    try {
      await db.pool.query("UPDATE access_log SET reason = 'nothing to see' WHERE id = $1", [third.id]);
      assert.deepEqual(await log.verify(), {
        ok: false,
        count: 2,
        brokenAt: third.id,
        problem: "hash does not match the row's contents",
      });
      // Recomputing the row's own hash does not help: the next row's link breaks instead.
      const forged = accessLogHash(third.prevHash, { ...third, reason: "nothing to see" });
      await db.pool.query("UPDATE access_log SET hash = $2 WHERE id = $1", [third.id, forged]);
      const result = await log.verify();
      if (result.ok) assert.fail("verify() missed the forged row");
      assert.equal(result.problem, "prev_hash does not match the previous row's hash");
      assert.equal(BigInt(result.brokenAt), BigInt(third.id) + 1n);

      await db.pool.query("UPDATE access_log SET reason = $2, hash = $3 WHERE id = $1", [
        third.id,
        third.reason,
        third.hash,
      ]);
      assert.equal((await log.verify()).ok, true);
      await db.pool.query("DELETE FROM access_log WHERE id = $1", [third.id]);
      const afterDelete = await log.verify();
      if (afterDelete.ok) assert.fail("verify() missed the deleted row");
      assert.equal(BigInt(afterDelete.brokenAt), BigInt(third.id) + 1n);
    } finally {
      await db.pool.query("ALTER TABLE access_log ENABLE TRIGGER USER");
    }
  });
});
