/**
 * Playwright's global setup: the whole stack as `npm start` runs it (a child `node scripts/start.ts`:
 * local chain, embedded Postgres in a fresh data dir, indexer, relayer, local card processor, the
 * API serving the built web app), on free ports. Resolves once /ready answers; the function it
 * returns (the global teardown) stops it with Ctrl-C's signal and removes its data.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { PROJECT_ROOT } from "../lib/config.ts";
import { freePort } from "../local/devchain/free-port.ts";

export default async function startStack(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-e2e-"));
  // Running as root, the embedded Postgres runs as the postgres user, which must reach its data.
  await chmod(dataDir, 0o755);
  const deploymentDir = path.join(PROJECT_ROOT, "deploy", "deployments", `local-e2e-${process.pid}`);
  const [port, rpcPort, pgPort, cardPort, rtmpPort, flvPort] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    RPC_PORT: String(rpcPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    CARD_PROCESSOR_PORT: String(cardPort),
    STREAM_RTMP_PORT: String(rtmpPort),
    STREAM_HTTP_PORT: String(flvPort),
    DATA_DIR: dataDir,
    DEPLOYMENT_DIR: deploymentDir,
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  delete env.RPC_URL;
  delete env.SIWE_URI;
  delete env.SIWE_DOMAIN;

  const child = spawn(process.execPath, ["scripts/start.ts"], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill("SIGINT");
      await once(child, "exit");
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(deploymentDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${base}/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  process.env.E2E_BASE_URL = base;
  process.env.E2E_RPC_URL = `http://127.0.0.1:${rpcPort}`;
  process.env.E2E_DEPLOYMENT_DIR = deploymentDir;
  return stop;
}
