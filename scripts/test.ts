/**
 * `npm test`: the alert rules (promtool check rules and promtool's unit tests, Debian's `prometheus`
 * package), the contract and integration tests (hardhat test, with coverage and its bar), the unit
 * tests that live beside the code (node --test), the web app's component tests (Vitest, in web/) and
 * its browser tests (Playwright in Debian's Chromium against the stack `npm start` runs, e2e/), and
 * the security scan (Debian's sqlmap and wapiti, scripts/security-scan.ts). Database tests need a Postgres server: with DATABASE_URL
 * unset, one embedded Postgres is started for the whole run in a throwaway data directory.
 *
 *   node scripts/test.ts                 everything, with coverage
 *   node scripts/test.ts --no-coverage   (npm run test:fast) without coverage and its check
 */
import { spawn, type ChildProcess } from "node:child_process";
import { glob, mkdtemp, rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import path from "node:path";

import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded.ts";
import { hardhatCommand, PROJECT_ROOT } from "../local/devchain/hardhat-node.ts";
import { freePort } from "../local/devchain/free-port.ts";

const UNIT_TEST_GLOBS = [
  "lib/**/*.test.ts",
  "indexer/**/*.test.ts",
  "api/**/*.test.ts",
  "local/**/*.test.ts",
  "scripts/**/*.test.ts",
];
const PRISMA_CLI = path.join(PROJECT_ROOT, "node_modules", "prisma", "build", "index.js");
const VITEST_CLI = path.join(PROJECT_ROOT, "node_modules", "vitest", "vitest.mjs");
const PLAYWRIGHT_CLI = path.join(PROJECT_ROOT, "node_modules", "@playwright", "test", "cli.js");

const coverage = !process.argv.includes("--no-coverage");

let running: ChildProcess | undefined;
let interruption: NodeJS.Signals | undefined;

// Ctrl-C reaches the children (and Postgres) through the terminal's process group by itself; a signal sent
// to this process alone is passed on. Either way the run winds down and Postgres is stopped below.
function onSignal(signal: NodeJS.Signals): void {
  if (interruption !== undefined) {
    running?.kill("SIGKILL");
    return;
  }
  interruption = signal;
  console.error(`\n${signal}: stopping the tests`);
  running?.kill(signal);
}
const interrupted = (): boolean => interruption !== undefined;
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: "inherit", env });
    running = child;
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new Error(`${command} is not installed (promtool: \`apt-get install prometheus prometheus-alertmanager\`)`)
          : error,
      );
    });
    child.once("exit", (code, signal) => {
      running = undefined;
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

async function unitTestFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const file of glob(UNIT_TEST_GLOBS, { cwd: PROJECT_ROOT })) {
    if (!file.split(path.sep).includes("node_modules")) files.push(file);
  }
  return files.sort();
}

async function main(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let server: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  try {
    // The generated client is not committed; regenerate it so that it matches prisma/schema.prisma.
    const generated = await run(process.execPath, [PRISMA_CLI, "generate"], {
      ...env,
      // generate needs no schema engine, but the CLI downloads one at start unless told where it is.
      PRISMA_SCHEMA_ENGINE_BINARY: env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    });
    if (interrupted()) return 130;
    if (generated !== 0) return generated;

    if (env.DATABASE_URL === undefined || env.DATABASE_URL === "") {
      dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-test-postgres-"));
      const started = Date.now();
      server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "postgres", ephemeral: true });
      console.log(`Embedded Postgres for the tests on port ${server.port}, ready in ${Date.now() - started} ms\n`);
      env.DATABASE_URL = server.url;
    } else {
      console.log("Tests use the Postgres server in DATABASE_URL\n");
    }
    if (interrupted()) return 130;

    const steps: { command: string; args: readonly string[] }[] = [
      // Seconds, and the cheapest way to learn that an alert no longer fires.
      { command: "promtool", args: ["check", "rules", "monitoring/alerts.yml"] },
      { command: "promtool", args: ["test", "rules", "monitoring/tests/alerts.test.yml"] },
      hardhatCommand(coverage ? ["test", "--coverage"] : ["test"]),
    ];
    if (coverage) steps.push({ command: process.execPath, args: ["scripts/coverage-check.ts"] });
    const unitTests = await unitTestFiles();
    if (unitTests.length > 0) steps.push({ command: process.execPath, args: ["--test", ...unitTests] });
    // The web app's typed clients follow openapi.yaml and schema.graphql as they are now.
    steps.push({ command: process.execPath, args: ["web/scripts/generate.ts"] });
    steps.push({ command: process.execPath, args: [VITEST_CLI, "run", "--root", "web"] });
    steps.push({ command: process.execPath, args: [PLAYWRIGHT_CLI, "test"] });
    // Last, as the slowest: sqlmap and wapiti against a fresh stack (npm run security:scan), bounded in time.
    steps.push({ command: process.execPath, args: ["scripts/security-scan.ts", "--minutes", "6"] });

    for (const step of steps) {
      const code = await run(step.command, step.args, env);
      if (interrupted()) return code === 0 ? 130 : code;
      if (code !== 0) return code;
    }
    return 0;
  } finally {
    await server?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
