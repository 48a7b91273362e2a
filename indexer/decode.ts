import {
  decodeEventLog,
  toEventSelector,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
  type Log,
  zeroAddress,
} from "viem";

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

/** Marks a word the fast path does not decode the way viem would (viem then decodes the log). */
const NOT_FAST = Symbol("not fast");

/** Decodes one 32-byte ABI word (64 hex digits, no 0x) of a static type. */
type WordDecoder = (word: string) => unknown;

interface FastLayout {
  readonly topics: readonly { readonly name: string; readonly decode: WordDecoder }[];
  readonly data: readonly { readonly name: string; readonly decode: WordDecoder }[];
}

interface EventSpec {
  readonly contractName: string;
  readonly abiItem: AbiEvent;
  readonly abi: Abi;
  readonly addressArgs: readonly string[];
  readonly restaurantArgs: readonly string[];
  /** For events whose parameters are all named and static; null: viem decodes them. */
  readonly fast: FastLayout | null;
}

const TWO_256 = 1n << 256n;
const TWO_255 = 1n << 255n;

/**
 * What viem's decodeAbiParameters returns for a static type, without its per-word byte arrays
 * and address checksums (a keccak per address, lower-cased again right after): the indexer's
 * hottest loop during a backfill. Anything viem would reject or treat differently yields NOT_FAST.
 */
function wordDecoder(type: string): WordDecoder | null {
  if (type === "address") return (word) => `0x${word.slice(24)}`.toLowerCase();
  if (type === "bool") {
    return (word) => {
      if (/^0{63}[01]$/.test(word)) return word.endsWith("1");
      return NOT_FAST;
    };
  }
  const bytes = /^bytes([1-9]|[12][0-9]|3[0-2])$/.exec(type);
  if (bytes !== null) {
    const length = Number(bytes[1]) * 2;
    return (word) => `0x${word.slice(0, length)}`.toLowerCase();
  }
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer !== null) {
    const signed = integer[1] === "";
    const bits = integer[2] === "" || integer[2] === undefined ? 256 : Number(integer[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) return null;
    return (word) => {
      let value = BigInt(`0x${word}`);
      if (signed && value >= TWO_255) value -= TWO_256;
      if (bits > 48) return value;
      // viem returns a number for 48 bits and less, and throws past the safe range.
      const number = Number(value);
      return Number.isSafeInteger(number) ? number : NOT_FAST;
    };
  }
  return null;
}

function fastLayout(event: AbiEvent): FastLayout | null {
  // viem returns no args object for events without inputs, and an array for unnamed ones.
  if (event.inputs.length === 0 || event.anonymous === true) return null;
  const topics: { name: string; decode: WordDecoder }[] = [];
  const data: { name: string; decode: WordDecoder }[] = [];
  for (const input of event.inputs as readonly (AbiParameter & { indexed?: boolean })[]) {
    const decode = wordDecoder(input.type);
    if (decode === null || input.name === undefined || input.name === "") return null;
    (input.indexed === true ? topics : data).push({ name: input.name, decode });
  }
  return { topics, data };
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
          fast: fastLayout(item),
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
    const fast = decoder.fast === null ? null : decodeFast(decoder.fast, log);
    const decodedArgs =
      fast ??
      (decodeEventLog({ abi: decoder.abi, data: log.data, topics: log.topics }).args as unknown as Record<
        string,
        unknown
      >);
    const args: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(decodedArgs)) {
      args[name] = typeof value === "string" && value.length === 42 ? value.toLowerCase() : value;
    }
    const subjects = new Set<string>();
    if (typeof args.orderId === "string") subjects.add(`order:${args.orderId}`);
    for (const name of decoder.restaurantArgs) subjects.add(`restaurant:${String(args[name])}`);
    for (const name of decoder.addressArgs) {
      const address = args[name] as Address;
      if (address !== zeroAddress) subjects.add(`account:${address}`);
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

/** The args as viem would decode them, or null when the log's shape is not the plain one (viem then decides). */
function decodeFast(layout: FastLayout, log: Log<bigint, number, false>): Record<string, unknown> | null {
  const { topics, data } = layout;
  if (log.topics.length !== topics.length + 1) return null;
  if (data.length > 0 && log.data.length !== 2 + 64 * data.length) return null;
  const args: Record<string, unknown> = {};
  for (let i = 0; i < topics.length; i++) {
    const { name, decode } = topics[i] as FastLayout["topics"][number];
    const value = decode((log.topics[i + 1] as Hex).slice(2));
    if (value === NOT_FAST) return null;
    args[name] = value;
  }
  for (let i = 0; i < data.length; i++) {
    const { name, decode } = data[i] as FastLayout["data"][number];
    const value = decode(log.data.slice(2 + 64 * i, 66 + 64 * i));
    if (value === NOT_FAST) return null;
    args[name] = value;
  }
  return args;
}

/** JSON for the audit trail: integers as decimal strings (uint256 does not fit a JSON number). */
export function argsToJson(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) out[name] = typeof value === "bigint" ? value.toString() : value;
  return out;
}
