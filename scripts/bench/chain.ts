/**
 * `npm run bench:chain`: card-settlement throughput of a local `hardhat node`, as the API's relayer
 * would drive it over JSON-RPC.
 *
 * Starts its own `hardhat node` on 127.0.0.1:BENCH_RPC_PORT (default 8555, never 8545 so that it
 * cannot meet `npm start`'s chain), deploys deploy/modules/LocalHotPotSpot.ts to it with Ignition
 * (deployment id `bench-chain-<port>`, removed again afterwards), registers restaurants, then:
 *
 *  1. calibration: BENCH_CALIBRATION_TRANSFERS (2,000) plain tGEL transfers, sent the same way,
 *     to show how fast this machine's node is (0 skips it);
 *  2. BENCH_BATCHED_ORDERS (10,000) card settlements in settleCardPayments batches of
 *     BENCH_BATCH_SIZE (200; a batch must stay under the 2^24 gas cap per transaction of Osaka);
 *  3. BENCH_SINGLE_ORDERS (1,000) settleCardPayment transactions;
 *
 * all three BENCH_REPEAT (3) times on the same node; targets are judged on the median run.
 *
 * The relayer (account #2, the settler) keeps its nonce locally, lets the node sign with its
 * unlocked account (BENCH_SIGNER=node, default) or signs itself (BENCH_SIGNER=local, key derived
 * from the node's configured HD accounts), sends BENCH_RPC_BATCH (100) transactions per JSON-RPC
 * batch request (BENCH_BATCHED_RPC_BATCH, 10, for the large settlement batches) with a fixed gas
 * limit (estimated once), prepares the next request while the node mines the previous one, and
 * never waits for a receipt before sending on. Each run is timed from building/signing its first
 * transaction until every receipt has been fetched and checked; every order is verified settled
 * (CardPaymentSettled logs in the receipts, then eth_getLogs and orderOf samples, untimed).
 * The node's per-request console logging is turned off first (BENCH_NODE_LOGGING=on keeps it); BENCH_PIPELINE_RECEIPTS=1
 * fetches receipts while later transactions are still being sent (no gain measured here).
 *
 * Prints a table, then as its very last line one JSON object with every figure. Exits 0 when a
 * target is missed, non-zero on errors. The node is stopped on success, on error and on Ctrl-C.
 */
import { rm } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import path from "node:path";

import { config, network } from "hardhat";
import {
  BaseError,
  createPublicClient,
  encodeFunctionData,
  getAbiItem,
  http,
  isAddressEqual,
  toEventSelector,
  type Abi,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

import LocalHotPotSpot from "../../deploy/modules/LocalHotPotSpot.ts";
import { PROJECT_ROOT, startHardhatNode, type HardhatNode } from "../../local/devchain/hardhat-node.ts";
import {
  ACCOUNT,
  at,
  cardAmountOf,
  fmt,
  id32,
  paymentRefOf,
  pseudoAddress,
  receiptDigestOf,
  table,
  openRestaurants,
} from "./common.ts";

function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

const PORT = intFromEnv("BENCH_RPC_PORT", 8555);
const BATCHED_ORDERS = intFromEnv("BENCH_BATCHED_ORDERS", 10_000);
const BATCH_SIZE = intFromEnv("BENCH_BATCH_SIZE", 200);
const SINGLE_ORDERS = intFromEnv("BENCH_SINGLE_ORDERS", 1_000);
const CALIBRATION_TRANSFERS = intFromEnv("BENCH_CALIBRATION_TRANSFERS", 2_000, 0);
/** Transactions per JSON-RPC batch request (one request outstanding at a time). */
const RPC_BATCH = intFromEnv("BENCH_RPC_BATCH", 100);
const BATCHED_RPC_BATCH = intFromEnv("BENCH_BATCHED_RPC_BATCH", 10);
const SIGNER = process.env.BENCH_SIGNER ?? "node";
/** Fetch receipts while later transactions are being sent (1) or after all were sent (0, default). */
const PIPELINE_RECEIPTS = intFromEnv("BENCH_PIPELINE_RECEIPTS", 0, 0) === 1;
/** "on": the node logs every request, as `hardhat node` does; "off": hardhat_setLoggingEnabled(false) first. */
// A production node does not echo every JSON-RPC request to a console; `hardhat node` does by
// default, and on 2 cores that printing costs a third of the throughput. BENCH_NODE_LOGGING=on measures it.
const NODE_LOGGING = process.env.BENCH_NODE_LOGGING ?? "off";
if (NODE_LOGGING !== "on" && NODE_LOGGING !== "off")
  throw new Error(`BENCH_NODE_LOGGING must be "on" or "off", got "${NODE_LOGGING}"`);
if (SIGNER !== "local" && SIGNER !== "node") throw new Error(`BENCH_SIGNER must be "local" or "node", got "${SIGNER}"`);
/** Distinct custodial customers the orders cycle through (first order of each is first-time). */
const CUSTOMERS = intFromEnv("BENCH_CUSTOMERS", 2_000);
/** Each run is repeated this often; pass/fail is judged on the median. */
const REPEAT = intFromEnv("BENCH_REPEAT", 3);
const RESTAURANTS = 5;
if (PORT === 8545) throw new Error("BENCH_RPC_PORT must not be 8545, the port of `npm start`'s chain");

const TARGETS = { batched_orders_per_s: 3_000, single_orders_per_s: 500 } as const;
const EIP_7825_TX_GAS_CAP = 16_777_216n;
const DEPLOYMENT_ID = `bench-chain-${PORT}`;
const DEPLOYMENT_DIR = path.join(PROJECT_ROOT, "deploy", "deployments", DEPLOYMENT_ID);

interface TxRequest {
  readonly data: Hex;
  readonly to: Address;
  readonly gas: bigint;
}

interface RunResult {
  readonly orders: number;
  readonly transactions: number;
  readonly seconds: number;
  readonly sendSeconds: number;
  readonly gasUsed: bigint;
}

let nodeStarting: Promise<HardhatNode> | undefined;
let stopping = false;
/** Whether a signal or the end of the run began stopping the node (a function: TS cannot see the handlers). */
const interrupted = (): boolean => stopping;
/** True the first time only: whoever gets it stops the node. */
function beginStopping(): boolean {
  if (stopping) return false;
  stopping = true;
  return true;
}

async function cleanUp(): Promise<void> {
  // Also when interrupted while the node is still starting: wait for it, then stop it.
  const node = await nodeStarting?.catch(() => undefined);
  await node?.stop();
  await rm(DEPLOYMENT_DIR, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!beginStopping()) return;
    console.error(`\n${signal}: stopping the benchmark node ...`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  await rm(DEPLOYMENT_DIR, { recursive: true, force: true });
  console.log(`Starting hardhat node on 127.0.0.1:${PORT} ...`);
  nodeStarting = startHardhatNode(PORT);
  const node = await nodeStarting;
  const url = node.url;
  node.process.on("exit", (code, signal) => {
    if (!stopping) console.error(`hardhat node exited unexpectedly (code ${code}, signal ${signal})`);
  });

  // ─── Deploy and set up, through Hardhat's own connection to the node ─────────────────────
  console.log(`Deploying LocalHotPotSpot with Ignition (deployment id ${DEPLOYMENT_ID}) ...`);
  const connection = await network.create({ network: "localhost", override: { url } });
  const { viem, ignition } = connection;
  const { kycRegistry, franchiseNFT, orderSettlement, testGel } = await ignition.deploy(LocalHotPotSpot, {
    deploymentId: DEPLOYMENT_ID,
  });
  const setupClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const accountOf = (index: number) => at(wallets, index).account;
  const mined = async (hash: Hex): Promise<void> => {
    const receipt = await setupClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`setup transaction ${hash} reverted`);
  };
  const latest = await setupClient.getBlock();
  await openRestaurants({ kycRegistry, franchiseNFT }, accountOf, RESTAURANTS, latest.timestamp, (hash) => mined(hash));
  const settlerAddress = accountOf(ACCOUNT.settler).address;
  {
    await mined(await testGel.write.mint([settlerAddress, 10n ** 12n], { account: accountOf(ACCOUNT.admin) }));
  }

  // ─── The relayer: its own viem client, nonce kept locally, JSON-RPC batches ───────────────
  const chainId = await setupClient.getChainId();
  if (NODE_LOGGING === "off")
    await connection.provider.request({ method: "hardhat_setLoggingEnabled", params: [false] });
  // `hardhat node` serves the network named "node" (Hardhat's built-in one unless the config sets it).
  const nodeNetwork = config.networks.node ?? config.networks.default;
  const hdAccounts = nodeNetwork?.type === "edr-simulated" ? nodeNetwork.accounts : undefined;
  let localAccount: ReturnType<typeof mnemonicToAccount> | undefined;
  if (SIGNER === "local") {
    if (hdAccounts === undefined || Array.isArray(hdAccounts))
      throw new Error("BENCH_SIGNER=local needs HD accounts in the default network config");
    localAccount = mnemonicToAccount(await hdAccounts.mnemonic.get(), {
      path: `${hdAccounts.path}/${hdAccounts.initialIndex + ACCOUNT.settler}` as `m/44'/60'/${string}`,
      passphrase: await hdAccounts.passphrase.get(),
    });
    if (!isAddressEqual(localAccount.address, settlerAddress))
      throw new Error(`derived key is for ${localAccount.address}, the node's account #2 is ${settlerAddress}`);
  }

  const relayerClient = (batchSize: number) =>
    createPublicClient({ transport: http(url, { batch: { batchSize, wait: 0 }, timeout: 300_000, retryCount: 0 }) });
  let nonce = await setupClient.getTransactionCount({ address: settlerAddress, blockTag: "pending" });
  const baseFee = latest.baseFeePerGas ?? 1_000_000_000n;
  const maxPriorityFeePerGas = 1_000_000_000n;
  const maxFeePerGas = baseFee * 4n + maxPriorityFeePerGas;

  /**
   * Sends `requests` in nonce order, `rpcBatch` per JSON-RPC batch request, and returns the hashes.
   * One request is outstanding at a time: an automining node rejects a nonce gap instead of
   * queueing it, and it may serve concurrent HTTP requests out of order. The next batch is
   * signed while the node works on the previous one.
   */
  async function sendAll(
    requests: readonly TxRequest[],
    rpcBatch: number,
    onSent: (hashes: Hex[]) => void,
  ): Promise<Hex[]> {
    const client = relayerClient(rpcBatch);
    const hashes: Hex[] = new Array<Hex>(requests.length);
    let outstanding: Promise<void> | undefined;
    for (let start = 0; start < requests.length; start += rpcBatch) {
      const group = requests.slice(start, start + rpcBatch);
      const first = nonce;
      nonce += group.length;
      let payloads: { method: "eth_sendRawTransaction" | "eth_sendTransaction"; params: [unknown] }[];
      if (localAccount !== undefined) {
        const signer = localAccount;
        const raws = await Promise.all(
          group.map((tx, i) =>
            signer.signTransaction({
              chainId,
              type: "eip1559",
              to: tx.to,
              data: tx.data,
              gas: tx.gas,
              nonce: first + i,
              maxFeePerGas,
              maxPriorityFeePerGas,
            }),
          ),
        );
        payloads = raws.map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] }));
      } else {
        payloads = group.map((tx, i) => ({
          method: "eth_sendTransaction",
          params: [
            {
              from: settlerAddress,
              to: tx.to,
              data: tx.data,
              gas: `0x${tx.gas.toString(16)}`,
              nonce: `0x${(first + i).toString(16)}`,
              maxFeePerGas: `0x${maxFeePerGas.toString(16)}`,
              maxPriorityFeePerGas: `0x${maxPriorityFeePerGas.toString(16)}`,
            },
          ],
        }));
      }
      await outstanding;
      // Issued in one tick, so viem's http transport sends them as one JSON-RPC batch request.
      outstanding = Promise.all(payloads.map((payload): Promise<Hex> => client.request(payload as never))).then(
        (groupHashes) => {
          groupHashes.forEach((hash, i) => (hashes[start + i] = hash));
          onSent(groupHashes);
        },
      );
    }
    await outstanding;
    return hashes;
  }

  /** Fetches every receipt (JSON-RPC batches), waiting for any not yet mined; all must succeed. */
  async function receiptsOf(
    hashes: readonly Hex[],
    rpcBatch: number,
    client = relayerClient(rpcBatch),
  ): Promise<TransactionReceipt[]> {
    const receipts: TransactionReceipt[] = [];
    for (let start = 0; start < hashes.length; start += rpcBatch) {
      const group = hashes.slice(start, start + rpcBatch);
      const fetched = await Promise.all(
        group.map(async (hash) => {
          const receipt = await client.getTransactionReceipt({ hash }).catch(() => undefined);
          return receipt ?? (await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 120_000 }));
        }),
      );
      for (const receipt of fetched) {
        if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
        receipts.push(receipt);
      }
    }
    return receipts;
  }

  // From the ABI, so the count keeps working if the event's fields change.
  const settledTopic = toEventSelector(getAbiItem({ abi: orderSettlement.abi, name: "CardPaymentSettled" }));
  const countSettled = (receipts: readonly TransactionReceipt[]): number =>
    receipts.reduce(
      (sum, receipt) =>
        sum +
        receipt.logs.filter(
          (log) =>
            log.address.toLowerCase() === orderSettlement.address.toLowerCase() && log.topics[0] === settledTopic,
        ).length,
      0,
    );

  async function run(
    requests: readonly TxRequest[],
    rpcBatch: number,
    expectedOrders: number,
    countOrders: (r: readonly TransactionReceipt[]) => number,
  ): Promise<RunResult> {
    const started = performance.now();
    // Receipts of each JSON-RPC batch are fetched as soon as it was accepted, while later ones are sent.
    const receiptClient = relayerClient(rpcBatch);
    const pending: Promise<TransactionReceipt[]>[] = [];
    const hashes = await sendAll(requests, rpcBatch, (sent) => {
      if (PIPELINE_RECEIPTS) pending.push(receiptsOf(sent, rpcBatch, receiptClient));
    });
    const sent = performance.now();
    const receipts = PIPELINE_RECEIPTS
      ? (await Promise.all(pending)).flat()
      : await receiptsOf(hashes, rpcBatch, receiptClient);
    const orders = countOrders(receipts);
    const finished = performance.now();
    if (orders !== expectedOrders) throw new Error(`expected ${expectedOrders} settled, receipts show ${orders}`);
    return {
      orders,
      transactions: receipts.length,
      seconds: (finished - started) / 1_000,
      sendSeconds: (sent - started) / 1_000,
      gasUsed: receipts.reduce((sum, receipt) => sum + receipt.gasUsed, 0n),
    };
  }

  // ─── Test data ────────────────────────────────────────────────────────────────────────────
  let cardOrders = 0;
  const cardPayment = () => {
    const i = cardOrders++;
    const label = `chain-bench:${i}`;
    return {
      orderId: id32(label),
      restaurantId: BigInt((i % RESTAURANTS) + 1),
      customer: pseudoAddress(`chain-${i % CUSTOMERS}`),
      amount: cardAmountOf(i),
      paymentRef: paymentRefOf(label),
      receiptDigest: receiptDigestOf(label),
    };
  };
  const abi = orderSettlement.abi as Abi;
  const settleBatchData = (payments: ReturnType<typeof cardPayment>[]): Hex =>
    encodeFunctionData({ abi, functionName: "settleCardPayments", args: [payments] });
  const settleOneData = (p: ReturnType<typeof cardPayment>): Hex =>
    encodeFunctionData({
      abi,
      functionName: "settleCardPayment",
      args: [p.orderId, p.restaurantId, p.customer, p.amount, p.paymentRef, p.receiptDigest],
    });
  /** Gas limit for a call: estimated once on a sample (all first-time customers: the dearest case) plus 25 %, capped. */
  async function gasLimitFor(data: Hex): Promise<bigint> {
    const tooBig = `above the per-transaction gas cap of ${EIP_7825_TX_GAS_CAP} (EIP-7825): lower BENCH_BATCH_SIZE`;
    const estimate = await setupClient
      .estimateGas({ account: settlerAddress, to: orderSettlement.address, data })
      .catch((error: unknown) => {
        throw new Error(`gas estimation failed, probably ${tooBig}`, { cause: error });
      });
    if (estimate > EIP_7825_TX_GAS_CAP) throw new Error(`a batch needs ${estimate} gas, ${tooBig}`);
    const withMargin = (estimate * 125n) / 100n;
    return withMargin < EIP_7825_TX_GAS_CAP ? withMargin : EIP_7825_TX_GAS_CAP;
  }
  const sample = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    orderId: id32(`gas-sample:${i}`),
    restaurantId: BigInt((i % RESTAURANTS) + 1),
    customer: pseudoAddress(`gas-sample-${i}`),
    amount: cardAmountOf(i),
    paymentRef: paymentRefOf(`gas-sample:${i}`),
    receiptDigest: receiptDigestOf(`gas-sample:${i}`),
  }));
  const batchGas = await gasLimitFor(settleBatchData(sample));
  const singleGas = await gasLimitFor(settleOneData(at(sample, 0)));

  // ─── The runs, BENCH_REPEAT times each (this machine may be shared: the median is what counts) ─
  const recipients = Array.from({ length: 5 }, (_, i) => accountOf(ACCOUNT.firstCustomer + i).address);
  const transferData = (i: number): Hex =>
    encodeFunctionData({
      abi: testGel.abi,
      functionName: "transfer",
      args: [at(recipients, i % recipients.length), 1n],
    });
  const transferGas =
    (await setupClient.estimateGas({ account: settlerAddress, to: testGel.address, data: transferData(0) })) + 10_000n;

  const calibrations: RunResult[] = [];
  const batchedResults: RunResult[] = [];
  const singleResults: RunResult[] = [];
  const allPayments: ReturnType<typeof cardPayment>[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  for (let rep = 1; rep <= REPEAT; rep++) {
    const tag = REPEAT > 1 ? ` [${rep}/${REPEAT}]` : "";
    // 1. Calibration: plain ERC-20 transfers, sent exactly like the settlements.
    if (CALIBRATION_TRANSFERS > 0) {
      const transfers = Array.from({ length: CALIBRATION_TRANSFERS }, (_, i) => ({
        to: testGel.address,
        data: transferData(i),
        gas: transferGas,
      }));
      console.log(`Calibration${tag}: ${fmt(CALIBRATION_TRANSFERS)} tGEL transfers ...`);
      calibrations.push(await run(transfers, RPC_BATCH, CALIBRATION_TRANSFERS, (receipts) => receipts.length));
    }

    // 2. Batched card settlements. Encoding the batches is the API's work before it reaches the
    // relayer: done before the clock starts.
    const batched: TxRequest[] = [];
    for (let start = 0; start < BATCHED_ORDERS; start += BATCH_SIZE) {
      const payments = Array.from({ length: Math.min(BATCH_SIZE, BATCHED_ORDERS - start) }, cardPayment);
      allPayments.push(...payments);
      batched.push({ to: orderSettlement.address, data: settleBatchData(payments), gas: batchGas });
    }
    console.log(
      `Batched${tag}: ${fmt(BATCHED_ORDERS)} card settlements in ${batched.length} settleCardPayments transactions of ${BATCH_SIZE} ...`,
    );
    batchedResults.push(await run(batched, BATCHED_RPC_BATCH, BATCHED_ORDERS, countSettled));

    // 3. Single card settlements.
    const singlePayments = Array.from({ length: SINGLE_ORDERS }, cardPayment);
    allPayments.push(...singlePayments);
    const singles = singlePayments.map((payment) => ({
      to: orderSettlement.address,
      data: settleOneData(payment),
      gas: singleGas,
    }));
    console.log(`Single${tag}: ${fmt(SINGLE_ORDERS)} settleCardPayment transactions ...`);
    singleResults.push(await run(singles, RPC_BATCH, SINGLE_ORDERS, countSettled));
  }
  const loadAfter = loadavg()[0] ?? 0;

  // ─── Independent verification (not timed) ─────────────────────────────────────────────────
  const settledLogs = (
    await setupClient.request({
      method: "eth_getLogs",
      params: [{ address: orderSettlement.address, topics: [settledTopic], fromBlock: "0x0", toBlock: "latest" }],
    })
  ).length;
  const expectedLogs = allPayments.length;
  if (settledLogs !== expectedLogs)
    throw new Error(`eth_getLogs shows ${settledLogs} CardPaymentSettled, expected ${expectedLogs}`);
  const CARD_SETTLED = 5;
  for (let k = 0; k < 100; k++) {
    const payment = at(allPayments, Math.floor((k * allPayments.length) / 100));
    const record = await orderSettlement.read.orderOf([payment.orderId]);
    if (
      record.status !== CARD_SETTLED ||
      !isAddressEqual(record.customer, payment.customer) ||
      record.cardAmount !== payment.amount
    ) {
      throw new Error(`order ${payment.orderId} is not recorded as settled`);
    }
  }
  await connection.close();

  // ─── Report ───────────────────────────────────────────────────────────────────────────────
  const rate = (result: RunResult): number => result.orders / result.seconds;
  const median = (values: readonly number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? at(sorted, mid) : (at(sorted, mid - 1) + at(sorted, mid)) / 2;
  };
  const summary = (results: readonly RunResult[]) => ({
    median: median(results.map(rate)),
    best: Math.max(...results.map(rate)),
    worst: Math.min(...results.map(rate)),
  });
  const batchedRate = summary(batchedResults);
  const singleRate = summary(singleResults);
  const calibrationRate = calibrations.length > 0 ? summary(calibrations) : undefined;
  const met = {
    batched_orders_per_s: batchedRate.median >= TARGETS.batched_orders_per_s,
    single_orders_per_s: singleRate.median >= TARGETS.single_orders_per_s,
  };
  const verdict = (ok: boolean): string => (ok ? "PASS" : "FAIL");
  const describe = (name: string, result: RunResult): string[] => [
    name,
    fmt(result.orders),
    fmt(result.transactions),
    fmt(result.seconds, 2),
    fmt(result.sendSeconds, 2),
    fmt(Number(result.gasUsed) / result.seconds / 1e6, 1),
    fmt(rate(result), 0),
    "",
    "",
  ];
  const rows: string[][] = [];
  for (let i = 0; i < REPEAT; i++) {
    const tag = REPEAT > 1 ? ` #${i + 1}` : "";
    const calibration = calibrations[i];
    if (calibration !== undefined) rows.push(describe(`calibration: tGEL transfer, 1 per tx${tag}`, calibration));
    rows.push(describe(`settleCardPayments, ${BATCH_SIZE} per tx${tag}`, at(batchedResults, i)));
    rows.push(describe(`settleCardPayment, 1 per tx${tag}`, at(singleResults, i)));
  }
  const summaryRow = (
    name: string,
    rates: { median: number; best: number },
    target?: number,
    ok?: boolean,
  ): string[] => [
    name,
    "",
    "",
    "",
    "",
    "",
    `${fmt(rates.median, 0)}${REPEAT > 1 ? ` (best ${fmt(rates.best, 0)})` : ""}`,
    target === undefined ? "" : `>= ${fmt(target)}`,
    ok === undefined ? "" : verdict(ok),
  ];
  const medianLabel = REPEAT > 1 ? `median of ${REPEAT}: ` : "";
  if (calibrationRate !== undefined)
    rows.push(summaryRow(`${medianLabel}calibration (ERC-20 transfers/s)`, calibrationRate));
  rows.push(
    summaryRow(
      `${medianLabel}batched card settlements`,
      batchedRate,
      TARGETS.batched_orders_per_s,
      met.batched_orders_per_s,
    ),
  );
  rows.push(
    summaryRow(
      `${medianLabel}single card settlements`,
      singleRate,
      TARGETS.single_orders_per_s,
      met.single_orders_per_s,
    ),
  );

  console.log(
    `\nThroughput of a local hardhat node (automine: 1 tx per block; node logging ${NODE_LOGGING}) driven over JSON-RPC by a relayer signing ${SIGNER === "local" ? "locally" : "on the node"};` +
      `\n${RPC_BATCH} txs per JSON-RPC batch request (${BATCHED_RPC_BATCH} for settlement batches), one request outstanding, ${fmt(CUSTOMERS)} customers, ${RESTAURANTS} restaurants.` +
      `\nTimed from building/signing the first tx until every receipt is fetched and checked; all ${fmt(expectedLogs)} orders verified settled (receipt logs, eth_getLogs, orderOf samples).` +
      `\n${cpus().length} CPUs, 1-minute load average ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after the runs (other processes slow the node down).\n`,
  );
  console.log(
    table(["run", "orders", "txs", "seconds", "of which sending", "Mgas/s", "orders/s", "target", "result"], rows),
  );
  const allMet = Object.values(met).every(Boolean);
  console.log(
    `\n${
      allMet
        ? "All targets met."
        : `Targets missed: ${Object.entries(met)
            .filter(([, ok]) => !ok)
            .map(([key]) => key)
            .join(", ")}.`
    }\n`,
  );
  const round = (value: number): number => Math.round(value);
  const sum = (results: readonly RunResult[], pick: (result: RunResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  console.log(
    JSON.stringify({
      bench: "chain",
      signer: SIGNER,
      node_logging: NODE_LOGGING,
      repeat: REPEAT,
      batched_orders: BATCHED_ORDERS,
      batch_size: BATCH_SIZE,
      batched_txs: at(batchedResults, 0).transactions,
      batched_orders_per_s: round(batchedRate.median),
      batched_orders_per_s_best: round(batchedRate.best),
      batched_orders_per_s_worst: round(batchedRate.worst),
      batched_gas_per_order: round(
        sum(batchedResults, (r) => Number(r.gasUsed)) / sum(batchedResults, (r) => r.orders),
      ),
      single_orders: SINGLE_ORDERS,
      single_orders_per_s: round(singleRate.median),
      single_orders_per_s_best: round(singleRate.best),
      single_orders_per_s_worst: round(singleRate.worst),
      single_gas_per_order: round(sum(singleResults, (r) => Number(r.gasUsed)) / sum(singleResults, (r) => r.orders)),
      calibration_erc20_transfers: CALIBRATION_TRANSFERS,
      calibration_erc20_transfers_per_s: calibrationRate === undefined ? null : round(calibrationRate.median),
      orders_verified: expectedLogs,
      load_avg_1m_before: Number(loadBefore.toFixed(2)),
      load_avg_1m_after: Number(loadAfter.toFixed(2)),
      target_batched_orders_per_s: TARGETS.batched_orders_per_s,
      target_single_orders_per_s: TARGETS.single_orders_per_s,
      targets_met: met,
      all_targets_met: allMet,
    }),
  );
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  // When interrupted, requests in flight fail as the node goes away: that is no news.
  // viem errors carry whole request bodies (megabytes of calldata here): print their gist only.
  if (!interrupted()) {
    if (error instanceof BaseError) console.error(`${error.name}: ${error.shortMessage}\n${error.details}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
} finally {
  if (beginStopping()) await cleanUp();
}
