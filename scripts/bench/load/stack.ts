/**
 * The whole stack as `npm start` runs it (chain, deployment, Postgres, indexer, API), started in
 * a child process with its own ports, data directory and deployment record, so the load
 * generator and the server do not share an event loop, and nothing of a developer's `npm start`
 * (port 4000/8545, .data, deploy/deployments/chain-31337) is touched.
 *
 * Database: with DATABASE_URL set, a scratch database on that server (created here, dropped on
 * stop); without it, the child's embedded Postgres in the temporary data directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";

import { PROJECT_ROOT } from "../../../lib/config.ts";
import { freePort } from "../../../local/devchain/free-port.ts";

export interface Stack {
  readonly apiUrl: string;
  readonly rpcUrl: string;
  /** The Ignition record of the stack's deployment (deploy/deployments/<id>). */
  readonly deploymentDir: string;
  /** The database the API writes, for checks (same one the child uses). */
  readonly databaseUrl: string;
  /** "scratch database … on host" or "embedded Postgres on port …". */
  readonly databaseKind: string;
  readonly child: ChildProcess;
  /** The child's output so far (its last 64 kB). */
  output(): string;
  /** CPU seconds (user + system) the API process has used so far; undefined where /proc is missing. */
  cpuSeconds(): Promise<number | undefined>;
  /** Resolves with the child's exit code (or signal) if it exits, whoever stopped it. */
  readonly exited: Promise<string>;
  /** Stops the child (SIGTERM, then SIGKILL after 30 s) and removes what was created. Idempotent. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Extra environment for the child (e.g. RATE_LIMIT_PER_MINUTE). */
  readonly env?: Record<string, string>;
  /** The parent's DATABASE_URL, if any. */
  readonly databaseUrl?: string;
  /** How long to wait for GET /ready (default 10 min: the first run compiles the contracts). */
  readonly readyTimeoutMs?: number;
  readonly log?: (message: string) => void;
  /** Called at once with the cleanup, so that a Ctrl-C during startup can run it too. */
  readonly onCleanup?: (cleanup: () => Promise<void>) => void;
  /** Gives up waiting for the stack (the caller cleans up). */
  readonly signal?: AbortSignal;
}

/** Linux's USER_HZ: the unit of /proc/<pid>/stat's CPU times (100 on every common platform). */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime of process `pid` from /proc, in seconds; undefined without /proc. */
export async function processCpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 (utime, stime) of the whole line are 12 and 13 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_S : undefined;
}

const EMBEDDED = { user: "postgres", password: "hotpot-local", database: "hotpot" } as const;
const OUTPUT_LIMIT = 64 * 1024;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const undo: (() => Promise<void>)[] = [];
  const runUndo = async (): Promise<void> => {
    while (undo.length > 0)
      await undo
        .pop()?.()
        .catch((error: unknown) => {
          log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        });
  };
  // Each call runs what is left to undo (startup may add more after an early call), one at a time.
  let stopping: Promise<void> = Promise.resolve();
  const stop = (): Promise<void> => (stopping = stopping.then(runUndo));
  options.onCleanup?.(stop);

  try {
    const dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-bench-api-"));
    undo.push(() => rm(dataDir, { recursive: true, force: true }));
    // Running as root, the embedded Postgres runs as the postgres user, which must reach its data.
    await chmod(dataDir, 0o755);
    const deploymentId = `local-bench-api-${process.pid}`;
    const deploymentDir = path.join(PROJECT_ROOT, "deploy", "deployments", deploymentId);
    undo.push(() => rm(deploymentDir, { recursive: true, force: true }));
    const [port, rpcPort, pgPort, cardPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);

    let databaseUrl: string;
    let databaseKind: string;
    if (options.databaseUrl !== undefined && options.databaseUrl !== "") {
      const name = `hotpot_bench_api_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: options.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      undo.push(async () => {
        const dropper = new pg.Client({ connectionString: options.databaseUrl });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      });
      const url = new URL(options.databaseUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      databaseKind = `scratch database ${name} on ${url.host}`;
    } else {
      databaseUrl = `postgresql://${EMBEDDED.user}:${EMBEDDED.password}@127.0.0.1:${pgPort}/${EMBEDDED.database}`;
      databaseKind = `embedded Postgres on port ${pgPort} (DATABASE_URL unset)`;
    }

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      RPC_PORT: String(rpcPort),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      CARD_PROCESSOR_PORT: String(cardPort),
      DATA_DIR: dataDir,
      DEPLOYMENT_DIR: deploymentDir,
      LOG_LEVEL: process.env.BENCH_STACK_LOG_LEVEL ?? "warn",
      ...options.env,
    };
    delete env.RPC_URL;
    delete env.RPC_WS_URL;
    if (options.databaseUrl !== undefined && options.databaseUrl !== "") env.DATABASE_URL = databaseUrl;
    else delete env.DATABASE_URL;

    log(
      `Starting the stack (node scripts/start.ts): API on 127.0.0.1:${port}, chain on ${rpcPort}, ${databaseKind} ...`,
    );
    const child = spawn(process.execPath, ["scripts/start.ts"], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const exited = once(child, "exit").then(([code, signal]) => (code as number | null) ?? (signal as string | null));
    undo.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // scripts/start.ts stops its chain, indexer, API and embedded Postgres on SIGTERM.
      child.kill("SIGTERM");
      const timeout = delay(30_000).then(() => "timeout" as const);
      if ((await Promise.race([exited, timeout])) === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
    });

    const apiUrl = `http://127.0.0.1:${port}`;
    const deadline = performance.now() + (options.readyTimeoutMs ?? 600_000);
    for (;;) {
      options.signal?.throwIfAborted();
      if (child.exitCode !== null) throw new Error(`scripts/start.ts exited with ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${apiUrl}/ready`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (performance.now() > deadline) throw new Error(`the stack did not become ready:\n${output}`);
      await delay(250);
    }

    return {
      apiUrl,
      rpcUrl: `http://127.0.0.1:${rpcPort}`,
      deploymentDir,
      databaseUrl,
      databaseKind,
      child,
      output: () => output,
      exited: exited.then((how) => `exit ${String(how)}`),
      cpuSeconds: () => (child.pid === undefined ? Promise.resolve(undefined) : processCpuSeconds(child.pid)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
