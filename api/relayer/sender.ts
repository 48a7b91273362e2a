/**
 * The relayer's transaction sender: for one signing key it picks the nonce, estimates, signs, records
 * the transaction with its outbox rows before broadcasting it (write-ahead), and reconciles what it
 * recorded with the chain: receipts, transactions replaced or refused, blocks lost after a restart
 * or a reorganisation (sent again exactly once), and nonce gaps below its transactions (filled).
 */
import { BlockNotFoundError, encodeFunctionData, keccak256, type Hex, type TransactionReceipt } from "viem";

import { HotPotError, RetryableError, isRetryable } from "../../lib/errors.ts";

import { createOutcomes, type DrainSummary, type ParsedRow, type RelayerContext, type Sender } from "./context.ts";
import {
  classifyRpcError,
  formatRevert,
  isKnownTransaction,
  isReceiptNotFound,
  revertOf,
  type Revert,
} from "./errors.ts";
import { OUTBOX_KINDS, type OutboxKind } from "./kinds.ts";
import * as store from "./store.ts";

/** Node answers after which the same bytes can still be mined later: send them again, never replace them. */
const STILL_SENDABLE = /insufficient funds|nonce too high|txpool is full|temporarily/i;

/** Rows of one kind to go out in one transaction. */
export interface Chunk {
  readonly kindName: string;
  readonly kind: OutboxKind<unknown>;
  readonly rows: readonly ParsedRow[];
}

export interface TransactionSender {
  /**
   * Signs the chunk as one transaction, records it with its rows, then broadcasts it (a chunk that
   * reverts is bisected until the bad entries stand alone). Sent rows are added to `handled`.
   */
  send(sender: Sender, chunk: Chunk, summary: DrainSummary, handled: Set<string>): Promise<void>;
  /**
   * Every stored `signed` transaction of `sender`: settled by its receipt, found replaced, or (with
   * `resend`, after re-checking what was seen mined) sent again, filling nonce gaps below it.
   */
  reconcile(sender: Sender, summary: DrainSummary, resend: boolean): Promise<void>;
}

export function createTransactionSender(context: RelayerContext): TransactionSender {
  const { db, client, chainId, logger, options, hooks, metrics, backoff, contracts, callAbi } = context;
  const { countError, settleUnsent, tally, revertOutcome } = createOutcomes(context);

  function callOf(kind: OutboxKind<unknown>, entries: readonly unknown[]) {
    const { functionName, args } = kind.call(entries);
    const target = contracts[kind.contract];
    return { address: target.address, abi: callAbi[kind.contract], functionName, args };
  }

  /** Re-runs a call as the sender (eth_estimateGas): its gas, or the revert it would hit now. */
  async function estimate(
    sender: Sender,
    kind: OutboxKind<unknown>,
    entries: readonly unknown[],
  ): Promise<{ gas: bigint } | { revert: Revert }> {
    try {
      return { gas: await client.estimateContractGas({ ...callOf(kind, entries), account: sender.account }) };
    } catch (error) {
      const revert = revertOf(error);
      if (revert !== undefined) return { revert };
      throw classifyRpcError(error);
    }
  }

  /**
   * Sends recorded raw bytes. Whatever the node says, the transaction stays recorded: the next
   * reconcile looks for its receipt and sends the same bytes again, or finds its nonce taken and
   * frees its rows. Returns the failure (undefined when the node took it or already had it).
   */
  async function broadcast(raw: Hex, hash: Hex): Promise<HotPotError | undefined> {
    try {
      await client.sendRawTransaction({ serializedTransaction: raw });
      return undefined;
    } catch (error) {
      if (isKnownTransaction(error)) {
        logger.debug({ hash }, "relayer: node already has the transaction");
        return undefined;
      }
      const classified = classifyRpcError(error);
      countError("broadcast");
      logger.warn({ hash, err: classified.message }, "relayer: broadcast failed; will send the same bytes again");
      return classified;
    }
  }

  /** Signs `entries` as one transaction, records it with its rows, then broadcasts it. */
  async function sendChunk(sender: Sender, work: Chunk, summary: DrainSummary, handled: Set<string>): Promise<void> {
    const { kindName, kind, rows: chunk } = work;
    const entries = chunk.map((parsed) => parsed.entry);
    const estimated = await estimate(sender, kind, entries);
    if ("revert" in estimated) {
      countError("revert");
      if (chunk.length > 1) {
        // One bad entry must not block the others: bisect until it stands alone.
        const half = Math.ceil(chunk.length / 2);
        await sendChunk(sender, { ...work, rows: chunk.slice(0, half) }, summary, handled);
        await sendChunk(sender, { ...work, rows: chunk.slice(half) }, summary, handled);
        return;
      }
      const [only] = chunk;
      if (only === undefined) return;
      const outcome = revertOutcome(kind, only.row.id, only.entry, estimated.revert);
      logger.warn(
        { kind: kindName, id: only.row.id, revert: formatRevert(estimated.revert) },
        "relayer: entry reverts",
      );
      await settleUnsent([outcome], summary, handled);
      return;
    }

    const call = callOf(kind, entries);
    const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args });
    let nonce: bigint;
    let fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    try {
      const [minedNonce, estimatedFees] = await Promise.all([
        client.getTransactionCount({ address: sender.address, blockTag: "latest" }),
        client.estimateFeesPerGas(),
      ]);
      // The relayer's records, not the node's pool, say which nonces are taken: after the chain
      // lost blocks the node knows nothing of transactions the records still hold, and a nonce
      // above a free one would never be mined.
      nonce = await store.nextFreeNonce(db.pool, chainId, sender.address, BigInt(minedNonce));
      fees = estimatedFees;
    } catch (error) {
      throw isRetryable(error) ? error : classifyRpcError(error);
    }
    const raw = await sender.account.signTransaction({
      type: "eip1559",
      chainId,
      nonce: Number(nonce),
      to: call.address,
      data,
      // A margin over the estimate: state may move between estimate and inclusion.
      gas: (estimated.gas * 6n) / 5n + 20_000n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(raw);
    const ids = chunk.map((parsed) => parsed.row.id);
    const lock = context.lock();
    if (lock === undefined) throw new RetryableError("the relayer's sender lock is gone; not signing");
    await store.recordSigned(db.pool, { chainId, sender: sender.address, nonce, hash, raw }, ids, lock.pid);
    for (const id of ids) handled.add(id);
    metrics.transactionsSent.inc({ kind: kindName });
    metrics.batchSize.observe(chunk.length);
    summary.transactions++;
    summary.rowsSent += chunk.length;
    logger.info({ kind: kindName, rows: chunk.length, nonce: nonce.toString(), hash }, "relayer: transaction signed");
    await hooks.beforeBroadcast?.(hash);
    const failure = await broadcast(raw, hash);
    await hooks.afterBroadcast?.(hash);
    // A later nonce must not go out while this one is not in the node's pool (it would wait
    // behind the gap): stop sending until the next drain has sent this one again.
    if (failure !== undefined) throw new RetryableError(`broadcast failed: ${failure.message}`, { cause: failure });
  }

  /** Outcomes of the rows of a transaction that made it into a block. */
  async function receiptOutcomes(
    sender: Sender,
    rows: readonly store.OutboxRow[],
    receipt: TransactionReceipt,
  ): Promise<store.RowOutcome[]> {
    if (rows.length === 0) return [];
    const kindName = rows[0]?.kind ?? "";
    const kind = OUTBOX_KINDS.get(kindName);
    if (kind === undefined)
      return rows.map((row) => ({ id: row.id, status: "failed", error: `unknown kind ${kindName}` }));
    const entries = rows.map((row) => kind.parse(row.payload));
    if (receipt.status === "success") {
      const results = (await kind.mined?.(context.kinds, entries, receipt)) ?? [];
      return rows.map((row, i) => ({ id: row.id, status: "done", note: results[i]?.note }));
    }
    // Reverted on chain (state moved after the estimate, or out of gas): ask again what the call does now.
    if (rows.length > 1)
      return rows.map((row) => ({ id: row.id, status: "pending", attempt: true, error: "batch reverted on chain" }));
    const [row] = rows;
    const [entry] = entries;
    if (row === undefined) return [];
    const estimated = await estimate(sender, kind, entries);
    if ("revert" in estimated) return [revertOutcome(kind, row.id, entry, estimated.revert)];
    return [{ id: row.id, status: "pending", attempt: true, error: "reverted on chain (not reproducible now)" }];
  }

  async function receiptOf(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await client.getTransactionReceipt({ hash });
    } catch (error) {
      if (isReceiptNotFound(error)) return undefined;
      throw classifyRpcError(error);
    }
  }

  /**
   * Whether the transactions `sender` saw included are still in the chain. Walks from the newest
   * down and stops at the first whose block is unchanged: blocks link to their parents by hash, so
   * everything below it is unchanged too (in steady state this is one block read per drain). A
   * transaction found in another block keeps its rows; one found nowhere is lost: a mined one goes
   * back to `signed` (sent again as it was, or freed when its nonce went elsewhere).
   */
  async function recheckIncluded(sender: Sender, summary: DrainSummary): Promise<void> {
    const hashes = new Map<bigint, Hex | null>();
    async function hashAt(blockNumber: bigint): Promise<Hex | null> {
      if (!hashes.has(blockNumber)) {
        try {
          hashes.set(blockNumber, (await client.getBlock({ blockNumber })).hash);
        } catch (error) {
          if (!(error instanceof BlockNotFoundError)) throw classifyRpcError(error);
          hashes.set(blockNumber, null);
        }
      }
      return hashes.get(blockNumber) ?? null;
    }
    let before: { blockNumber: bigint; id: string } | undefined;
    for (;;) {
      const page = await store.includedTransactions(db.pool, chainId, sender.address, 50, before);
      for (const tx of page) {
        if (tx.blockHash !== null && (await hashAt(tx.blockNumber)) === tx.blockHash) return;
        const receipt = await receiptOf(tx.hash);
        if (receipt !== undefined) {
          await store.confirmIncluded(db.pool, tx.id, { number: receipt.blockNumber, hash: receipt.blockHash });
          // Recorded before block hashes were kept, and still there: take the chain below as unchanged.
          if (tx.blockHash === null && receipt.blockNumber === tx.blockNumber) return;
          continue;
        }
        logger.warn(
          { hash: tx.hash, nonce: tx.nonce.toString(), block: tx.blockNumber.toString(), status: tx.status },
          "relayer: a transaction's block left the chain; its rows are sent again",
        );
        await store.markLost(db.pool, tx);
        metrics.lost.inc();
        summary.lost++;
      }
      const last = page.at(-1);
      if (last === undefined || page.length < 50) return;
      before = { blockNumber: last.blockNumber, id: last.id };
    }
  }

  /** Rows of a transaction found in a block: done, failed or pending again, once it is deep enough. */
  async function settleIncluded(
    sender: Sender,
    tx: store.SignedTx,
    receipt: TransactionReceipt,
    head: bigint,
    summary: DrainSummary,
  ): Promise<void> {
    if (options.confirmations > 0) {
      const depth = (head > receipt.blockNumber ? head : receipt.blockNumber) - receipt.blockNumber + 1n;
      if (depth < BigInt(options.confirmations)) {
        summary.inFlight++;
        return;
      }
    }
    const rows = await store.rowsOfTransaction(db.pool, tx.id);
    const outcomes = await receiptOutcomes(sender, rows, receipt);
    const status = receipt.status === "success" ? "mined" : "reverted";
    if (status === "reverted") countError("revert");
    logger.info({ hash: tx.hash, status, rows: rows.length }, "relayer: transaction final");
    await store.finishTransaction(
      db.pool,
      tx.id,
      status,
      { number: receipt.blockNumber, hash: receipt.blockHash },
      outcomes,
      backoff,
    );
    tally(outcomes, summary);
  }

  /** Gives up a stored transaction: its rows go back to pending for a new one, its nonce is free. */
  async function dropTransaction(
    tx: store.SignedTx,
    reason: string,
    attempt: boolean,
    summary: DrainSummary,
  ): Promise<void> {
    const rows = await store.rowsOfTransaction(db.pool, tx.id);
    logger.warn(
      { hash: tx.hash, nonce: tx.nonce.toString(), reason },
      "relayer: transaction dropped; rows back to pending",
    );
    const outcomes: store.RowOutcome[] = rows.map((row) => ({ id: row.id, status: "pending", attempt, error: reason }));
    await store.finishTransaction(db.pool, tx.id, "dropped", null, outcomes, backoff);
    metrics.dropped.inc();
    summary.dropped++;
    summary.deferred += outcomes.length;
  }

  /**
   * Takes a nonce nothing holds with a zero-value transfer to the sender itself, recorded like any
   * other transaction: the transactions above it can then be mined, each exactly as it was signed.
   */
  async function fillNonce(sender: Sender, nonce: bigint, summary: DrainSummary): Promise<void> {
    let fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    try {
      fees = await client.estimateFeesPerGas();
    } catch (error) {
      throw classifyRpcError(error);
    }
    const raw = await sender.account.signTransaction({
      type: "eip1559",
      chainId,
      nonce: Number(nonce),
      to: sender.address,
      value: 0n,
      gas: 21_000n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(raw);
    const lock = context.lock();
    if (lock === undefined) throw new RetryableError("the relayer's sender lock is gone; not signing");
    await store.recordSigned(
      db.pool,
      { chainId, sender: sender.address, nonce, hash, raw, purpose: "nonce_filler" },
      [],
      lock.pid,
    );
    logger.warn({ sender: sender.address, nonce: nonce.toString(), hash }, "relayer: filling a nonce gap");
    metrics.gapsFilled.inc();
    summary.gapsFilled++;
    const failure = await broadcast(raw, hash);
    if (failure !== undefined)
      throw new RetryableError(`nonce filler not accepted: ${failure.message}`, { cause: failure });
  }

  /**
   * Every stored `signed` transaction: settle it by its receipt, find it replaced, or (with
   * `resend`) send it again, in nonce order, filling any nonce below it that nothing holds.
   */
  async function reconcile(sender: Sender, summary: DrainSummary, resend: boolean): Promise<void> {
    if (resend) await recheckIncluded(sender, summary);
    const signed = await store.signedTransactions(db.pool, chainId, sender.address);
    if (signed.length === 0) return;
    // Read the mined nonce before the receipts: a transaction mined in between then shows its receipt.
    const [minedNonce, head] = await Promise.all([
      client.getTransactionCount({ address: sender.address, blockTag: "latest" }),
      options.confirmations > 0 ? client.getBlockNumber({ cacheTime: 0 }) : Promise.resolve(0n),
    ]).catch((error: unknown) => {
      throw classifyRpcError(error);
    });
    const waiting: store.SignedTx[] = [];
    for (const tx of signed) {
      const receipt = await receiptOf(tx.hash);
      if (receipt !== undefined) await settleIncluded(sender, tx, receipt, head, summary);
      // The nonce went to another transaction (replaced, or sent by someone else with this key).
      else if (BigInt(minedNonce) > tx.nonce)
        await dropTransaction(tx, "transaction dropped (nonce used by another transaction)", false, summary);
      else waiting.push(tx);
    }
    if (!resend) {
      summary.inFlight += waiting.length;
      return;
    }
    let expected = BigInt(minedNonce);
    for (const tx of waiting) {
      if (tx.nonce - expected > BigInt(options.maxGapFill)) {
        throw new HotPotError(
          `stored transaction ${tx.hash} waits above a gap of ${(tx.nonce - expected).toString()} nonces ` +
            `(the chain is at ${expected.toString()}): more than RELAYER_MAX_GAP_FILL; an operator must look`,
        );
      }
      for (; expected < tx.nonce; expected++) await fillNonce(sender, expected, summary);
      const failure = await broadcast(tx.raw, tx.hash);
      summary.rebroadcast++;
      if (failure !== undefined) {
        // Nothing new may be signed behind a transaction the node will take later (it would wait
        // behind the gap); one the node refuses for good gives its nonce and rows to a new one.
        if (failure.retryable || STILL_SENDABLE.test(failure.message)) {
          throw new RetryableError(`stored transaction ${tx.hash} not accepted: ${failure.message}`, {
            cause: failure,
          });
        }
        await dropTransaction(tx, `refused by the node: ${failure.message}`, true, summary);
        continue;
      }
      expected = tx.nonce + 1n;
      const receipt = await receiptOf(tx.hash);
      if (receipt === undefined) summary.inFlight++;
      else await settleIncluded(sender, tx, receipt, head, summary);
    }
  }

  return { send: sendChunk, reconcile };
}
