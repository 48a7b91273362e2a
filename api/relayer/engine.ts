/**
 * The relayer's outbox engine: claims due rows per kind (parse, readiness, batches), hands them to
 * the transaction sender, applies retries with backoff, and runs the drain loop under the sender
 * lock; it also says whether the relayer keeps up (health, gauges).
 */
import { HotPotError, isRetryable } from "../../lib/errors.ts";

import {
  createOutcomes,
  type DrainSummary,
  type ParsedRow,
  type RelayerContext,
  type Sender,
  emptySummary,
} from "./context.ts";
import { classifyRpcError } from "./errors.ts";
import { acquireSenderLock, type SenderLock } from "./lock.ts";
import type { TransactionSender } from "./sender.ts";
import * as store from "./store.ts";

/** What /health says of the relayer. */
export interface RelayerHealth {
  /** False while stuck: work older than `stuckAfterMs`, or no successful drain for as long while work waits. */
  readonly ok: boolean;
  readonly reason?: string;
  /** Outbox rows of the kinds this relayer signs, not yet done or failed. */
  readonly unfinishedRows: number;
  readonly oldestRowSeconds: number;
  readonly oldestUnminedSeconds: number;
  /** Seconds since the last drain that finished without error (null: none yet). */
  readonly lastDrainSecondsAgo: number | null;
}

export interface OutboxEngine {
  /** Takes the sender lock, then drains on wake() or every pollIntervalMs. */
  start(): Promise<void>;
  /** Stops the loop (after the drain in progress) and lets go of the lock. */
  stop(): Promise<void>;
  wake(): void;
  drainOnce(): Promise<DrainSummary>;
  health(): Promise<RelayerHealth>;
  /** The sender lock while held (the sender checks it before each write-ahead record). */
  lock(): SenderLock | undefined;
}

/** The engine over `senders`; `transactions` is built from the same context (its lock is the engine's). */
export function createOutboxEngine(
  context: Omit<RelayerContext, "lock">,
  senders: readonly Sender[],
  createSender: (context: RelayerContext) => TransactionSender,
): OutboxEngine {
  const { db, chainId, logger, options, metrics } = context;
  let lock: SenderLock | undefined;
  const full: RelayerContext = { ...context, lock: () => lock };
  const transactions = createSender(full);
  const { countError, settleUnsent } = createOutcomes(full);
  let running: Promise<void> | undefined;
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let queue: Promise<unknown> = Promise.resolve();

  async function ensureLock(waitMs: number): Promise<void> {
    if (lock?.held() === true) return;
    if (lock !== undefined) logger.warn("relayer: lost the sender lock connection; locking again");
    lock = await acquireSenderLock(
      db.url,
      chainId,
      senders.map((sender) => sender.address),
      waitMs,
    );
  }

  /** Due rows of every kind this sender signs: parse, check readiness, batch, send. */
  async function sendDue(sender: Sender, summary: DrainSummary): Promise<void> {
    for (const [kindName, kind] of sender.kinds) {
      const rows = await store.duePending(db.pool, kindName, options.maxRowsPerDrain);
      if (rows.length === options.maxRowsPerDrain) summary.more = true;
      if (rows.length === 0) continue;
      const ready: ParsedRow[] = [];
      const unsent: store.RowOutcome[] = [];
      const handled = new Set<string>();
      let pending: readonly ParsedRow[] = [];
      try {
        for (const row of rows) {
          let entry: unknown;
          try {
            entry = kind.parse(row.payload);
          } catch (error) {
            countError("payload");
            unsent.push({ id: row.id, status: "failed", error: `invalid payload: ${(error as Error).message}` });
            continue;
          }
          if (kind.ready !== undefined && !(await kind.ready(context.kinds, entry))) {
            unsent.push({ id: row.id, status: "pending", attempt: false, delayMs: options.notReadyDelayMs });
            continue;
          }
          ready.push({ row, entry });
        }
        await settleUnsent(unsent.splice(0), summary, handled);
        const size = kind.batch ? Math.max(1, options.maxBatch) : 1;
        pending = ready;
        while (pending.length > 0) {
          const chunk = pending.slice(0, size);
          await transactions.send(sender, { kindName, kind, rows: chunk }, summary, handled);
          pending = pending.slice(size);
        }
      } catch (error) {
        const classified = error instanceof HotPotError ? error : classifyRpcError(error);
        countError(classified.retryable ? "retryable" : "fatal");
        logger.warn({ kind: kindName, err: classified.message }, "relayer: sending failed; rows retried with backoff");
        // Rows not yet sent or settled count one failed attempt.
        const notReady = new Set(unsent.map((outcome) => outcome.id));
        const retry = rows
          .filter((row) => !notReady.has(row.id) && !handled.has(row.id))
          .map((row): store.RowOutcome => ({
            id: row.id,
            status: "pending",
            attempt: true,
            error: classified.message,
          }));
        await settleUnsent([...unsent, ...retry], summary);
        if (classified.retryable) throw classified;
      }
    }
  }

  const signedKinds = senders.flatMap((sender) => sender.kinds.map(([name]) => name));
  const startedAt = Date.now();
  let lastDrainOkAt: number | undefined;
  let lastDrainError: string | undefined;
  let drained = false;
  /**
   * Whether this process drains: otherwise (the API while `npm run relayer` runs apart) the time
   * since its own last drain says nothing, and the ages of rows and transactions tell a stuck relayer.
   */
  const drainsHere = (): boolean => running !== undefined || drained;

  async function health(): Promise<RelayerHealth> {
    const backlog = await store.backlog(
      db.pool,
      signedKinds,
      chainId,
      senders.map((sender) => sender.address),
    );
    const limit = options.stuckAfterMs / 1000;
    const oldestRowSeconds = Math.round(backlog.oldestRowSeconds ?? 0);
    const oldestUnminedSeconds = Math.round(backlog.oldestUnminedSeconds ?? 0);
    const sinceDrain = (Date.now() - (lastDrainOkAt ?? startedAt)) / 1000;
    let reason: string | undefined;
    if (oldestUnminedSeconds > limit) {
      reason = `a transaction has waited ${oldestUnminedSeconds.toString()} s for its receipt`;
    } else if (oldestRowSeconds > limit) {
      reason = `an outbox row has waited ${oldestRowSeconds.toString()} s (${backlog.unfinishedRows.toString()} unfinished)`;
    } else if (backlog.unfinishedRows > 0 && drainsHere() && sinceDrain > limit) {
      reason = `no drain has succeeded for ${Math.round(sinceDrain).toString()} s${lastDrainError === undefined ? "" : `: ${lastDrainError}`}`;
    }
    metrics.oldestRowAge.set(oldestRowSeconds);
    metrics.oldestUnminedAge.set(oldestUnminedSeconds);
    metrics.stuck.set(reason === undefined ? 0 : 1);
    return {
      ok: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      unfinishedRows: backlog.unfinishedRows,
      oldestRowSeconds,
      oldestUnminedSeconds,
      lastDrainSecondsAgo: lastDrainOkAt === undefined ? null : Math.round((Date.now() - lastDrainOkAt) / 1000),
    };
  }

  async function refreshGauge(): Promise<void> {
    const counts = await store.countByStatus(db.pool);
    for (const status of ["pending", "sent", "done", "failed"])
      metrics.outboxRows.set({ status }, counts.get(status) ?? 0);
    await health();
  }

  async function drain(): Promise<DrainSummary> {
    drained = true;
    await ensureLock(0);
    const summary = emptySummary();
    let firstError: unknown;
    for (const sender of senders) {
      const inFlightBefore = summary.inFlight;
      try {
        await transactions.reconcile(sender, summary, true);
      } catch (error) {
        // Sending while an older transaction's fate is unknown could leave a nonce gap: skip.
        countError(isRetryable(error) ? "retryable" : "fatal");
        logger.warn({ sender: sender.address, err: (error as Error).message }, "relayer: reconcile failed");
        firstError ??= error;
        continue;
      }
      const before = summary.transactions;
      try {
        await sendDue(sender, summary);
      } catch (error) {
        firstError ??= error;
      }
      if (summary.transactions > before) {
        // On an automining chain the receipts are already there: settle the rows now (the
        // transactions were just broadcast, so none is sent again; in-flight is counted anew).
        summary.inFlight = inFlightBefore;
        await transactions.reconcile(sender, summary, false).catch((error: unknown) => {
          firstError ??= error;
        });
      }
    }
    if (firstError === undefined) {
      lastDrainOkAt = Date.now();
      lastDrainError = undefined;
      metrics.lastDrain.set(lastDrainOkAt / 1000);
    } else {
      lastDrainError = firstError instanceof Error ? firstError.message : JSON.stringify(firstError);
    }
    await refreshGauge().catch(() => undefined);
    // Retryable failures were recorded on the rows (attempts, backoff); anything else is a bug or
    // a misconfiguration the caller must see.
    if (firstError !== undefined && !isRetryable(firstError)) {
      throw firstError instanceof Error ? firstError : new HotPotError("relayer drain failed", { cause: firstError });
    }
    return summary;
  }

  function drainOnce(): Promise<DrainSummary> {
    const run = queue.then(drain);
    queue = run.catch(() => undefined);
    return run;
  }

  async function sleep(ms: number): Promise<void> {
    if (woken || stopping) {
      woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
    woken = false;
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const summary = await drainOnce();
        failures = 0;
        if (summary.more) continue;
        await sleep(summary.inFlight > 0 ? Math.min(options.pollIntervalMs, 1_000) : options.pollIntervalMs);
      } catch (error) {
        failures++;
        logger.error({ err: (error as Error).message }, "relayer: drain failed");
        await sleep(Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.min(failures, 10)));
      }
    }
  }

  return {
    async start(): Promise<void> {
      if (running !== undefined) return;
      stopping = false;
      await queue;
      await ensureLock(options.lockWaitMs);
      logger.info({ senders: senders.map((sender) => sender.address) }, "relayer: started");
      running = loop();
    },

    async stop(): Promise<void> {
      stopping = true;
      woken = true;
      wakeUp?.();
      await running;
      running = undefined;
      await queue;
      await lock?.release();
      lock = undefined;
    },

    wake(): void {
      woken = true;
      wakeUp?.();
    },

    drainOnce,
    health,
    lock: () => lock,
  };
}
