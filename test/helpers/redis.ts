/**
 * A real Redis for a test: Debian's `redis-server` on a free loopback port, nothing persisted.
 * Tests never use a Redis the machine may already run (a user's machine has none).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";

import { freePort } from "./devchain.ts";

export const HAVE_REDIS_SERVER = spawnSync("redis-server", ["--version"]).error === undefined;

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedis(port?: number): Promise<TestRedis> {
  const listen = port ?? (await freePort());
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(listen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${listen}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await once(child, "exit");
    },
  };
}
