/**
 * A real `hardhat node` child with the platform deployed, for tests that need a chain over
 * JSON-RPC (the indexer, the API): each call gets its own node on a free port and its own
 * deployment record, so tests never touch `npm start`'s chain.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";

import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { Registry } from "prom-client";
import { keccak256, sha256, toHex, type Address, type Hex, type PublicClient } from "viem";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";

import { createChainClient } from "../../lib/chain/client.ts";
import { readDeployment, type Deployment } from "../../lib/chain/deployment.ts";
import type { Database } from "../../lib/db/client.ts";
import { deployLocal, type LocalDeployment } from "../../local/devchain/deploy-local.ts";
import { freePort } from "../../local/devchain/free-port.ts";

export { freePort };
import { startHardhatNode, type HardhatNode } from "../../local/devchain/hardhat-node.ts";
import { createLogger } from "../../lib/logger.ts";
import { createIndexer, INDEXED_CONTRACTS, type Indexer, type IndexerOptions } from "../../indexer/index.ts";
import { createIndexerMetrics } from "../../indexer/metrics.ts";

async function contractsOf(connection: NetworkConnection, addresses: LocalDeployment) {
  const { viem } = connection;
  return {
    kycRegistry: await viem.getContractAt("KycRegistry", addresses.kycRegistry),
    hotPotToken: await viem.getContractAt("HotPotToken", addresses.hotPotToken),
    franchiseNFT: await viem.getContractAt("FranchiseNFT", addresses.franchiseNFT),
    orderSettlement: await viem.getContractAt("OrderSettlement", addresses.orderSettlement),
    testGel: await viem.getContractAt("TestGEL", addresses.testGel),
  };
}

export interface DevChain {
  readonly node: HardhatNode;
  readonly url: string;
  readonly wsUrl: string;
  readonly addresses: LocalDeployment;
  readonly deployment: Deployment;
  /** Hardhat's viem on this node: typed contracts, unlocked local accounts, test actions. */
  readonly connection: NetworkConnection;
  readonly contracts: Awaited<ReturnType<typeof contractsOf>>;
  readonly client: PublicClient;
  stop(): Promise<void>;
}

export async function startDevChain(): Promise<DevChain> {
  const port = await freePort();
  const node = await startHardhatNode(port);
  const deploymentId = `local-test-${randomBytes(4).toString("hex")}`;
  try {
    const addresses = await deployLocal({ rpcUrl: node.url, deploymentId });
    const deployment = await readDeployment(addresses.directory, INDEXED_CONTRACTS);
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    return {
      node,
      url: node.url,
      wsUrl: `ws://127.0.0.1:${port}`,
      addresses,
      deployment,
      connection,
      contracts: await contractsOf(connection, addresses),
      client: createChainClient(node.url),
      async stop(): Promise<void> {
        await connection.close();
        await node.stop();
        await rm(addresses.directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

export const TEST_INDEXER_OPTIONS: IndexerOptions = {
  confirmations: 0,
  maxBlockRange: 1_000,
  pollIntervalMs: 200,
  reorgWindow: 256,
};

/** An in-process indexer on `chain` writing to `db`, with its own metrics registry. */
export function indexerFor(
  chain: DevChain,
  db: Database,
  options: Partial<IndexerOptions> = {},
): Indexer & { registry: Registry } {
  const registry = new Registry();
  const indexer = createIndexer({
    db,
    client: chain.client,
    wsUrl: chain.wsUrl,
    deployment: chain.deployment,
    options: { ...TEST_INDEXER_OPTIONS, ...options },
    logger: createLogger({ level: process.env.LOG_LEVEL ?? "silent" }),
    metrics: createIndexerMetrics(registry),
  });
  return Object.assign(indexer, { registry });
}

/** The address of local account #`index`. */
export async function accountAt(chain: DevChain, index: number): Promise<Address> {
  const wallets = await chain.connection.viem.getWalletClients();
  const wallet = wallets[index];
  if (wallet === undefined) throw new Error(`no local account #${index}`);
  return wallet.account.address;
}

/** KYC-verifies account #`ownerIndex` and registers restaurant `restaurantId` to it. */
export async function openRestaurant(chain: DevChain, restaurantId: bigint, ownerIndex: number): Promise<void> {
  const owner = await accountAt(chain, ownerIndex);
  const officer = await accountAt(chain, LOCAL_ACCOUNTS.kycOfficer);
  const franchiseAdmin = await accountAt(chain, LOCAL_ACCOUNTS.franchiseAdmin);
  const block = await chain.client.getBlock();
  await chain.contracts.kycRegistry.write.attest(
    [owner, 2, block.timestamp + 365n * 86_400n, keccak256(toHex(owner))],
    {
      account: officer,
    },
  );
  await chain.contracts.franchiseNFT.write.register(
    [owner, restaurantId, 1_000, `ipfs://bafkrestaurant${restaurantId}`],
    {
      account: franchiseAdmin,
    },
  );
}

/** The settler records a card payment of `amount` tetri (one transaction, one block); returns the order id. */
export async function settleCard(
  chain: DevChain,
  label: string,
  restaurantId: bigint,
  customerIndex: number,
  amount: bigint,
): Promise<Hex> {
  const orderId = keccak256(toHex(`order:${label}`));
  await chain.contracts.orderSettlement.write.settleCardPayment(
    [
      orderId,
      restaurantId,
      await accountAt(chain, customerIndex),
      amount,
      keccak256(toHex(`pi_${label}`)),
      sha256(toHex(JSON.stringify({ order: label }))),
    ],
    { account: await accountAt(chain, LOCAL_ACCOUNTS.settler) },
  );
  return orderId;
}

/** Resolves once the mirror's cursor is on the chain's current head (same number and hash). */
export async function waitForMirror(db: Database, chain: DevChain, timeoutMs = 30_000): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await chain.client.getBlock({ blockTag: "latest" });
    const { rows } = await db.pool.query<{ block_number: string; block_hash: string }>(
      "SELECT block_number, block_hash FROM indexer_cursor",
    );
    const cursor = rows[0];
    if (cursor !== undefined && BigInt(cursor.block_number) === head.number && cursor.block_hash === head.hash) {
      return head.number;
    }
    if (Date.now() > deadline) {
      throw new Error(`mirror did not reach head ${head.number} within ${timeoutMs} ms (at ${cursor?.block_number})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
