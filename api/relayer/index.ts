/**
 * The relayer: the one module through which the API reaches the chain. It executes the outbox
 * (rows the API writes inside its own transactions) as transactions signed locally, recorded
 * before they are broadcast (write-ahead), so that a crash at any point leads to exactly one
 * on-chain effect per row; and it answers the few chain reads the API needs (quotes, permit
 * nonces, token metadata). Three parts: the outbox engine (engine.ts: claiming rows, retries, the
 * drain loop under the sender lock), the transaction sender (sender.ts: nonce, sign, broadcast,
 * reconcile) and the chain reads (chain-reads.ts). See README.md beside this file.
 */
import type { Abi, Address, LocalAccount, PublicClient } from "viem";
import type { Registry } from "prom-client";

import { createChainClient } from "../../lib/chain/client.ts";
import type { Database } from "../../lib/db/client.ts";
import { HotPotError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/logger.ts";

import { createChainReads, type ChainReads } from "./chain-reads.ts";
import {
  DEFAULT_RELAYER_OPTIONS,
  type DrainSummary,
  type RelayerHooks,
  type RelayerOptions,
  type Sender,
} from "./context.ts";
import { createOutboxEngine, type RelayerHealth } from "./engine.ts";
import { OUTBOX_KINDS, type OutboxKind, type SignerRole, type TargetContract } from "./kinds.ts";
import { createRelayerMetrics, type RelayerMetrics } from "./metrics.ts";
import { createTransactionSender } from "./sender.ts";
import type * as store from "./store.ts";

export { RelayerLockedError } from "./lock.ts";
export { OUTBOX_KINDS } from "./kinds.ts";
export { DEFAULT_RELAYER_OPTIONS } from "./context.ts";
export type { DrainSummary, RelayerHooks, RelayerOptions } from "./context.ts";
export type { OrderRecord, TokenInfo } from "./chain-reads.ts";
export type { RelayerHealth } from "./engine.ts";

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

export interface Relayer extends ChainReads {
  /** Takes the sender lock, recovers stored transactions, then drains on wake() or every pollIntervalMs. */
  start(): Promise<void>;
  /** Stops the loop (after the drain in progress) and lets go of the lock. */
  stop(): Promise<void>;
  /** Drain soon: call after committing outbox rows. */
  wake(): void;
  /** One drain now (takes the lock if start() did not): reconcile stored transactions, send due rows. */
  drainOnce(): Promise<DrainSummary>;
  /** Addresses that sign, by role. */
  readonly senders: Readonly<Partial<Record<SignerRole, Address>>>;
  /** Whether the relayer keeps up (from the database and this process's last drains). */
  health(): Promise<RelayerHealth>;
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

  const engine = createOutboxEngine(
    {
      db,
      client,
      chainId,
      logger,
      options,
      hooks,
      metrics,
      backoff,
      contracts,
      callAbi,
      kinds: { db, client, contracts, logger },
    },
    senders,
    createTransactionSender,
  );
  const reads = createChainReads({ client, chainId, contracts, settler: parameters.accounts.settler });

  return {
    ...reads,
    senders: {
      settler: parameters.accounts.settler.address,
      ...(parameters.accounts.franchiseAdmin === undefined
        ? {}
        : { franchiseAdmin: parameters.accounts.franchiseAdmin.address }),
      ...(parameters.accounts.kycOfficer === undefined ? {} : { kycOfficer: parameters.accounts.kycOfficer.address }),
    },
    start: () => engine.start(),
    stop: () => engine.stop(),
    wake: () => {
      engine.wake();
    },
    drainOnce: () => engine.drainOnce(),
    health: () => engine.health(),
  };
}
