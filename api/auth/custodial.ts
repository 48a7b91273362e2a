/**
 * Customers without a wallet. The platform derives an address for each from one mnemonic
 * (BIP-44 account 1, so it never meets Hardhat's default accounts on account 0) and gives the
 * customer a one-time account key to sign in with. The key is `hpc_` + base64url(user id ‖ 32
 * random bytes): the id finds the row by primary key, and only the key's sha256 is stored.
 *
 * Warning: whoever holds CUSTODIAL_MNEMONIC holds every custodial customer's funds and loyalty
 * tokens; a lost account key cannot be recovered (a new custodial account must be created).
 */
import { randomBytes, randomUUID } from "node:crypto";

import { toHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type HDKey, type LocalAccount } from "viem/accounts";

import { inTransaction, type Database } from "../../lib/db/client.ts";
import { Unauthenticated } from "../errors.ts";
import { bytesToUuid, sameDigest, sha256Hex, uuidToBytes } from "./secrets.ts";
import type { IssuedToken, TokenService } from "./tokens.ts";
import { findUser, principalOfUser, USER_COLUMNS, userFromRow, type UserRecord, type UserRow } from "./users.ts";

export const ACCOUNT_KEY_PREFIX = "hpc_";
/** BIP-44 account of custodial addresses: m/44'/60'/1'/0/<custodial_index>. */
export const CUSTODIAL_ACCOUNT_INDEX = 1;
const ACCOUNT_KEY = /^hpc_[A-Za-z0-9_-]{64}$/;

export interface CustodialCreated {
  readonly user: UserRecord;
  /** Shown once; only its sha256 is stored. */
  readonly accountKey: string;
  readonly token: string;
  readonly expiresAt: Date;
}

export interface CustodialService {
  create(): Promise<CustodialCreated>;
  signIn(accountKey: string): Promise<{ token: string; expiresAt: Date; user: UserRecord }>;
  /** The signing account at a custodial index (derivation costs ~2 ms; recent ones are cached). */
  accountAt(custodialIndex: number): LocalAccount;
  /** The signing account of a custodial user; undefined for unknown or wallet users. */
  accountOf(userId: string): Promise<LocalAccount | undefined>;
}

const badKey = (): Error => new Unauthenticated("invalid account key");

export function createCustodialService(db: Database, tokens: TokenService, mnemonic: string): CustodialService {
  let parent: HDKey | undefined;
  const accounts = new Map<number, LocalAccount>();

  function accountAt(custodialIndex: number): LocalAccount {
    if (!Number.isInteger(custodialIndex) || custodialIndex < 0 || custodialIndex >= 2 ** 31) {
      throw new Error(`custodial index out of range: ${custodialIndex}`);
    }
    const cached = accounts.get(custodialIndex);
    if (cached !== undefined) return cached;
    // mnemonic → seed is PBKDF2 (~20 ms): done once; each child is then one derivation step.
    parent ??= mnemonicToAccount(mnemonic, { path: `m/44'/60'/${CUSTODIAL_ACCOUNT_INDEX}'/0` }).getHdKey();
    const privateKey = parent.deriveChild(custodialIndex).privateKey;
    if (privateKey === null) throw new Error("custodial key derivation produced no private key");
    const account = privateKeyToAccount(toHex(privateKey));
    if (accounts.size >= 1_000) accounts.delete(accounts.keys().next().value as number);
    accounts.set(custodialIndex, account);
    return account;
  }

  // Fail at start-up, not at the first customer, when the mnemonic is unusable.
  accountAt(0);

  return {
    accountAt,

    async create(): Promise<CustodialCreated> {
      const id = randomUUID();
      const accountKey = ACCOUNT_KEY_PREFIX + Buffer.concat([uuidToBytes(id), randomBytes(32)]).toString("base64url");
      const row = await inTransaction(db.pool, async (client) => {
        // One allocator at a time: max + 1 under a transaction-scoped lock never hands out an index twice.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('hotpot:app_user.custodial_index'))");
        const next = await client.query<{ next: number }>(
          "SELECT coalesce(max(custodial_index) + 1, 0) AS next FROM app_user",
        );
        const index = next.rows[0]?.next ?? 0;
        const address = accountAt(index).address.toLowerCase();
        const inserted = await client.query<UserRow>(
          `INSERT INTO app_user (id, address, custodial, custodial_index, account_key_hash)
           VALUES ($1, $2, true, $3, $4) RETURNING ${USER_COLUMNS}`,
          [id, address, index, sha256Hex(accountKey)],
        );
        return inserted.rows[0];
      });
      if (row === undefined) throw new Error("app_user insert returned no row");
      const user = userFromRow(row);
      const issued: IssuedToken = await tokens.issue(principalOfUser(user));
      return { user, accountKey, token: issued.token, expiresAt: issued.expiresAt };
    },

    async signIn(accountKey: string) {
      if (!ACCOUNT_KEY.test(accountKey)) throw badKey();
      const bytes = Buffer.from(accountKey.slice(ACCOUNT_KEY_PREFIX.length), "base64url");
      if (bytes.length !== 48) throw badKey();
      const { rows } = await db.pool.query<UserRow & { account_key_hash: string | null }>(
        `SELECT ${USER_COLUMNS}, account_key_hash FROM app_user WHERE id = $1 AND custodial`,
        [bytesToUuid(bytes.subarray(0, 16))],
      );
      const row = rows[0];
      if (row?.account_key_hash == null || !sameDigest(sha256Hex(accountKey), row.account_key_hash)) throw badKey();
      const user = userFromRow(row);
      const issued = await tokens.issue(principalOfUser(user));
      return { token: issued.token, expiresAt: issued.expiresAt, user };
    },

    async accountOf(userId: string): Promise<LocalAccount | undefined> {
      const user = await findUser(db, userId);
      if (user?.custodial !== true || user.custodialIndex === null) return undefined;
      const account = accountAt(user.custodialIndex);
      // A row whose address is not the derived one means the mnemonic changed: never sign with it.
      if (account.address.toLowerCase() !== user.address) {
        throw new Error("custodial address does not match CUSTODIAL_MNEMONIC (was the mnemonic changed?)");
      }
      return account;
    },
  };
}
