/**
 * Shared pieces of the relayer tests: a relayer on a dev chain and a test database, outbox
 * inserts as the API writes them, and card-payment payloads.
 */
import { Registry } from "prom-client";
import { keccak256, sha256, toHex, type Address, type Hex, type LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { createRelayer, type CreateRelayerParameters, type Relayer } from "../../api/relayer/index.ts";
import type { Database } from "../../lib/db/client.ts";
import { createLogger } from "../../lib/logger.ts";
import type { DevChain } from "../helpers/devchain.ts";

export const TEST_MNEMONIC = "test test test test test test test test test test test junk";

export function localAccount(index: number): LocalAccount {
  return mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
}

export const SETTLER = localAccount(LOCAL_ACCOUNTS.settler);
export const FRANCHISE_ADMIN = localAccount(LOCAL_ACCOUNTS.franchiseAdmin);

/** Fast settings for tests: short backoff and waits. */
export const FAST = {
  maxBatch: 50,
  pollIntervalMs: 100,
  maxAttempts: 5,
  backoffBaseMs: 50,
  backoffMaxMs: 200,
  notReadyDelayMs: 200,
} as const;

export function relayerFor(
  chain: DevChain,
  db: Database,
  overrides: Partial<CreateRelayerParameters> = {},
): Relayer & { registry: Registry } {
  const registry = new Registry();
  const relayer = createRelayer({
    db,
    client: chain.client,
    chainId: chain.deployment.chainId,
    deployment: chain.deployment,
    accounts: { settler: SETTLER, franchiseAdmin: FRANCHISE_ADMIN },
    logger: createLogger({ level: process.env.LOG_LEVEL ?? "silent" }),
    registry,
    options: FAST,
    ...overrides,
  });
  return Object.assign(relayer, { registry });
}

/** Inserts an outbox row the way API writers do (ON CONFLICT DO NOTHING); true when it was new. */
export async function enqueue(db: Database, kind: string, dedupeKey: string, payload: unknown): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `INSERT INTO outbox (kind, dedupe_key, payload) VALUES ($1, $2, $3) ON CONFLICT (dedupe_key) DO NOTHING`,
    [kind, dedupeKey, JSON.stringify(payload)],
  );
  return rowCount === 1;
}

export interface OutboxState {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  last_error: string | null;
  tx_id: string | null;
  not_before: Date;
}

export async function outboxRow(db: Database, dedupeKey: string): Promise<OutboxState> {
  const { rows } = await db.pool.query<OutboxState>(
    "SELECT id, kind, status, attempts, last_error, tx_id, not_before FROM outbox WHERE dedupe_key = $1",
    [dedupeKey],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no outbox row ${dedupeKey}`);
  return row;
}

export function chainOrderId(label: string): Hex {
  return keccak256(toHex(`order:${label}`));
}

/** A settle_card payload as the webhook handler writes it (decimal strings, lower-case hex). */
export function cardPayment(label: string, restaurantId: bigint, customer: Address, amount: bigint) {
  return {
    orderId: chainOrderId(label),
    restaurantId: restaurantId.toString(),
    customer: customer.toLowerCase(),
    amount: amount.toString(),
    paymentRef: keccak256(toHex(`pi_${label}`)),
    receiptDigest: sha256(toHex(JSON.stringify({ order: label }))),
  };
}

/** Logs of `eventName` from OrderSettlement for `orderId` (its first indexed argument). */
export async function settlementLogs(chain: DevChain, eventName: string, orderId: Hex): Promise<number> {
  const logs = await chain.client.getContractEvents({
    address: chain.addresses.orderSettlement,
    abi: chain.contracts.orderSettlement.abi,
    eventName: eventName as "CardPaymentSettled",
    args: { orderId },
    fromBlock: 0n,
    toBlock: "latest",
  });
  return logs.length;
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
