/**
 * `npm run simulate -- --orders N [--seed S]`: realistic platform activity on the local chain of
 * `npm start` (RPC_URL, default http://127.0.0.1:8545; deployment record DEPLOYMENT_DIR, default
 * deploy/deployments/chain-31337): KYC, franchises, card and token orders with refunds, reclaims
 * and loyalty-point movements. Prints what it did.
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { loadConfig, PROJECT_ROOT } from "../lib/config.ts";
import { readLocalDeployment } from "../local/devchain/deploy-local.ts";
import { ACTIVITY_KINDS, MIN_ORDERS, simulateActivity, type ActivityKind } from "../local/simulation/simulate.ts";

const LABELS: Record<ActivityKind, string> = {
  kycAttestations: "KYC attestations",
  kycRevocations: "KYC revocations",
  stableTokenMints: "tGEL top-ups (faucet)",
  restaurantsRegistered: "restaurants registered",
  franchiseFeeChanges: "franchise fee changes",
  franchiseMetadataChanges: "franchise metadata changes",
  franchiseDeactivations: "restaurant deactivations",
  franchiseReactivations: "restaurant reactivations",
  franchiseTransfers: "franchise NFT transfers",
  cardPaymentsSingle: "card payments, one per tx",
  cardPaymentsBatched: "card payments in batches",
  cardBatches: "settleCardPayments batches",
  cardDuplicatesSkipped: "batch entries skipped as duplicates",
  tokenOrdersPermit: "token orders paid by permit",
  tokenOrdersAllowance: "token orders paid by allowance",
  tokenOrdersWithDiscount: "token orders with a points discount",
  tokenOrdersFulfilled: "token orders fulfilled",
  tokenOrdersRefunded: "token orders refunded",
  tokenOrdersReclaimed: "token orders reclaimed (after a time jump)",
  tokenOrdersLeftEscrowed: "token orders left in escrow",
  cardRefundsPartial: "card refunds, partial",
  cardRefundsFull: "card refunds, full",
  cardRefundsAfterRateChange: "card refunds after a reward-rate change",
  cardRewardRateChanges: "card reward-rate changes",
  loyaltyTransfers: "HOTPOT transfers between holders",
  loyaltyBurns: "HOTPOT burns by holders",
};

function usage(message: string): never {
  console.error(`${message}\nusage: npm run simulate -- --orders N [--seed S]   (N >= ${MIN_ORDERS})`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { orders: { type: "string" }, seed: { type: "string" } } });
  } catch (error) {
    return usage((error as Error).message);
  }
})();
const orders = Number(values.orders ?? 100);
if (!Number.isInteger(orders) || orders < MIN_ORDERS) usage(`--orders must be an integer >= ${MIN_ORDERS}`);
const config = loadConfig();
const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.rpcPort}`;
const deploymentDir = config.deploymentDir ?? path.resolve(PROJECT_ROOT, "deploy/deployments/chain-31337");

try {
  const deployment = await readLocalDeployment(deploymentDir);
  console.log(
    `Simulating ${orders} orders on ${rpcUrl} (deployment ${path.relative(PROJECT_ROOT, deploymentDir)}) ...`,
  );
  const summary = await simulateActivity({
    rpcUrl,
    deployment,
    orders,
    seed: values.seed,
    log: (message) => {
      console.log(`  ${message}`);
    },
  });

  const rows: [string, string][] = ACTIVITY_KINDS.map((kind) => [
    LABELS[kind],
    summary.counts[kind].toLocaleString("en-US"),
  ]);
  rows.push(
    ["", ""],
    ["orders", summary.orders.toLocaleString("en-US")],
    ["transactions", summary.transactions.toLocaleString("en-US")],
    [
      "blocks",
      `${summary.blocks.count.toLocaleString("en-US")} (#${summary.blocks.first}-#${summary.blocks.last}; ${summary.blocks.singleTransaction} with one tx, at most ${summary.blocks.maxTransactions})`,
    ],
    ["contract events", summary.events.toLocaleString("en-US")],
    ["gas used", summary.gasUsed.toLocaleString("en-US")],
    ["seconds", (summary.elapsedMs / 1000).toFixed(1)],
  );
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\nSeed ${summary.seed}; restaurants ${summary.restaurants.join(", ")}\n`);
  for (const [name, value] of rows) console.log(name === "" ? "" : `${name.padEnd(width)}  ${value.padStart(8)}`);
  console.log(
    `\nEvents: ${Object.entries(summary.eventsByName)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ${count}`)
      .join(", ")}`,
  );
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    /fetch failed|ECONNREFUSED/.test(message)
      ? `No chain answers at ${rpcUrl}: start one with \`npm start\` (or set RPC_URL).`
      : message,
  );
  process.exitCode = 1;
}
