import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  type Account,
  type Address,
  type Hex,
  type HttpTransport,
  type PublicClient,
  type RpcTransactionReceipt,
  type TestClient,
  type WalletClient,
} from "viem";

/** A transaction queued for the next block. */
export interface QueuedTx {
  readonly from: Address;
  readonly to: Address;
  readonly data: Hex;
  readonly gas: bigint;
  /** What it does, for error messages ("settleCardPayments of 12"). */
  readonly what: string;
}

/** A queued transaction; `receipt` is set once its block is mined. */
export interface SentTx extends QueuedTx {
  readonly nonce: number;
  hash?: Hex;
  receipt?: RpcTransactionReceipt;
}

export interface BlockStats {
  blocks: number;
  transactions: number;
  singleTxBlocks: number;
  maxTxsPerBlock: number;
  gasUsed: bigint;
  logs: number;
  firstBlock: bigint | null;
  lastBlock: bigint | null;
}

/**
 * Builds blocks on a local node with automining off: transactions are sent as they are queued
 * (JSON-RPC batches, nonces kept here, signed by the node's unlocked accounts) and a block is
 * mined on request. Every transaction of a block must succeed.
 *
 * Transactions of one block never depend on another sender's transaction of the same block:
 * the node orders a block by fee, not by arrival, so callers put such dependencies in later blocks.
 */
export interface BlockBuilder {
  readonly publicClient: PublicClient;
  readonly testClient: TestClient<"hardhat", HttpTransport>;
  /** The node's unlocked accounts, in its order (deploy/accounts.ts names them). */
  readonly accounts: readonly Address[];
  /** A wallet client of one of the node's unlocked accounts (for typed-data signatures). */
  wallet(address: Address): WalletClient<HttpTransport, undefined, Account>;
  /** Sends a transaction now; it is mined by the next `mine()`. */
  send(tx: QueuedTx): SentTx;
  /** Gas limits of the transactions waiting for the next block. */
  readonly queuedGas: bigint;
  /** Mines every queued transaction (more than one block if they do not fit) and checks their receipts. */
  mine(): Promise<SentTx[]>;
  readonly stats: Readonly<BlockStats>;
  /** Gives the node back its automine setting; mines whatever is still pending first. */
  close(): Promise<void>;
}

export async function createBlockBuilder(rpcUrl: string): Promise<BlockBuilder> {
  // One transport instance: requests of every client issued in the same tick share a JSON-RPC batch.
  const transport = http(rpcUrl, { batch: { batchSize: 500, wait: 0 }, timeout: 120_000, retryCount: 0 });
  const publicClient = createPublicClient({ transport });
  const testClient = createTestClient({ mode: "hardhat", transport });
  const wallets = new Map<Address, WalletClient<HttpTransport, undefined, Account>>();
  const nonces = new Map<Address, number>();
  const accounts = await createWalletClient({ transport }).getAddresses();
  const counts = await Promise.all(
    accounts.map((address) => publicClient.getTransactionCount({ address, blockTag: "pending" })),
  );
  accounts.forEach((address, i) => nonces.set(address.toLowerCase() as Address, counts[i] ?? 0));

  const automine = await testClient.getAutomine();
  if (automine) await testClient.setAutomine(false);

  let queue: { tx: SentTx; sent: Promise<Hex> }[] = [];
  let queuedGas = 0n;
  const stats: BlockStats = {
    blocks: 0,
    transactions: 0,
    singleTxBlocks: 0,
    maxTxsPerBlock: 0,
    gasUsed: 0n,
    logs: 0,
    firstBlock: null,
    lastBlock: null,
  };

  function wallet(address: Address): WalletClient<HttpTransport, undefined, Account> {
    const key = address.toLowerCase() as Address;
    let client = wallets.get(key);
    if (client === undefined) {
      client = createWalletClient({ account: address, transport });
      wallets.set(key, client);
    }
    return client;
  }

  function send(queued: QueuedTx): SentTx {
    const key = queued.from.toLowerCase() as Address;
    const nonce = nonces.get(key);
    if (nonce === undefined) throw new Error(`${queued.from} is not an unlocked account of the node`);
    nonces.set(key, nonce + 1);
    const tx: SentTx = { ...queued, nonce };
    // Explicit gas and nonce: the node neither estimates against a block still being filled nor
    // depends on the order in which it receives a batch.
    const sent = wallet(queued.from).sendTransaction({
      to: queued.to,
      data: queued.data,
      gas: queued.gas,
      nonce,
      chain: null,
    });
    sent.catch(() => undefined);
    queue.push({ tx, sent });
    queuedGas += queued.gas;
    return tx;
  }

  async function receiptsOf(hashes: readonly Hex[]): Promise<(RpcTransactionReceipt | null)[]> {
    return Promise.all(
      hashes.map((hash) => publicClient.request({ method: "eth_getTransactionReceipt", params: [hash] })),
    );
  }

  async function mine(): Promise<SentTx[]> {
    const current = queue;
    queue = [];
    queuedGas = 0n;
    const hashes: Hex[] = [];
    for (const { tx, sent } of current) {
      try {
        tx.hash = await sent;
      } catch (error) {
        throw new Error(`the node refused ${tx.what} from ${tx.from}: ${(error as Error).message}`, { cause: error });
      }
      hashes.push(tx.hash);
    }
    const pending = new Map(current.map(({ tx }) => [tx.hash as Hex, tx]));
    do {
      await testClient.mine({ blocks: 1 });
      const waiting = [...pending.values()];
      const receipts = await receiptsOf(waiting.map((tx) => tx.hash as Hex));
      let included = 0;
      let number: bigint | null = null;
      for (const [i, receipt] of receipts.entries()) {
        const tx = waiting[i] as SentTx;
        if (receipt === null) continue;
        pending.delete(tx.hash as Hex);
        tx.receipt = receipt;
        included++;
        number = BigInt(receipt.blockNumber);
        stats.gasUsed += BigInt(receipt.gasUsed);
        stats.logs += receipt.logs.length;
        if (receipt.status !== "0x1") {
          throw new Error(`${tx.what} from ${tx.from} reverted (tx ${tx.hash}, block ${number})`);
        }
      }
      if (included === 0 && waiting.length > 0)
        throw new Error("the node mined a block without any queued transaction");
      number ??= await publicClient.getBlockNumber({ cacheTime: 0 });
      stats.blocks++;
      stats.transactions += included;
      if (included === 1) stats.singleTxBlocks++;
      stats.maxTxsPerBlock = Math.max(stats.maxTxsPerBlock, included);
      stats.firstBlock ??= number;
      stats.lastBlock = number;
    } while (pending.size > 0);
    return current.map(({ tx }) => tx);
  }

  let closed = false;
  return {
    publicClient,
    testClient,
    accounts,
    wallet,
    send,
    get queuedGas() {
      return queuedGas;
    },
    mine,
    stats,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Whatever a failure left in the mempool is mined, so the accounts' nonces stay usable.
      await Promise.allSettled(queue.map(({ sent }) => sent));
      queue = [];
      const pendingBlock = await publicClient.getBlock({ blockTag: "pending" }).catch(() => undefined);
      if (pendingBlock !== undefined && pendingBlock.transactions.length > 0) {
        await testClient.mine({ blocks: 1 });
      }
      if (automine) await testClient.setAutomine(true);
    },
  };
}
