/** Runs scripts/smoke-tests.sh as the deploy workflow does: a child process against a base URL. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

import { PROJECT_ROOT } from "../../lib/config.ts";

export interface SmokeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const SMOKE_SCRIPT = path.join(PROJECT_ROOT, "scripts", "smoke-tests.sh");

/** `env` is added to this process's; node on PATH is this process's (Node 24), as npm scripts have it. */
export async function runSmokeTests(baseUrl: string, env: Record<string, string> = {}): Promise<SmokeRun> {
  const child = spawn("bash", [SMOKE_SCRIPT, baseUrl], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
