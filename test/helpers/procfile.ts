/**
 * Runs a Procfile the way `heroku local` (foreman) does, plus Heroku's release phase: each line
 * `name: command` is one process type, started with `/bin/sh -c command` in the app's directory with
 * the app's config vars, web given PORT; when one process exits the others are stopped (SIGTERM,
 * then SIGKILL after a grace period, as Heroku does to dynos). `release`, which `heroku local`
 * skips, runs first to completion, as Heroku runs it before starting new dynos.
 *
 * Why not the npm `foreman` package: its last release (3.0.1) is from 2018 and it would start
 * `release` beside the other processes instead of before them; the semantics that matter here are
 * the few lines below.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";

export interface ProcfileProcess {
  readonly name: string;
  readonly command: string;
}

/** The process types of a Procfile, in order; blank lines and # comments are skipped. */
export function parseProcfile(text: string): ProcfileProcess[] {
  const processes: ProcfileProcess[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const match = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
    if (match === null) throw new Error(`not a Procfile line: ${line}`);
    processes.push({ name: match[1] ?? "", command: (match[2] ?? "").trim() });
  }
  return processes;
}

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The shell's exit, and whether anything of its process group had to be killed after the grace period. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly killed: boolean;
}

export interface Formation {
  readonly processes: readonly RunningProcess[];
  /** Every line every process printed, prefixed with its name, as foreman shows them. */
  output(): string;
  /** SIGTERM to every process group, SIGKILL to what still runs after `graceMs`; how each ended. */
  stop(graceMs?: number): Promise<Map<string, ProcessExit>>;
}

function startProcess(
  process_: ProcfileProcess,
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): RunningProcess {
  // A process group of its own: npm and node below the shell get the signals too.
  const child = spawn("/bin/sh", ["-c", process_.command], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const prefix = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") log(`${process_.name}: ${line}`);
  };
  child.stdout.on("data", prefix);
  child.stderr.on("data", prefix);
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { name: process_.name, child, exited };
}

/** Processes of the group still running (zombies waiting for a reaper are done). Linux's /proc. */
async function liveGroupMembers(pgid: number): Promise<number> {
  let live = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[2] === String(pgid) && fields[0] !== "Z") live++;
  }
  return live;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs `release` (when the Procfile has one) and fails when it does not exit 0; then starts every
 * other process type once. `env` is the app's config vars; PORT is given to web only, as on Heroku.
 */
export async function runProcfile(options: {
  readonly procfile: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly releaseTimeoutMs?: number;
}): Promise<Formation> {
  const types = parseProcfile(await readFile(options.procfile, "utf8"));
  let output = "";
  const log = (line: string): void => {
    output += `${line}\n`;
  };
  const envFor = (name: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...options.env, DYNO: `${name}.1` };
    if (name === "web") env.PORT = String(options.port);
    else delete env.PORT;
    return env;
  };

  const release = types.find((type) => type.name === "release");
  if (release !== undefined) {
    const running = startProcess(release, options.cwd, envFor("release"), log);
    const timeout = setTimeout(() => {
      signalGroup(running.child, "SIGKILL");
    }, options.releaseTimeoutMs ?? 60_000);
    const { code, signal } = await running.exited;
    clearTimeout(timeout);
    if (code !== 0) throw new Error(`release phase failed (code ${code}, signal ${signal}):\n${output}`);
  }

  const processes = types
    .filter((type) => type.name !== "release")
    .map((type) => startProcess(type, options.cwd, envFor(type.name), log));
  let stopping: Promise<Map<string, ProcessExit>> | undefined;
  const stop = (graceMs = 30_000): Promise<Map<string, ProcessExit>> => {
    stopping ??= (async () => {
      // Heroku signals every process of a dyno at once: npm and the node below it both get SIGTERM.
      for (const running of processes) signalGroup(running.child, "SIGTERM");
      const deadline = Date.now() + graceMs;
      const exits = await Promise.all(
        processes.map(async (running): Promise<ProcessExit> => {
          const { code, signal } = await running.exited;
          // npm may end before its node child has finished shutting down: wait for the whole group.
          while (running.child.pid !== undefined && (await liveGroupMembers(running.child.pid)) > 0) {
            if (Date.now() >= deadline) {
              signalGroup(running.child, "SIGKILL");
              return { code, signal, killed: true };
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return { code, signal, killed: false };
        }),
      );
      return new Map(
        processes.map((running, i) => [running.name, exits[i] ?? { code: null, signal: null, killed: true }]),
      );
    })();
    return stopping;
  };
  // foreman's rule: one process ending ends the formation.
  for (const running of processes) {
    void running.exited.then(({ code, signal }) => {
      if (stopping === undefined) log(`${running.name}: exited (code ${code}, signal ${signal}): stopping the others`);
      void stop();
    });
  }
  return { processes, output: () => output, stop };
}
