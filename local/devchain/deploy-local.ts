import { spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import path from "node:path";

import type { Address } from "viem";

import { readDeployment } from "../../lib/chain/deployment.ts";
import { hardhatCommand, PROJECT_ROOT } from "./hardhat-node.ts";

/** Addresses of a local deployment of the whole platform (module LocalHotPotSpot). */
export interface LocalDeployment {
  readonly chainId: number;
  readonly directory: string;
  readonly kycRegistry: Address;
  readonly hotPotToken: Address;
  readonly franchiseNFT: Address;
  readonly orderSettlement: Address;
  readonly testGel: Address;
}

const LOCAL_CHAIN_ID = 31337;

/**
 * Deploys deploy/modules/LocalHotPotSpot.ts to a local node with Hardhat Ignition and returns
 * the addresses from Ignition's deployment record, which the indexer reads too. A local node
 * starts empty, so the previous record of the same id is discarded first. Tests and benchmarks
 * pass their own node URL and deployment id so they never touch the record of `npm start`.
 */
export async function deployLocal(
  options: { quiet?: boolean; rpcUrl?: string; deploymentId?: string } = {},
): Promise<LocalDeployment> {
  const deploymentId = options.deploymentId ?? `chain-${LOCAL_CHAIN_ID}`;
  const directory = path.join(PROJECT_ROOT, "deploy", "deployments", deploymentId);
  await rm(directory, { recursive: true, force: true });

  const { command, args } = hardhatCommand([
    "ignition",
    "deploy",
    "deploy/modules/LocalHotPotSpot.ts",
    "--network",
    "localhost",
    "--deployment-id",
    deploymentId,
  ]);
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOCAL_RPC_URL: options.rpcUrl ?? "http://127.0.0.1:8545" },
    stdio: ["ignore", options.quiet === false ? "inherit" : "ignore", "inherit"],
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`ignition deploy failed with exit code ${code}`);

  return readLocalDeployment(directory);
}

const NAMES = ["KycRegistry", "HotPotToken", "FranchiseNFT", "OrderSettlement", "TestGEL"] as const;

/** A LocalDeployment from an existing Ignition record (deploy/deployments/<id>), e.g. the one `npm start` wrote. */
export async function readLocalDeployment(directory: string): Promise<LocalDeployment> {
  const record = await readDeployment(directory, NAMES);
  const addressOf = (name: (typeof NAMES)[number]): Address => {
    const contract = record.contracts.find((candidate) => candidate.name === name);
    if (contract === undefined) throw new Error(`${directory} does not deploy ${name}`);
    return contract.address;
  };
  return {
    chainId: record.chainId,
    directory,
    kycRegistry: addressOf("KycRegistry"),
    hotPotToken: addressOf("HotPotToken"),
    franchiseNFT: addressOf("FranchiseNFT"),
    orderSettlement: addressOf("OrderSettlement"),
    testGel: addressOf("TestGEL"),
  };
}
