import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A `hardhat node` child process serving JSON-RPC on loopback. */
export interface HardhatNode {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const HARDHAT_CLI = path.join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const EXIT_WITH_PARENT = pathToFileURL(path.join(PROJECT_ROOT, "local", "devchain", "exit-with-parent.ts")).href;

/** Runs the project's Hardhat CLI with this process's Node (which is Node 24 under npm scripts). */
export function hardhatCommand(args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [HARDHAT_CLI, ...args] };
}

/** Whether `url` answers JSON-RPC (eth_chainId). */
export async function rpcAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts `hardhat node` on 127.0.0.1:`port` and resolves once it answers JSON-RPC.
 * Fails fast when the port is already served, rather than silently talking to a stranger's chain.
 */
export async function startHardhatNode(
  port: number,
  options: {
    quiet?: boolean;
    env?: NodeJS.ProcessEnv;
    /**
     * Its own process group, so that a terminal's Ctrl-C reaches only the caller, which can then
     * finish its work with the node before stopping it. The node is still killed when the caller exits.
     */
    ownProcessGroup?: boolean;
  } = {},
): Promise<HardhatNode> {
  const url = `http://127.0.0.1:${port}`;
  if (await rpcAnswers(url)) {
    throw new Error(`Port ${port} already serves JSON-RPC; stop that node or choose another port`);
  }
  const { command, args } = hardhatCommand(["node", "--hostname", "127.0.0.1", "--port", String(port)]);
  const ownGroup = options.ownProcessGroup === true;
  const child = spawn(command, ownGroup ? ["--import", EXIT_WITH_PARENT, ...args] : args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    detached: ownGroup,
    // In its own group the node learns of the parent's death through its stdin (exit-with-parent.ts).
    stdio: [ownGroup ? "pipe" : "ignore", options.quiet === false ? "inherit" : "ignore", "inherit"],
  });
  const exited = once(child, "exit");
  if (ownGroup) {
    process.once("exit", () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    });
  }

  const deadline = Date.now() + 120_000;
  while (!(await rpcAnswers(url))) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with code ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("hardhat node did not answer within 120 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    process: child,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
