import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import {
  decodeEventLog,
  encodeAbiParameters,
  encodeEventTopics,
  getAddress,
  toHex,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
  type Log,
} from "viem";

import type { DeployedContract } from "../lib/chain/deployment.ts";
import { EventDecoder } from "./decode.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONTRACTS = ["KycRegistry", "HotPotToken", "FranchiseNFT", "OrderSettlement"] as const;

async function deployedContracts(): Promise<DeployedContract[]> {
  return Promise.all(
    CONTRACTS.map(async (name, i) => {
      const artifact = JSON.parse(
        await readFile(path.join(ROOT, "artifacts", "contracts", `${name}.sol`, `${name}.json`), "utf8"),
      ) as { abi: Abi };
      return {
        name,
        futureId: `${name}#${name}`,
        address: getAddress(`0x${String(i + 1).padStart(40, "0")}`),
        abi: artifact.abi,
        deployBlock: 1n,
      };
    }),
  );
}

/** A deterministic source of test values, extremes first. */
function valuesFor(seed: number) {
  let state = seed;
  const next = (): bigint => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return BigInt(state);
  };
  const bits = (count: number): bigint => {
    let value = 0n;
    for (let i = 0; i < count; i += 31) value = (value << 31n) | next();
    return value & ((1n << BigInt(count)) - 1n);
  };
  return (param: AbiParameter): unknown => {
    const integer = /^(u?)int(\d*)$/.exec(param.type);
    if (integer !== null) {
      const size = integer[2] === "" ? 256 : Number(integer[2]);
      const extreme = seed % 4;
      let value: bigint;
      if (integer[1] === "u") value = extreme === 0 ? 0n : extreme === 1 ? (1n << BigInt(size)) - 1n : bits(size);
      else {
        const half = 1n << BigInt(size - 1);
        value = extreme === 0 ? -half : extreme === 1 ? half - 1n : bits(size) - half;
      }
      return size > 48 ? value : Number(value);
    }
    if (param.type === "address") return getAddress(toHex(bits(160), { size: 20 }));
    if (param.type === "bool") return seed % 2 === 0;
    const fixed = /^bytes(\d+)$/.exec(param.type);
    if (fixed !== null) return toHex(bits(Number(fixed[1]) * 8), { size: Number(fixed[1]) });
    if (param.type === "string") return `ipfs://bafy${seed}/Ünïcode "quoted" \\ ${"x".repeat(seed % 70)}`;
    if (param.type === "bytes") return toHex(bits(8 * (1 + (seed % 40))), { size: 1 + (seed % 40) });
    throw new Error(`no test values for ${param.type}`);
  };
}

function logOf(address: Address, topics: Hex[], data: Hex): Log<bigint, number, false> {
  return {
    address,
    topics: topics as [Hex, ...Hex[]],
    data,
    blockNumber: 7n,
    blockHash: `0x${"ab".repeat(32)}`,
    logIndex: 3,
    transactionHash: `0x${"cd".repeat(32)}`,
    transactionIndex: 1,
    removed: false,
  };
}

/** The topics of `event` with these (indexed) arguments; none of ours has array or tuple topics. */
function topicsFor(event: AbiEvent, args: Record<string, unknown>): Hex[] {
  return encodeEventTopics({ abi: [event], eventName: event.name, args }) as Hex[];
}

/** What the decoder produced before it had a fast path: viem's args, addresses lower-cased. */
function viaViem(event: AbiEvent, log: Log<bigint, number, false>): Record<string, unknown> {
  const decoded = decodeEventLog({ abi: [event], data: log.data, topics: log.topics });
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(decoded.args as unknown as Record<string, unknown>)) {
    args[name] = typeof value === "string" && value.length === 42 ? value.toLowerCase() : value;
  }
  return args;
}

describe("EventDecoder", () => {
  it("decodes every event of the platform's contracts exactly as viem does", async () => {
    const contracts = await deployedContracts();
    const decoder = new EventDecoder(contracts);
    let checked = 0;
    for (const contract of contracts) {
      for (const event of contract.abi.filter((item): item is AbiEvent => item.type === "event")) {
        if (event.inputs.length === 0) continue;
        for (let seed = 0; seed < 12; seed++) {
          const value = valuesFor(seed * 7 + checked);
          const args = event.inputs.map((input) => value(input));
          const named = Object.fromEntries(event.inputs.map((input, i) => [input.name ?? "", args[i]]));
          const topics = topicsFor(event, named);
          const dataInputs = event.inputs.filter((input) => !(input as { indexed?: boolean }).indexed);
          const data = encodeAbiParameters(
            dataInputs,
            dataInputs.map((input) => named[input.name ?? ""]),
          );
          const log = logOf(contract.address, topics, data);
          const decoded = decoder.decode(log);
          assert.equal(decoded.eventName, event.name);
          assert.deepStrictEqual(decoded.args, viaViem(event, log), `${contract.name}.${event.name} seed ${seed}`);
          // Same key order too: the audit trail's JSON lists arguments as the ABI does.
          assert.deepEqual(Object.keys(decoded.args), Object.keys(viaViem(event, log)));
          checked++;
        }
      }
    }
    assert.ok(checked > 200, `only ${checked} logs checked`);
  });

  it("leaves logs it cannot decode plainly to viem, errors included", async () => {
    const contracts = await deployedContracts();
    const decoder = new EventDecoder(contracts);
    const token = contracts.find((contract) => contract.name === "HotPotToken") as DeployedContract;
    const transfer = token.abi.find(
      (item): item is AbiEvent => item.type === "event" && item.name === "Transfer",
    ) as AbiEvent;
    const topics = topicsFor(transfer, { from: `0x${"11".repeat(20)}`, to: `0x${"22".repeat(20)}` });
    const amount = encodeAbiParameters([{ type: "uint256" }], [5n]);

    // Data longer than the parameters: viem reads the first word.
    const long = logOf(token.address, topics, `${amount}${"00".repeat(32)}`);
    assert.deepStrictEqual(decoder.decode(long).args, viaViem(transfer, long));
    // Data too short: viem's error, not a wrong value.
    assert.throws(() => decoder.decode(logOf(token.address, topics, "0x1234")), /Data size/);
    // A topic missing: viem's error.
    assert.throws(() => decoder.decode(logOf(token.address, topics.slice(0, 2), amount)), /topics|Expected a topic/);
  });
});
