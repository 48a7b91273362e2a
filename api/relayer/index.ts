/**
 * The relayer: the one module through which the API reaches the chain. It executes the outbox
 * (rows the API writes inside its own transactions) as transactions signed locally, recorded
 * before they are broadcast (write-ahead), so that a crash at any point leads to exactly one
 * on-chain effect per row; and it answers the few chain reads the API needs (quotes, permit
 * nonces, token metadata). See README.md beside this file.
 */
import {
  BlockNotFoundError,
  createWalletClient,
  custom,
  encodeFunctionData,
  erc20Abi,
  keccak256,
  parseAbi,
  type Abi,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import type { Registry } from "prom-client";

import { createChainClient } from "../../lib/chain/client.ts";
import type { Database } from "../../lib/db/client.ts";
import { HotPotError, RetryableError, isRetryable } from "../../lib/errors.ts";
import type { Logger } from "../../lib/logger.ts";
import { signQuote as signTokenQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";

import {
  classifyRpcError,
  formatRevert,
  isKnownTransaction,
  isReceiptNotFound,
  revertOf,
  type Revert,
} from "./errors.ts";
import {
  ORDER_STATUS,
  OUTBOX_KINDS,
  TRANSIENT_REVERTS,
  type KindContext,
  type OutboxKind,
  type SignerRole,
  type TargetContract,
} from "./kinds.ts";
import { acquireSenderLock, type SenderLock } from "./lock.ts";
import { createRelayerMetrics, type RelayerMetrics } from "./metrics.ts";
import * as store from "./store.ts";

export { RelayerLockedError } from "./lock.ts";
export { OUTBOX_KINDS } from "./kinds.ts";

/**
 * Who signs what. Each outbox kind names a role (settle_card, record_card_refund, fulfill_token,
 * refund_token: `settler`, which needs SETTLER_ROLE on OrderSettlement; register_franchise:
 * `franchiseAdmin`, FRANCHISE_ADMIN_ROLE on FranchiseNFT). Both roles may be the same account
 * (one nonce sequence). Kinds whose role has no account are left pending (a warning at start).
 */
export interface RelayerAccounts {
  readonly settler: LocalAccount;
  readonly franchiseAdmin?: LocalAccount;
  /** KYC_OFFICER_ROLE on KycRegistry: attestations and revocations of approved KYC cases. */
  readonly kycOfficer?: LocalAccount;
}

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

export interface CreateRelayerParameters {
  readonly db: Database;
  /** A chain client, or the RPC URL to build one from (lib/chain/client.ts). */
  readonly client?: PublicClient;
  readonly rpcUrl?: string;
  readonly chainId: number;
  /** The deployed contracts (`readDeployment(dir)`); OrderSettlement and FranchiseNFT are required. */
  readonly deployment: {
    readonly contracts: readonly { readonly name: string; readonly address: Address; readonly abi: Abi }[];
  };
  readonly accounts: RelayerAccounts;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly options?: Partial<RelayerOptions>;
  readonly hooks?: RelayerHooks;
}

/** What one drain did. */
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

export interface TokenInfo {
  readonly address: Address;
  /** The EIP-712 domain name and version (for permits), from eip712Domain(). */
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
  readonly symbol: string;
  readonly decimals: number;
}

export interface OrderRecord {
  readonly status: string;
  readonly cardAmount: bigint;
  readonly customer: Address;
}

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

export interface Relayer {
  /** Takes the sender lock, recovers stored transactions, then drains on wake() or every pollIntervalMs. */
  start(): Promise<void>;
  /** Stops the loop (after the drain in progress) and lets go of the lock. */
  stop(): Promise<void>;
  /** Drain soon: call after committing outbox rows. */
  wake(): void;
  /** One drain now (takes the lock if start() did not): reconcile stored transactions, send due rows. */
  drainOnce(): Promise<DrainSummary>;
  /** The settler's EIP-712 quote of a token order (what OrderSettlement.placeOrder checks). */
  signQuote(order: TokenOrderMessage): Promise<Hex>;
  /** The EIP-2612 nonce of `owner` on `token`. */
  permitNonce(token: Address, owner: Address): Promise<bigint>;
  /** A permit token's EIP-712 domain and decimals (cached: they never change). */
  tokenInfo(token: Address): Promise<TokenInfo>;
  /** OrderSettlement.orderOf, with the status by name. */
  orderOf(orderId: Hex): Promise<OrderRecord>;
  /** The KYC level FranchiseNFT requires of owners (FranchiseNFT.requiredKycLevel). */
  requiredKycLevel(): Promise<number>;
  /** The latest block's timestamp (Unix seconds): deadlines the contracts check are in chain time. */
  chainTime(): Promise<number>;
  /** Addresses that sign, by role. */
  readonly senders: Readonly<Partial<Record<SignerRole, Address>>>;
  /** Whether the relayer keeps up (from the database and this process's last drains). */
  health(): Promise<RelayerHealth>;
}

const PERMIT_ABI = parseAbi([
  "function nonces(address owner) view returns (uint256)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
]);

/** Node answers after which the same bytes can still be mined later: send them again, never replace them. */
const STILL_SENDABLE = /insufficient funds|nonce too high|txpool is full|temporarily/i;

interface Sender {
  readonly address: Address;
  readonly account: LocalAccount;
  readonly kinds: readonly [string, OutboxKind<unknown>][];
}

interface ParsedRow {
  readonly row: store.OutboxRow;
  readonly entry: unknown;
}

function contractNamed(
  deployment: CreateRelayerParameters["deployment"],
  name: TargetContract,
): { address: Address; abi: Abi } {
  const found = deployment.contracts.find((contract) => contract.name === name);
  if (found === undefined) throw new HotPotError(`the deployment has no ${name}`);
  return { address: found.address, abi: found.abi };
}

/** The contract's ABI plus every other contract's errors, so reverts bubbling up from a callee decode too. */
function withAllErrors(abi: Abi, deployment: CreateRelayerParameters["deployment"]): Abi {
  const seen = new Set(abi.filter((item) => item.type === "error").map((item) => item.name));
  const extra = deployment.contracts
    .flatMap((contract) => contract.abi)
    .filter((item) => item.type === "error" && !seen.has(item.name) && (seen.add(item.name), true));
  return [...abi, ...extra];
}

function emptySummary(): DrainSummary {
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

export function createRelayer(parameters: CreateRelayerParameters): Relayer {
  const { db, chainId, logger, hooks = {} } = parameters;
  const options: RelayerOptions = { ...DEFAULT_RELAYER_OPTIONS, ...parameters.options };
  const client =
    parameters.client ??
    (parameters.rpcUrl !== undefined
      ? createChainClient(parameters.rpcUrl)
      : (() => {
          throw new HotPotError("createRelayer needs a client or an rpcUrl");
        })());
  const metrics: RelayerMetrics = createRelayerMetrics(parameters.registry);
  const backoff: store.Backoff = {
    baseMs: options.backoffBaseMs,
    maxMs: options.backoffMaxMs,
    maxAttempts: options.maxAttempts,
  };
  const contracts: Record<TargetContract, { address: Address; abi: Abi }> = {
    OrderSettlement: contractNamed(parameters.deployment, "OrderSettlement"),
    FranchiseNFT: contractNamed(parameters.deployment, "FranchiseNFT"),
    KycRegistry: contractNamed(parameters.deployment, "KycRegistry"),
  };
  const callAbi: Record<TargetContract, Abi> = {
    OrderSettlement: withAllErrors(contracts.OrderSettlement.abi, parameters.deployment),
    FranchiseNFT: withAllErrors(contracts.FranchiseNFT.abi, parameters.deployment),
    KycRegistry: withAllErrors(contracts.KycRegistry.abi, parameters.deployment),
  };
  const context: KindContext = { db, client, contracts, logger };

  // Senders by address: roles held by one account share its nonce sequence.
  const roleAccounts: Partial<Record<SignerRole, LocalAccount>> = parameters.accounts;
  const senders: Sender[] = [];
  for (const [name, kind] of OUTBOX_KINDS) {
    const account = roleAccounts[kind.role];
    if (account === undefined) {
      logger.warn({ kind: name, role: kind.role }, "relayer: no account for this role; its outbox rows stay pending");
      continue;
    }
    let sender = senders.find((candidate) => candidate.address === account.address);
    if (sender === undefined) {
      sender = { address: account.address, account, kinds: [] };
      senders.push(sender);
    }
    (sender.kinds as [string, OutboxKind<unknown>][]).push([name, kind]);
  }

  let lock: SenderLock | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let queue: Promise<unknown> = Promise.resolve();
  const tokenCache = new Map<string, Promise<TokenInfo>>();

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
  async function sendChunk(
    sender: Sender,
    kindName: string,
    kind: OutboxKind<unknown>,
    chunk: readonly ParsedRow[],
    summary: DrainSummary,
    handled: Set<string>,
  ): Promise<void> {
    const entries = chunk.map((parsed) => parsed.entry);
    const estimated = await estimate(sender, kind, entries);
    if ("revert" in estimated) {
      countError("revert");
      if (chunk.length > 1) {
        // One bad entry must not block the others: bisect until it stands alone.
        const half = Math.ceil(chunk.length / 2);
        await sendChunk(sender, kindName, kind, chunk.slice(0, half), summary, handled);
        await sendChunk(sender, kindName, kind, chunk.slice(half), summary, handled);
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
      const results = (await kind.mined?.(context, entries, receipt)) ?? [];
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
          if (kind.ready !== undefined && !(await kind.ready(context, entry))) {
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
          await sendChunk(sender, kindName, kind, chunk, summary, handled);
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
    } else if (backlog.unfinishedRows > 0 && sinceDrain > limit) {
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
    await ensureLock(0);
    const summary = emptySummary();
    let firstError: unknown;
    for (const sender of senders) {
      const inFlightBefore = summary.inFlight;
      try {
        await reconcile(sender, summary, true);
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
        await reconcile(sender, summary, false).catch((error: unknown) => {
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

  async function readToken(token: Address): Promise<TokenInfo> {
    try {
      const [domain, decimals, symbol] = await Promise.all([
        client.readContract({ address: token, abi: PERMIT_ABI, functionName: "eip712Domain" }),
        client.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }),
        client.readContract({ address: token, abi: erc20Abi, functionName: "symbol" }),
      ]);
      const [, name, version, domainChainId] = domain;
      return { address: token, name, version, chainId: Number(domainChainId), symbol, decimals };
    } catch (error) {
      throw classifyRpcError(error);
    }
  }

  const settlerWallet = createWalletClient({
    account: parameters.accounts.settler,
    transport: custom({ request: (request: { method: string; params?: unknown }) => client.request(request as never) }),
  });

  return {
    senders: {
      settler: parameters.accounts.settler.address,
      ...(parameters.accounts.franchiseAdmin === undefined
        ? {}
        : { franchiseAdmin: parameters.accounts.franchiseAdmin.address }),
      ...(parameters.accounts.kycOfficer === undefined ? {} : { kycOfficer: parameters.accounts.kycOfficer.address }),
    },

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

    signQuote: (order) => signTokenQuote(settlerWallet, { address: contracts.OrderSettlement.address, chainId }, order),

    async permitNonce(token, owner): Promise<bigint> {
      try {
        return await client.readContract({ address: token, abi: PERMIT_ABI, functionName: "nonces", args: [owner] });
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    tokenInfo(token): Promise<TokenInfo> {
      const key = token.toLowerCase();
      let cached = tokenCache.get(key);
      if (cached === undefined) {
        cached = readToken(token);
        tokenCache.set(key, cached);
        cached.catch(() => tokenCache.delete(key));
      }
      return cached;
    },

    async chainTime(): Promise<number> {
      try {
        const block = await client.getBlock({ blockTag: "latest" });
        return Number(block.timestamp);
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    async requiredKycLevel(): Promise<number> {
      try {
        const level = await client.readContract({
          address: contracts.FranchiseNFT.address,
          abi: contracts.FranchiseNFT.abi,
          functionName: "requiredKycLevel",
        });
        return Number(level);
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    async orderOf(orderId): Promise<OrderRecord> {
      try {
        const record = (await client.readContract({
          address: contracts.OrderSettlement.address,
          abi: contracts.OrderSettlement.abi,
          functionName: "orderOf",
          args: [orderId],
        })) as { status: number; cardAmount: bigint; customer: Address };
        return {
          status: ORDER_STATUS[record.status] ?? String(record.status),
          cardAmount: record.cardAmount,
          customer: record.customer,
        };
      } catch (error) {
        throw classifyRpcError(error);
      }
    },
  };
}
