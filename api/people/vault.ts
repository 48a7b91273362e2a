/**
 * The personal-data vault: every personal field is stored encrypted under the person's own data
 * key (AES-256-GCM), the data key wrapped by the current master key (lib/crypto keyring); email and
 * phone are found through keyed blind indexes. Every read, write, document opening and erasure is
 * written to the access log in the same transaction as the work, so nothing is disclosed or changed
 * without its log row.
 *
 * Erasure is crypto-shredding: the person_key row is deleted and the profile fields nulled in one
 * transaction. Documents encrypted under that data key (on IPFS) stay, unreadable forever. A
 * profile row without a person_key is how an erased person is recognised afterwards.
 *
 * Data keys are never cached: each operation unwraps, uses and zeroes the key.
 */
import type pg from "pg";

import { inTransaction } from "../../lib/db/client.ts";
import { emailIndex, phoneIndex, InvalidLookupValueError } from "../../lib/crypto/blind-index.ts";
import {
  decrypt,
  decryptDocument as openDocument,
  encrypt,
  encryptDocument as sealDocument,
} from "../../lib/crypto/envelope.ts";
import type { Keyring } from "../../lib/crypto/keyring.ts";
import { createAccessLog, type AccessLog } from "./access-log.ts";
import { EmailTakenError, InvalidPersonDataError, PersonErasedError, PersonNotFoundError } from "./errors.ts";

export interface Actor {
  /** The user acting, or null for the system itself. */
  readonly id: string | null;
  readonly role: string;
}

export interface PersonDetails {
  readonly fullName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly address: string | null;
  /** As given, e.g. "1990-04-01". */
  readonly birthDate: string | null;
  readonly nationality: string | null;
  readonly documentNumber: string | null;
}

/** For saveDetails: a missing field is left as it is, null clears it. */
export type PersonDetailsUpdate = { readonly [K in keyof PersonDetails]?: string | null };

export interface PersonVault {
  saveDetails(actor: Actor, userId: string, fields: PersonDetailsUpdate): Promise<void>;
  readDetails(actor: Actor, userId: string, reason: string): Promise<PersonDetails>;
  findUserByEmail(email: string): Promise<string | null>;
  findUsersByPhone(phone: string): Promise<string[]>;
  /** Ciphertext of `bytes` under the person's data key (created on first use); store only this. */
  encryptDocument(userId: string, bytes: Uint8Array): Promise<Buffer>;
  decryptDocument(actor: Actor, userId: string, ciphertext: Uint8Array, reason: string): Promise<Buffer>;
  erase(actor: Actor, userId: string, reason: string): Promise<void>;
}

export interface PersonVaultOptions {
  readonly db: pg.Pool;
  readonly keyring: Keyring;
  readonly blindIndexKey: Uint8Array;
  /** Defaults to the access log in `db`. */
  readonly accessLog?: AccessLog;
}

const FIELDS = {
  fullName: "full_name",
  email: "email",
  phone: "phone",
  address: "address",
  birthDate: "birth_date",
  nationality: "nationality",
  documentNumber: "document_number",
} as const satisfies Record<keyof PersonDetails, string>;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];
const MAX_FIELD_LENGTH = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkUserId(userId: string, what = "user id"): void {
  if (!UUID.test(userId)) throw new InvalidPersonDataError(`${what} must be a UUID`);
}

function checkActor(actor: Actor): void {
  if (actor.id !== null) checkUserId(actor.id, "actor id");
  if (actor.role.trim() === "") throw new InvalidPersonDataError("the actor needs a role");
}

function checkReason(reason: string): void {
  if (reason.trim() === "") throw new InvalidPersonDataError("a reason is required to access personal data");
}

/** Binds a field ciphertext to its person and column: swapped between rows or columns, it fails. */
const fieldAad = (userId: string, column: string): string => `hotpot/person-field/v1\0${userId}\0${column}`;
const documentAad = (userId: string): string => `hotpot/person-document/v1\0${userId}`;

interface KeyRow {
  master_key_id: string;
  wrapped_key: Buffer;
}

export function createPersonVault(options: PersonVaultOptions): PersonVault {
  const { db, keyring, blindIndexKey } = options;
  const accessLog = options.accessLog ?? createAccessLog(db);

  async function isErased(client: pg.PoolClient, userId: string): Promise<boolean> {
    const { rows } = await client.query<{ has_key: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM person_key k WHERE k.user_id = p.user_id) AS has_key
         FROM person_profile p WHERE p.user_id = $1`,
      [userId],
    );
    return rows[0] !== undefined && !rows[0].has_key;
  }

  /** The person's data key, locked for this transaction; created (with an empty profile) on first use. */
  async function dataKeyFor(client: pg.PoolClient, userId: string, create: boolean): Promise<Buffer> {
    const select = (): Promise<pg.QueryResult<KeyRow>> =>
      client.query<KeyRow>("SELECT master_key_id, wrapped_key FROM person_key WHERE user_id = $1 FOR SHARE", [userId]);
    let row = (await select()).rows[0];
    if (row === undefined) {
      if (await isErased(client, userId)) throw new PersonErasedError(userId);
      if (!create) throw new PersonNotFoundError(userId);
      const dataKey = keyring.newDataKey();
      const wrapped = keyring.wrap(userId, dataKey);
      dataKey.fill(0);
      await client
        .query(
          `INSERT INTO person_key (user_id, master_key_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
          [userId, wrapped.masterKeyId, wrapped.wrappedKey],
        )
        .catch((error: unknown) => {
          if ((error as { code?: unknown }).code === "23503")
            throw new PersonNotFoundError(userId, "there is no such user");
          throw error;
        });
      await client.query(`INSERT INTO person_profile (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [userId]);
      row = (await select()).rows[0];
      if (row === undefined) throw new PersonErasedError(userId); // erased concurrently
    }
    return keyring.unwrap(userId, { masterKeyId: row.master_key_id, wrappedKey: row.wrapped_key });
  }

  async function withDataKey<T>(
    client: pg.PoolClient,
    userId: string,
    create: boolean,
    work: (key: Buffer) => Promise<T> | T,
  ): Promise<T> {
    const key = await dataKeyFor(client, userId, create);
    try {
      return await work(key);
    } finally {
      key.fill(0);
    }
  }

  const translateUniqueViolation = (error: unknown): never => {
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    if (code === "23505" && constraint === "person_profile_email_index_key") throw new EmailTakenError();
    throw error;
  };

  return {
    async saveDetails(actor, userId, fields) {
      checkActor(actor);
      checkUserId(userId);
      const present = FIELD_NAMES.filter((name) => fields[name] !== undefined);
      for (const name of Object.keys(fields)) {
        if (!(name in FIELDS)) throw new InvalidPersonDataError(`unknown personal field "${name}"`);
      }
      const indexes: { email_index?: string | null; phone_index?: string | null } = {};
      try {
        if (fields.email !== undefined)
          indexes.email_index = fields.email === null ? null : emailIndex(blindIndexKey, fields.email);
        if (fields.phone !== undefined)
          indexes.phone_index = fields.phone === null ? null : phoneIndex(blindIndexKey, fields.phone);
      } catch (error) {
        if (error instanceof InvalidLookupValueError) throw new InvalidPersonDataError(error.message);
        throw error;
      }
      for (const name of present) {
        const value = fields[name];
        if (typeof value === "string" && value.length > MAX_FIELD_LENGTH) {
          throw new InvalidPersonDataError(`${name} is longer than ${MAX_FIELD_LENGTH} characters`);
        }
      }
      await inTransaction(db, async (client) => {
        await withDataKey(client, userId, true, async (key) => {
          const assignments: string[] = [];
          const values: unknown[] = [userId];
          const set = (column: string, value: unknown): void => {
            values.push(value);
            assignments.push(`${column} = $${values.length}`);
          };
          for (const name of present) {
            const value = fields[name];
            const column = FIELDS[name];
            set(column, value === null || value === undefined ? null : encrypt(key, value, fieldAad(userId, column)));
          }
          for (const [column, value] of Object.entries(indexes)) set(column, value);
          assignments.push("updated_at = CURRENT_TIMESTAMP");
          await client
            .query(`UPDATE person_profile SET ${assignments.join(", ")} WHERE user_id = $1`, values)
            .catch(translateUniqueViolation);
        });
        await accessLog.append(client, {
          actorId: actor.id,
          actorRole: actor.role,
          subjectId: userId,
          action: "write",
          reason: present.length > 0 ? `fields: ${present.join(", ")}` : "no fields",
        });
      });
    },

    async readDetails(actor, userId, reason) {
      checkActor(actor);
      checkUserId(userId);
      checkReason(reason);
      return inTransaction(db, async (client) => {
        const details = await withDataKey(client, userId, false, async (key) => {
          const { rows } = await client.query<Record<string, Buffer | null>>(
            `SELECT ${Object.values(FIELDS).join(", ")} FROM person_profile WHERE user_id = $1`,
            [userId],
          );
          const row = rows[0];
          if (row === undefined) throw new PersonNotFoundError(userId);
          const result: Record<string, string | null> = {};
          for (const name of FIELD_NAMES) {
            const column = FIELDS[name];
            const ciphertext = row[column] ?? null;
            result[name] =
              ciphertext === null ? null : decrypt(key, ciphertext, fieldAad(userId, column)).toString("utf8");
          }
          return result as unknown as PersonDetails;
        });
        await accessLog.append(client, {
          actorId: actor.id,
          actorRole: actor.role,
          subjectId: userId,
          action: "read",
          reason,
        });
        return details;
      });
    },

    async findUserByEmail(email) {
      let index: string;
      try {
        index = emailIndex(blindIndexKey, email);
      } catch (error) {
        if (error instanceof InvalidLookupValueError) return null;
        throw error;
      }
      const { rows } = await db.query<{ user_id: string }>(
        "SELECT user_id FROM person_profile WHERE email_index = $1",
        [index],
      );
      return rows[0]?.user_id ?? null;
    },

    async findUsersByPhone(phone) {
      let index: string;
      try {
        index = phoneIndex(blindIndexKey, phone);
      } catch (error) {
        if (error instanceof InvalidLookupValueError) return [];
        throw error;
      }
      const { rows } = await db.query<{ user_id: string }>(
        "SELECT user_id FROM person_profile WHERE phone_index = $1 ORDER BY user_id",
        [index],
      );
      return rows.map((row) => row.user_id);
    },

    async encryptDocument(userId, bytes) {
      checkUserId(userId);
      return inTransaction(db, (client) =>
        withDataKey(client, userId, true, (key) => sealDocument(key, bytes, documentAad(userId))),
      );
    },

    async decryptDocument(actor, userId, ciphertext, reason) {
      checkActor(actor);
      checkUserId(userId);
      checkReason(reason);
      return inTransaction(db, async (client) => {
        const plaintext = await withDataKey(client, userId, false, (key) =>
          openDocument(key, ciphertext, documentAad(userId)),
        );
        await accessLog.append(client, {
          actorId: actor.id,
          actorRole: actor.role,
          subjectId: userId,
          action: "read_document",
          reason,
        });
        return plaintext;
      });
    },

    async erase(actor, userId, reason) {
      checkActor(actor);
      checkUserId(userId);
      checkReason(reason);
      await inTransaction(db, async (client) => {
        await client.query("DELETE FROM person_key WHERE user_id = $1", [userId]);
        const nulls = [...Object.values(FIELDS), "email_index", "phone_index"].map((column) => `${column} = NULL`);
        // The remaining empty row marks the person as erased (a profile without a key).
        await client.query(
          `INSERT INTO person_profile (user_id) VALUES ($1)
           ON CONFLICT (user_id) DO UPDATE SET ${nulls.join(", ")}, updated_at = CURRENT_TIMESTAMP`,
          [userId],
        );
        await accessLog.append(client, {
          actorId: actor.id,
          actorRole: actor.role,
          subjectId: userId,
          action: "erase",
          reason,
        });
      });
    },
  };
}
