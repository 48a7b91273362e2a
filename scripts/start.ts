/**
 * `npm start`: a local chain (`hardhat node`) with every contract deployed and wired.
 * Runs until Ctrl-C. Later stages (database, indexer, API) join this same command.
 */
import { deployLocal } from "./lib/deploy-local.ts";
import { startHardhatNode } from "./lib/hardhat-node.ts";

const port = Number(process.env.RPC_PORT ?? 8545);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`RPC_PORT must be a TCP port number, got "${process.env.RPC_PORT}"`);
  process.exit(2);
}

console.log(`Starting a local chain on 127.0.0.1:${port} ...`);
const node = await startHardhatNode(port);
let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the local chain ...");
  await node.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
node.process.on("exit", (code) => {
  if (!stopping) {
    console.error(`hardhat node exited unexpectedly (code ${code})`);
    process.exit(1);
  }
});

try {
  console.log("Deploying contracts with Hardhat Ignition (deploy/modules/LocalHotPotSpot.ts) ...");
  console.log("(The first run compiles every contract with solc-js first: allow a few minutes.)");
  const deployment = await deployLocal();
  console.log(`
The Hot Pot Spot is running.

  JSON-RPC        ${node.url}   (chain id ${deployment.chainId})
  KycRegistry     ${deployment.kycRegistry}
  HotPotToken     ${deployment.hotPotToken}
  FranchiseNFT    ${deployment.franchiseNFT}
  OrderSettlement ${deployment.orderSettlement}
  TestGEL         ${deployment.testGel}

  Deployment record: ${deployment.directory}
  Accounts: #0 admin, #1 treasury, #2 settler, #3 franchise admin, #4 KYC officer,
            #5-#9 customers holding 10,000 tGEL each (keys: \`npx hardhat node\` prints them).

Press Ctrl-C to stop.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
