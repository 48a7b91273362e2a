import { decodeEventLog, toEventSelector, type Abi, type AbiEvent, type Address, type Hex, type Log } from "viem";

import type { DeployedContract } from "../lib/chain/deployment.ts";

/** A log of one of our contracts, decoded, with everything the audit trail keeps. */
export interface DecodedEvent {
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  readonly logIndex: number;
  readonly txHash: Hex;
  readonly txIndex: number;
  /** Lower-case address of the emitting contract. */
  readonly contract: string;
  readonly contractName: string;
  readonly eventName: string;
  /** Arguments by name: addresses lower-case, integers as bigint, bytes as hex. */
  readonly args: Readonly<Record<string, unknown>>;
  /** `order:<id>`, `account:<address>`, `restaurant:<id>`; handlers may add more. */
  readonly subjects: string[];
}

export class UnknownEventError extends Error {
  override readonly name = "UnknownEventError";
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

interface EventSpec {
  readonly contractName: string;
  readonly abiItem: AbiEvent;
  readonly abi: Abi;
  readonly addressArgs: readonly string[];
  readonly restaurantArgs: readonly string[];
}

/** Decodes logs of the deployment's contracts; built once, used for every log. */
export class EventDecoder {
  private readonly decoders = new Map<string, EventSpec>();

  constructor(contracts: readonly DeployedContract[]) {
    for (const contract of contracts) {
      for (const item of contract.abi) {
        if (item.type !== "event") continue;
        const addressArgs = item.inputs.filter((input) => input.type === "address").map((input) => input.name ?? "");
        // FranchiseNFT token ids are restaurant ids.
        const restaurantArgs = item.inputs
          .filter(
            (input) => input.name === "restaurantId" || (contract.name === "FranchiseNFT" && input.name === "tokenId"),
          )
          .map((input) => input.name ?? "");
        this.decoders.set(`${contract.address.toLowerCase()}:${toEventSelector(item)}`, {
          contractName: contract.name,
          abiItem: item,
          abi: [item],
          addressArgs,
          restaurantArgs,
        });
      }
    }
  }

  decode(log: Log<bigint, number, false>): DecodedEvent {
    const contract = log.address.toLowerCase();
    const topic0 = log.topics[0];
    const decoder = topic0 === undefined ? undefined : this.decoders.get(`${contract}:${topic0}`);
    if (decoder === undefined) {
      throw new UnknownEventError(
        `log ${log.logIndex} of block ${log.blockNumber} from ${contract} matches no ABI event`,
      );
    }
    const decoded = decodeEventLog({ abi: decoder.abi, data: log.data, topics: log.topics });
    const args: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(decoded.args as unknown as Record<string, unknown>)) {
      args[name] = typeof value === "string" && value.length === 42 ? value.toLowerCase() : value;
    }
    const subjects = new Set<string>();
    if (typeof args.orderId === "string") subjects.add(`order:${args.orderId}`);
    for (const name of decoder.restaurantArgs) subjects.add(`restaurant:${String(args[name])}`);
    for (const name of decoder.addressArgs) {
      const address = args[name] as Address;
      if (address !== ZERO_ADDRESS) subjects.add(`account:${address}`);
    }
    return {
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      logIndex: log.logIndex,
      txHash: log.transactionHash,
      txIndex: log.transactionIndex,
      contract,
      contractName: decoder.contractName,
      eventName: decoder.abiItem.name,
      args,
      subjects: [...subjects],
    };
  }
}

/** JSON for the audit trail: integers as decimal strings (uint256 does not fit a JSON number). */
export function argsToJson(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) out[name] = typeof value === "bigint" ? value.toString() : value;
  return out;
}
