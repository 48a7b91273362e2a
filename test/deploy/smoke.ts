import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { PROJECT_ROOT } from "../../lib/config.ts";
import { freePort } from "../helpers/devchain.ts";
import { runSeed } from "../helpers/seed-script.ts";
import { runSmokeTests } from "../helpers/smoke.ts";

describe("scripts/smoke-tests.sh against the stack npm start runs", () => {
  let dataDir: string;
  let api: string;
  let rpc: string;
  let stack: ChildProcess | undefined;
  let output = "";
  const deploymentDir = path.join(PROJECT_ROOT, "deploy", "deployments", `local-test-smoke-${process.pid}`);

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-smoke-"));
    // Running as root, the embedded Postgres runs as the postgres user, which must reach its data.
    await chmod(dataDir, 0o755);
    const [port, rpcPort, pgPort, cardPort, rtmpPort, flvPort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    api = `http://127.0.0.1:${port}`;
    rpc = `http://127.0.0.1:${rpcPort}`;
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
    const child = spawn(process.execPath, ["scripts/start.ts"], { cwd: PROJECT_ROOT, env, stdio: "pipe" });
    stack = child;
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if ((await fetch(`${api}/health`).catch(() => undefined))?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`npm start did not become healthy:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  after(async () => {
    if (stack !== undefined && stack.exitCode === null) {
      stack.kill("SIGINT");
      await once(stack, "exit");
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(deploymentDir, { recursive: true, force: true });
  });

  it("test_smoke_nothingListens_failsNamingTheStepAndTheUrl", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runSmokeTests(closed);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /FAILED at "GET \/health.*no answer/);
    assert.ok(run.stderr.includes(closed), run.stderr);
  });

  it("test_smoke_noRestaurantYet_failsAtTheRestaurantsStep", { timeout: 60_000 }, async () => {
    const run = await runSmokeTests(api);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /smoke: GET \/health/);
    assert.match(run.stderr, /FAILED at "GET \/api\/v1\/restaurants: an active restaurant"/);
  });

  it("test_smoke_seededStack_ordersPaysByCardAndSeesItSettled", { timeout: 300_000 }, async () => {
    const seeded = await runSeed({ SEED_API_URL: api, RPC_URL: rpc, DEPLOYMENT_DIR: deploymentDir });
    assert.equal(seeded.code, 0, `npm run seed:\n${seeded.stdout}\n${seeded.stderr}`);
    const run = await runSmokeTests(api);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}\n${output}`);
    assert.match(run.stdout, /order [0-9a-f-]{36} settled in 0x[0-9a-f]{64}/);
    assert.match(run.stdout, /all checks passed/);

    // Read-only, as after a production deploy: no order is placed.
    const readOnly = await runSmokeTests(api, { SMOKE_ORDER: "0" });
    assert.equal(readOnly.code, 0, readOnly.stdout + readOnly.stderr);
    assert.doesNotMatch(readOnly.stdout, /auth\/custodial/);
  });
});
