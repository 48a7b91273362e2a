/**
 * One relayer per sender: a session-level Postgres advisory lock per (chain, sender) address, held
 * on a dedicated connection for the relayer's life. A second relayer for the same sender waits or
 * refuses instead of reusing nonces. The lock goes when the connection does (also on a crash).
 */
import pg from "pg";
import type { Address } from "viem";

import { HotPotError, classifyDatabaseError } from "../../lib/errors.ts";

export class RelayerLockedError extends HotPotError {
  override readonly name = "RelayerLockedError";
}

export interface SenderLock {
  /** False once the connection holding the lock is gone: the relayer must not send until it locks again. */
  held(): boolean;
  /** The Postgres backend pid of the session holding the lock (checked before each write-ahead record). */
  readonly pid: number;
  release(): Promise<void>;
}

export function lockKey(chainId: number, sender: Address): string {
  return `hot-pot-spot relayer ${chainId} ${sender.toLowerCase()}`;
}

/** Takes the locks of all `senders` on one connection, retrying until `waitMs` passes; then refuses. */
export async function acquireSenderLock(
  databaseUrl: string,
  chainId: number,
  senders: readonly Address[],
  waitMs: number,
): Promise<SenderLock> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "hot-pot-spot relayer lock" });
  let alive = true;
  client.on("error", () => {
    alive = false;
  });
  client.on("end", () => {
    alive = false;
  });
  try {
    await client.connect();
  } catch (error) {
    throw classifyDatabaseError(error);
  }
  const keys = [...new Set(senders.map((sender) => lockKey(chainId, sender)))];
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT bool_and(pg_try_advisory_lock(hashtextextended(key, 0))) AS locked FROM unnest($1::text[]) AS key",
        [keys],
      );
      if (rows[0]?.locked === true) break;
      await client.query("SELECT pg_advisory_unlock_all()");
      if (Date.now() >= deadline) {
        throw new RelayerLockedError(
          `another relayer holds the lock of sender ${senders.join(", ")} on chain ${chainId}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(10, deadline - Date.now()))));
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error instanceof HotPotError ? error : classifyDatabaseError(error);
  }
  let pid: number;
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    pid = rows[0]?.pid ?? -1;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw classifyDatabaseError(error);
  }
  return {
    pid,
    held: () => alive,
    async release(): Promise<void> {
      if (!alive) return;
      alive = false;
      await client.end().catch(() => undefined);
    },
  };
}
