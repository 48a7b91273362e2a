import { readFile } from "node:fs/promises";
import path from "node:path";

import { getAddress, type Abi, type Address, type Hex } from "viem";

import { ConfigError } from "../errors.ts";

/** A deployed contract as its Hardhat Ignition record describes it. */
export interface DeployedContract {
  /** Solidity contract name (HotPotToken, OrderSettlement, ...). */
  readonly name: string;
  readonly futureId: string;
  readonly address: Address;
  readonly abi: Abi;
  readonly deployBlock: bigint;
}

export interface Deployment {
  readonly chainId: number;
  readonly directory: string;
  readonly contracts: readonly DeployedContract[];
  /** The first block of the deployment: nothing of ours exists before it. */
  readonly startBlock: bigint;
  readonly startBlockHash: Hex;
}

interface JournalConfirm {
  type: "TRANSACTION_CONFIRM";
  futureId: string;
  receipt: { blockNumber: number; blockHash: Hex; contractAddress?: string | null };
}

/**
 * Reads an Ignition deployment directory (`deploy/deployments/<id>`): addresses from
 * deployed_addresses.json, ABIs from artifacts/, deployment blocks from the journal.
 * `names` selects the contracts to return (by Solidity name); all when omitted.
 */
export async function readDeployment(directory: string, names?: readonly string[]): Promise<Deployment> {
  let journal: string;
  let addresses: Record<string, string>;
  try {
    journal = await readFile(path.join(directory, "journal.jsonl"), "utf8");
    addresses = JSON.parse(await readFile(path.join(directory, "deployed_addresses.json"), "utf8")) as Record<
      string,
      string
    >;
  } catch (error) {
    throw new ConfigError(`no Ignition deployment record in ${directory} (deploy first): ${(error as Error).message}`);
  }

  let chainId: number | undefined;
  const confirmations = new Map<string, JournalConfirm["receipt"]>();
  for (const line of journal.split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as {
      type: string;
      chainId?: number;
      futureId?: string;
      receipt?: JournalConfirm["receipt"];
    };
    if (entry.type === "DEPLOYMENT_INITIALIZE") chainId = entry.chainId;
    if (entry.type === "TRANSACTION_CONFIRM" && entry.receipt?.contractAddress && entry.futureId !== undefined) {
      confirmations.set(entry.futureId, entry.receipt);
    }
  }
  if (chainId === undefined) throw new ConfigError(`${directory}/journal.jsonl has no DEPLOYMENT_INITIALIZE entry`);

  const contracts: DeployedContract[] = [];
  for (const [futureId, address] of Object.entries(addresses)) {
    const artifact = JSON.parse(await readFile(path.join(directory, "artifacts", `${futureId}.json`), "utf8")) as {
      contractName: string;
      abi: Abi;
    };
    if (names !== undefined && !names.includes(artifact.contractName)) continue;
    const receipt = confirmations.get(futureId);
    if (receipt === undefined)
      throw new ConfigError(`${directory}: no confirmed deployment transaction for ${futureId}`);
    contracts.push({
      name: artifact.contractName,
      futureId,
      address: getAddress(address),
      abi: artifact.abi,
      deployBlock: BigInt(receipt.blockNumber),
    });
  }
  if (names !== undefined) {
    const missing = names.filter((name) => !contracts.some((contract) => contract.name === name));
    if (missing.length > 0) throw new ConfigError(`${directory} does not deploy ${missing.join(", ")}`);
  }

  const first = [...confirmations.values()].reduce((a, b) => (b.blockNumber < a.blockNumber ? b : a));
  return {
    chainId,
    directory,
    contracts,
    startBlock: BigInt(first.blockNumber),
    startBlockHash: first.blockHash,
  };
}
