/**
 * Where the gas of one transaction goes, from a `debug_traceTransaction` struct-log trace:
 * intrinsic gas (base + calldata), then execution gas per contract and per kind of opcode
 * (SSTORE, SLOAD, LOG, call overhead, ...), then the refund. Used by gas.ts when
 * BENCH_GAS_BREAKDOWN=1; works against any provider that serves geth-style struct logs.
 */
import type { Address, Hex } from "viem";

import { fmt, table } from "./common.ts";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

interface Trace {
  gas: number;
  structLogs: StructLog[];
}

/** Anything with an EIP-1193 `request`, e.g. a Hardhat network connection's provider. */
export interface RequestProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

const CATEGORIES = [
  "SSTORE",
  "SLOAD",
  "LOG",
  "CALL & access",
  "KECCAK256",
  "TLOAD/TSTORE",
  "calldata & memory",
  "other compute",
] as const;
type Category = (typeof CATEGORIES)[number];

function categoryOf(op: string): Category {
  if (op === "SSTORE") return "SSTORE";
  if (op === "SLOAD") return "SLOAD";
  if (op.startsWith("LOG")) return "LOG";
  // Solidity checks EXTCODESIZE before a call that returns nothing: that is where the cold access is paid.
  if (["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE", "EXTCODESIZE", "EXTCODEHASH", "BALANCE"].includes(op))
    return "CALL & access";
  if (op === "KECCAK256" || op === "SHA3") return "KECCAK256";
  if (op === "TLOAD" || op === "TSTORE") return "TLOAD/TSTORE";
  if (
    [
      "CALLDATALOAD",
      "CALLDATACOPY",
      "CALLDATASIZE",
      "MLOAD",
      "MSTORE",
      "MSTORE8",
      "MCOPY",
      "RETURNDATACOPY",
      "RETURNDATASIZE",
      "CODECOPY",
      "RETURN",
      "REVERT",
    ].includes(op)
  ) {
    return "calldata & memory";
  }
  return "other compute";
}

const toNumber = (value: unknown): number => (typeof value === "string" ? Number(BigInt(value)) : Number(value));

/**
 * Gas of each step, excluding what nested frames used: for a call, the part the caller pays
 * (access, memory, stipend) is the drop in the caller's gas minus what the callee's steps used.
 */
function ownCosts(logs: readonly StructLog[]): number[] {
  const costs = new Array<number>(logs.length).fill(0);
  // Indices of call steps awaiting the caller's next step, with the running sum of their frames.
  const open: { index: number; inner: number }[] = [];
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i] as StructLog;
    const next = logs[i + 1];
    if (next !== undefined && next.depth === step.depth) costs[i] = step.gas - next.gas;
    else if (next !== undefined && next.depth > step.depth) open.push({ index: i, inner: 0 });
    else costs[i] = step.gasCost; // last step of a frame (or of the trace)
    const frame = open.at(-1);
    if (frame !== undefined && frame.index !== i) frame.inner += costs[i] ?? 0;
    // Back in a caller: settle every call frame that just closed.
    while (
      next !== undefined &&
      open.length > 0 &&
      next.depth <= (logs[(open.at(-1) as { index: number }).index] as StructLog).depth
    ) {
      const closed = open.pop() as { index: number; inner: number };
      const callStep = logs[closed.index] as StructLog;
      costs[closed.index] = callStep.gas - next.gas - closed.inner;
      const parent = open.at(-1);
      if (parent !== undefined) parent.inner += closed.inner + (costs[closed.index] ?? 0);
    }
  }
  return costs;
}

export async function gasBreakdown(
  provider: RequestProvider,
  hash: Hex,
  title: string,
  names: Readonly<Record<string, string>>,
): Promise<string> {
  const tx = (await provider.request({ method: "eth_getTransactionByHash", params: [hash] })) as {
    gas: string;
    to: Address;
    input: Hex;
  };
  const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
    gasUsed: string;
  };
  const trace = (await provider.request({
    method: "debug_traceTransaction",
    params: [hash, { disableMemory: true, disableStorage: true }],
  })) as Trace;
  const logs = trace.structLogs.map((log) => ({
    ...log,
    gas: toNumber(log.gas),
    gasCost: toNumber(log.gasCost),
    depth: toNumber(log.depth),
  }));
  const first = logs[0];
  if (first === undefined) throw new Error(`empty trace for ${hash}`);

  const gasUsed = toNumber(receipt.gasUsed);
  const intrinsic = toNumber(tx.gas) - first.gas;
  const costs = ownCosts(logs);

  // Contract of each frame: the callee address is the second stack item of a CALL/STATICCALL.
  const nameOf = (address: string): string => names[address.toLowerCase()] ?? address;
  const frames: string[] = [nameOf(tx.to)];
  const perContract = new Map<string, Map<Category, { gas: number; count: number }>>();
  let execution = 0;
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i] as StructLog;
    const contract = frames[step.depth - 1] ?? "?";
    const category = categoryOf(step.op);
    const byCategory = perContract.get(contract) ?? new Map<Category, { gas: number; count: number }>();
    perContract.set(contract, byCategory);
    const cell = byCategory.get(category) ?? { gas: 0, count: 0 };
    cell.gas += costs[i] ?? 0;
    cell.count += 1;
    byCategory.set(category, cell);
    execution += costs[i] ?? 0;
    const next = logs[i + 1];
    if (next !== undefined && next.depth > step.depth) {
      const target = step.stack?.at(-2);
      frames[next.depth - 1] =
        target === undefined ? "?" : nameOf(`0x${BigInt(target).toString(16).padStart(40, "0")}`);
    }
  }
  const refund = intrinsic + execution - gasUsed;

  const contracts = [...perContract.keys()];
  const cellText = (cell: { gas: number; count: number } | undefined): string =>
    cell === undefined || cell.count === 0 ? "" : `${fmt(cell.gas)} (${cell.count})`;
  const rows = contracts.map((contract) => {
    const byCategory = perContract.get(contract) as Map<Category, { gas: number; count: number }>;
    const total = [...byCategory.values()].reduce((sum, cell) => sum + cell.gas, 0);
    return [contract, ...CATEGORIES.map((category) => cellText(byCategory.get(category))), fmt(total)];
  });
  const totals = CATEGORIES.map((category) => {
    let gas = 0;
    let count = 0;
    for (const byCategory of perContract.values()) {
      gas += byCategory.get(category)?.gas ?? 0;
      count += byCategory.get(category)?.count ?? 0;
    }
    return cellText({ gas, count });
  });
  rows.push(["all contracts", ...totals, fmt(execution)]);

  const calldataBytes = (tx.input.length - 2) / 2;
  return [
    `${title}: gasUsed ${fmt(gasUsed)} = intrinsic ${fmt(intrinsic)} (21,000 base + ${fmt(intrinsic - 21_000)} for ${fmt(calldataBytes)} calldata bytes)` +
      ` + execution ${fmt(execution)} - refund ${fmt(refund)}`,
    "execution gas by contract and opcode kind, gas (opcode count); CALL & access = CALL/STATICCALL/EXTCODESIZE incl. cold account access, counted in the caller:",
    table(["contract", ...CATEGORIES, "total"], rows),
  ].join("\n");
}
