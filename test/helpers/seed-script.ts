/** Runs `npm run seed` (scripts/seed.ts) as a user does: a child process against a running stack. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

import { PROJECT_ROOT } from "../../lib/config.ts";

export interface SeedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node scripts/seed.ts` with `env` added; asynchronous, since the stack may serve from this process. */
export async function runSeed(env: Record<string, string>): Promise<SeedRun> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "scripts", "seed.ts")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
