import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { toHex } from "viem";
import { english, generateMnemonic } from "viem/accounts";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { PROJECT_ROOT } from "../../lib/config.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../lib/db/embedded.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { freePort, startDevChain, type DevChain } from "../helpers/devchain.ts";
import { runProcfile, type Formation } from "../helpers/procfile.ts";
import { runSeed } from "../helpers/seed-script.ts";
import { runSmokeTests } from "../helpers/smoke.ts";
import { localAccount } from "../helpers/write-stack.ts";

const key = (): string => randomBytes(32).toString("base64");
const privateKey = (index: number): string => {
  const secret = localAccount(index).getHdKey().privateKey;
  assert.ok(secret !== null);
  return toHex(secret);
};

/**
 * The Procfile as Heroku runs it: the release phase, then web, indexer and relayer as separate
 * processes with Heroku's environment (PORT for web, DATABASE_URL, the config vars app.json marks
 * required, NODE_ENV=production), against a chain named by RPC_URL; then the smoke tests.
 */
describe("Procfile: release, then web + indexer + relayer, pass the smoke tests", () => {
  let chain: DevChain;
  let scratch: TestDatabase | undefined;
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl: string;
  let dataDir: string;
  let formation: Formation | undefined;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-procfile-"));
    await chmod(dataDir, 0o755);
    chain = await startDevChain();
    if (process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== "") {
      // A scratch database on the server, unmigrated: migrating it is the release phase's job.
      scratch = await createTestDatabase({ migrate: false });
      databaseUrl = scratch.url;
      await scratch.close();
    } else {
      embedded = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, "postgres"),
        port: await freePort(),
        database: "postgres",
        ephemeral: true,
      });
      databaseUrl = embedded.url;
    }
  });

  after(async () => {
    await formation?.stop(5_000);
    await scratch?.drop();
    await embedded?.stop();
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("test_procfile_releaseThenProcesses_passTheSmokeTests", { timeout: 240_000 }, async () => {
    const started = Date.now();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    // Heroku's environment: only what the platform and app.json give a dyno, nothing of this shell's
    // settings but PATH and HOME (npm needs them).
    const env: NodeJS.ProcessEnv = {
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      // Loopback only here; Heroku's value is 0.0.0.0 (app.json).
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATABASE_URL: databaseUrl,
      RPC_URL: chain.url,
      DEPLOYMENT_DIR: chain.addresses.directory,
      RELAYER_IN_PROCESS: "0",
      RELAYER_PRIVATE_KEY: privateKey(LOCAL_ACCOUNTS.settler),
      FRANCHISE_ADMIN_PRIVATE_KEY: privateKey(LOCAL_ACCOUNTS.franchiseAdmin),
      KYC_OFFICER_PRIVATE_KEY: privateKey(LOCAL_ACCOUNTS.kycOfficer),
      ADMIN_ADDRESSES: localAccount(LOCAL_ACCOUNTS.admin).address,
      CUSTODIAL_MNEMONIC: generateMnemonic(english),
      JWT_SECRET: randomBytes(32).toString("base64url"),
      METRICS_TOKEN: randomBytes(24).toString("base64url"),
      ENCRYPTION_KEY: key(),
      BLIND_INDEX_KEY: key(),
      // A dyno's ephemeral disk; no Stripe account here, so web runs the local card processor.
      DATA_DIR: dataDir,
      CARD_PROCESSOR_PORT: String(await freePort()),
      STREAM_MEDIA_SERVER: "off",
      INDEXER_POLL_INTERVAL_MS: "200",
    };

    formation = await runProcfile({ procfile: path.join(PROJECT_ROOT, "Procfile"), cwd: PROJECT_ROOT, env, port });
    const running = formation;
    assert.match(running.output(), /release: applied migrations: /);
    assert.deepEqual(
      running.processes.map((process_) => process_.name),
      ["web", "indexer", "relayer"],
    );

    const deadline = Date.now() + 90_000;
    for (;;) {
      const exited = running.processes.find((process_) => process_.child.exitCode !== null);
      assert.equal(exited, undefined, `a process exited:\n${running.output()}`);
      if ((await fetch(`${api}/health`).catch(() => undefined))?.status === 200) break;
      assert.ok(Date.now() < deadline, `web never became healthy:\n${running.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const seeded = await runSeed({ SEED_API_URL: api, RPC_URL: chain.url, DEPLOYMENT_DIR: chain.addresses.directory });
    assert.equal(seeded.code, 0, `npm run seed:\n${seeded.stdout}\n${seeded.stderr}\n${running.output()}`);
    // web only enqueues (RELAYER_IN_PROCESS=0): a settled order is the relayer process's work.
    const smoke = await runSmokeTests(api);
    assert.equal(smoke.code, 0, `${smoke.stdout}\n${smoke.stderr}\n${running.output()}`);
    assert.match(smoke.stdout, /settled in 0x[0-9a-f]{64}/);
    assert.match(running.output(), /relayer: .*relayer running/);
    assert.match(running.output(), /indexer: .*indexer running/);

    // Heroku stops a dyno with SIGTERM to every process in it: each shuts down within the grace period,
    // nothing is left to SIGKILL, and none fails (npm, signalled itself, may end by the same SIGTERM).
    const exits = await running.stop(20_000);
    for (const [name, exit] of exits) {
      assert.equal(exit.killed, false, `${name} still ran after the grace period:\n${running.output()}`);
      assert.ok(exit.code === 0 || exit.signal === "SIGTERM", `${name}: ${JSON.stringify(exit)}\n${running.output()}`);
    }
    formation = undefined;
    assert.ok(Date.now() - started < 240_000);
  });
});
