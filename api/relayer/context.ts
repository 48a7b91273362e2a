/**
 * What the relayer's parts share: its settings, the drain's tally, the signers, and one context
 * object (database, chain client, contracts, metrics, the sender lock) handed to each part, as
 * Ponder's modules receive theirs.
 */
import type { Abi, Address, Hex, LocalAccount, PublicClient } from "viem";

import type { Database } from "../../lib/db/client.ts";
import type { Logger } from "../../lib/logger.ts";

import { formatRevert, type Revert } from "./errors.ts";
import { TRANSIENT_REVERTS, type KindContext, type OutboxKind, type TargetContract } from "./kinds.ts";
import type { SenderLock } from "./lock.ts";
import type { RelayerMetrics } from "./metrics.ts";
import * as store from "./store.ts";

export interface RelayerOptions {
  /** Most settle_card entries in one settleCardPayments transaction. */
  readonly maxBatch: number;
  /** Time between drains when nobody calls wake(). */
  readonly pollIntervalMs: number;
  /** Failed attempts (node down, transient revert) before a row becomes `failed`. */
  readonly maxAttempts: number;
  /** Blocks a receipt must be deep before its rows are `done` (0: as soon as it is mined). */
  readonly confirmations: number;
  /** Backoff after a failed attempt: baseMs × 2^attempts, at most maxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How long a row waits when its prerequisite is not on chain yet (a refund before its settlement). */
  readonly notReadyDelayMs: number;
  /** How long start() waits for another relayer of the same sender to let go; then it refuses. */
  readonly lockWaitMs: number;
  /** Most rows of one kind taken per drain (a full drain is followed by another at once). */
  readonly maxRowsPerDrain: number;
  /**
   * Most nonces filled below one stored transaction. A wider gap is no lost block but a sign of
   * records from another chain or a key used elsewhere: the relayer stops and reports it stuck.
   */
  readonly maxGapFill: number;
  /** Work older than this (an unfinished row, a transaction without receipt, no successful drain) makes the relayer stuck. */
  readonly stuckAfterMs: number;
}

export const DEFAULT_RELAYER_OPTIONS: RelayerOptions = {
  maxBatch: 50,
  pollIntervalMs: 2_000,
  maxAttempts: 10,
  confirmations: 0,
  backoffBaseMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  notReadyDelayMs: 5_000,
  lockWaitMs: 0,
  maxRowsPerDrain: 500,
  maxGapFill: 64,
  stuckAfterMs: 120_000,
};

/** Test hooks, called after the write-ahead commit and after the broadcast of each transaction. */
export interface RelayerHooks {
  beforeBroadcast?(hash: Hex): void | Promise<void>;
  afterBroadcast?(hash: Hex): void | Promise<void>;
}

export interface DrainSummary {
  /** Transactions signed and broadcast. */
  transactions: number;
  /** Outbox rows put into those transactions. */
  rowsSent: number;
  /** Rows that became done, failed, or were deferred (left pending for later). */
  done: number;
  failed: number;
  deferred: number;
  /** Stored transactions sent again, and ones found replaced (their rows back to pending). */
  rebroadcast: number;
  dropped: number;
  /** Transactions seen mined whose block left the chain (sent again or dropped). */
  lost: number;
  /** Nonces nothing held below a waiting transaction, filled with a zero-value self-transfer. */
  gapsFilled: number;
  /** Signed transactions still waiting for their receipt. */
  inFlight: number;
  /** A kind had more due rows than one drain takes. */
  more: boolean;
}

/** One signing key and the kinds it sends (roles held by one account share its nonce sequence). */
export interface Sender {
  readonly address: Address;
  readonly account: LocalAccount;
  readonly kinds: readonly [string, OutboxKind<unknown>][];
}

export interface ParsedRow {
  readonly row: store.OutboxRow;
  readonly entry: unknown;
}

export interface RelayerContext {
  readonly db: Database;
  readonly client: PublicClient;
  readonly chainId: number;
  readonly logger: Logger;
  readonly options: RelayerOptions;
  readonly hooks: RelayerHooks;
  readonly metrics: RelayerMetrics;
  readonly backoff: store.Backoff;
  readonly contracts: Readonly<Record<TargetContract, { readonly address: Address; readonly abi: Abi }>>;
  /** Per contract the ABI calls are encoded and reverts decoded with (every contract's errors included). */
  readonly callAbi: Readonly<Record<TargetContract, Abi>>;
  /** What the kinds may look at. */
  readonly kinds: KindContext;
  /** The sender lock while this relayer holds it. */
  lock(): SenderLock | undefined;
}

export function emptySummary(): DrainSummary {
  return {
    transactions: 0,
    rowsSent: 0,
    done: 0,
    failed: 0,
    deferred: 0,
    rebroadcast: 0,
    dropped: 0,
    lost: 0,
    gapsFilled: 0,
    inFlight: 0,
    more: false,
  };
}

/** How rows' outcomes are applied and counted: shared by the engine and the sender. */
export interface Outcomes {
  readonly countError: (errorClass: string) => void;
  /** Applies outcomes of rows never sent (still pending) and counts them; marks them handled. */
  readonly settleUnsent: (
    outcomes: readonly store.RowOutcome[],
    summary: DrainSummary,
    handled?: Set<string>,
  ) => Promise<void>;
  readonly tally: (outcomes: readonly store.RowOutcome[], summary: DrainSummary) => void;
  /** What a revert means for one entry of `kind`. */
  readonly revertOutcome: (kind: OutboxKind<unknown>, id: string, entry: unknown, revert: Revert) => store.RowOutcome;
}

export function createOutcomes(context: RelayerContext): Outcomes {
  const { db, options, metrics, backoff } = context;

  function countError(errorClass: string): void {
    metrics.errors.inc({ class: errorClass });
  }

  async function settleUnsent(
    outcomes: readonly store.RowOutcome[],
    summary: DrainSummary,
    handled?: Set<string>,
  ): Promise<void> {
    tally(await store.settleUnsent(db.pool, outcomes, backoff), summary);
    for (const outcome of outcomes) handled?.add(outcome.id);
  }

  function tally(outcomes: readonly store.RowOutcome[], summary: DrainSummary): void {
    for (const outcome of outcomes) {
      if (outcome.status === "done") summary.done++;
      else if (outcome.status === "failed") summary.failed++;
      else summary.deferred++;
    }
  }

  /** What a revert means for one entry of `kind`. */
  function revertOutcome(kind: OutboxKind<unknown>, id: string, entry: unknown, revert: Revert): store.RowOutcome {
    const done = kind.alreadyDone?.(revert, entry);
    if (done !== undefined) return { id, status: "done", note: done };
    if (kind.notYet?.(revert, entry) === true) {
      return { id, status: "pending", attempt: false, delayMs: options.notReadyDelayMs, error: formatRevert(revert) };
    }
    if (TRANSIENT_REVERTS.has(revert.name))
      return { id, status: "pending", attempt: true, error: formatRevert(revert) };
    return { id, status: "failed", error: formatRevert(revert) };
  }

  return { countError, settleUnsent, tally, revertOutcome };
}
