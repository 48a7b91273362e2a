/**
 * `npm run bench:api [-- --quick]`: how the REST API takes the seed's order load.
 *
 * Target: by default the whole stack as `npm start` runs it (local hardhat node, deployment,
 * Postgres, indexer, API), started in a CHILD process (scripts/bench/load/stack.ts) with its own
 * ports, DATA_DIR and deployment record, so the load generator (this process) and the server do
 * not share an event loop. Database: a scratch database on DATABASE_URL's server, dropped
 * afterwards, or the child's embedded Postgres in a temporary directory when DATABASE_URL is
 * unset. Rate limits are raised for the run (RATE_LIMIT_PER_MINUTE, RATE_LIMIT_ANONYMOUS_PER_MINUTE),
 * tokens outlive it (JWT_TTL_SECONDS); the child logs at BENCH_STACK_LOG_LEVEL (warn), its output
 * is shown only when the run fails. With BENCH_API_URL set, a running server is targeted instead
 * (see "Against a running server" below).
 *
 * Setup: the admin (BENCH_ADMIN_KEY, default Hardhat account #0) signs in with SIWE; the KYC
 * officer (account #4) attests the franchisee (account #10) on chain; the admin registers a
 * restaurant, waits until it is active (relayer + indexer) and adds two menu items; then every
 * virtual user signs in once with its own fresh wallet (nonce, EIP-4361 message, signature).
 *
 *  1. seed scenario (the seed plan's k6 script, shortened): virtual users ramp 0 → BENCH_VUS (200)
 *     over BENCH_RAMP_S (20 s), hold for BENCH_HOLD_S (60 s), ramp down over BENCH_DOWN_S (5 s);
 *     each loops POST /api/v1/orders with the seed's body and its own token, expects 201, sleeps
 *     BENCH_THINK_MS (1,000 ms). Keep-alive node:http client; every request timed with
 *     process.hrtime.bigint(). Targets: p99 <= 50 ms, no errors.
 *  2. capacity: autocannon, BENCH_CONNECTIONS (50) connections back to back for BENCH_CAPACITY_S
 *     (20 s), the same order bodies rotating over every virtual user's token. Targets: >= 1,000
 *     orders (201) per second, p99 <= 150 ms.
 *  3. no lost orders: every 201 answer is a `customer_order` row of the bench's customers (counted
 *     in the database); at most one more row per capacity connection, for the requests autocannon
 *     drops unanswered when its time is up.
 *
 * `--quick`: 20 users, 5 s ramp, 5 s hold, 2 s ramp-down, 5 s capacity (a smoke run).
 *
 * Against a running server (BENCH_API_URL=http://host:port): the bench needs the admin's key
 * (BENCH_ADMIN_KEY), the chain to attest the franchisee on (BENCH_RPC_URL, default
 * http://127.0.0.1:8545; BENCH_DEPLOYMENT_DIR, default deploy/deployments/chain-31337;
 * BENCH_KYC_KEY, default Hardhat account #4) and, to verify the order count, the server's
 * database (BENCH_DATABASE_URL; without it the check is skipped). Its rate limits apply.
 * BENCH_SERVER_PID (a process on this machine) adds the server's CPU use to the report.
 *
 * Prints a table, then as its very last line one JSON object with every figure. Exits 0 when a
 * target is missed, non-zero on errors (including lost orders); cleans up on success, error and
 * Ctrl-C.
 */
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import pg from "pg";
import { createPublicClient, createWalletClient, http, type Hex, type LocalAccount } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

import { PROJECT_ROOT } from "../../lib/config.ts";
import { readLocalDeployment } from "../../local/devchain/deploy-local.ts";
import { loadLocalContracts } from "../../local/simulation/contracts.ts";
import { ACCOUNT, FRANCHISEE_KYC_LEVEL, fmt, id32, table } from "./common.ts";
import { runCapacity, type CapacityResult } from "./load/capacity.ts";
import { createHttpClient, HttpStatusError, type HttpClient } from "./load/http-client.ts";
import {
  addMenuItem,
  API_PREFIX,
  inParallel,
  registerRestaurant,
  seedOrderBody,
  signInWithWallet,
  waitUntilActive,
  type RestaurantJson,
  type Session,
} from "./load/hotpot.ts";
import { processCpuSeconds, startStack, type Stack } from "./load/stack.ts";
import { rampHoldDown } from "./load/stages.ts";
import { Counter, LatencyRecorder, type LatencySummary } from "./load/stats.ts";
import { runVus } from "./load/vus.ts";

// ─── Settings ───────────────────────────────────────────────────────────────────────────────
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    vus: { type: "string" },
    "ramp-s": { type: "string" },
    "hold-s": { type: "string" },
    "down-s": { type: "string" },
    "capacity-s": { type: "string" },
    connections: { type: "string" },
  },
});

function intFrom(name: string, raw: string | undefined, fallback: number, min = 1): number {
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

const quick = args.quick;
const env = process.env;
const SETTINGS = {
  vus: intFrom("--vus / BENCH_VUS", args.vus ?? env.BENCH_VUS, quick ? 20 : 200),
  rampS: intFrom("--ramp-s / BENCH_RAMP_S", args["ramp-s"] ?? env.BENCH_RAMP_S, quick ? 5 : 20, 0),
  holdS: intFrom("--hold-s / BENCH_HOLD_S", args["hold-s"] ?? env.BENCH_HOLD_S, quick ? 5 : 60, 0),
  downS: intFrom("--down-s / BENCH_DOWN_S", args["down-s"] ?? env.BENCH_DOWN_S, quick ? 2 : 5, 0),
  thinkMs: intFrom("BENCH_THINK_MS", env.BENCH_THINK_MS, 1_000, 0),
  capacityS: intFrom("--capacity-s / BENCH_CAPACITY_S", args["capacity-s"] ?? env.BENCH_CAPACITY_S, quick ? 5 : 20, 0),
  connections: intFrom("--connections / BENCH_CONNECTIONS", args.connections ?? env.BENCH_CONNECTIONS, 50),
  /** Concurrent sign-ins while preparing the users. */
  signInConcurrency: intFrom("BENCH_SIGNIN_CONCURRENCY", env.BENCH_SIGNIN_CONCURRENCY, 8),
} as const;
const TARGETS = { seed_p99_ms: 50, seed_errors: 0, capacity_orders_per_s: 1_000, capacity_p99_ms: 150 } as const;

/** Hardhat's default test mnemonic: the local chain's accounts #0-#19. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const hardhatAccount = (index: number): LocalAccount => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
const accountFromKey = (name: string, key: string | undefined, fallbackIndex: number): LocalAccount => {
  if (key === undefined || key === "") return hardhatAccount(fallbackIndex);
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error(`${name} must be a 0x-prefixed 32-byte hex private key`);
  return privateKeyToAccount(key as Hex);
};
const REMOTE_URL = env.BENCH_API_URL === "" ? undefined : env.BENCH_API_URL;
/** Raised for the bench's own stack: the bench measures the API, not its rate limiter. */
const BENCH_RATE_LIMIT = "100000000";

// ─── Cleanup, whatever happens ──────────────────────────────────────────────────────────────
const cleanups: (() => Promise<void>)[] = [];
const abort = new AbortController();
/** Read through a call: a signal handler sets it while main() awaits, which narrowing cannot see. */
const aborted = (): boolean => abort.signal.aborted;
const run = { stopping: false, reported: false };
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0)
    await cleanups
      .pop()?.()
      .catch((error: unknown) => {
        console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (run.stopping) return;
    run.stopping = true;
    abort.abort();
    console.error(`\n${signal}: cleaning up ...`);
    void cleanUp().finally(() => process.exit(130));
  });
}
/** Why the run was cut short, when the stack stopped under it. */
const failure: { stackExited?: string } = {};
/** Throws when the stack stopped under the run (read through a call: set from an event handler). */
const assertStackAlive = (): void => {
  if (failure.stackExited !== undefined) throw new Error(failure.stackExited);
};
/** The child stack, once started: its output helps explain a failure. */
const started: { stack?: Stack } = {};
const say = (message: string): void => {
  if (!run.reported) console.log(message);
  else console.error(message);
};

// ─── Setup ──────────────────────────────────────────────────────────────────────────────────
interface Target {
  readonly apiUrl: string;
  readonly rpcUrl: string;
  readonly deploymentDir: string;
  /** Where `customer_order` can be counted; undefined: not checked. */
  readonly databaseUrl: string | undefined;
  readonly description: string;
  readonly stack: Stack | undefined;
  /** The API server's process on this machine, for its CPU time (BENCH_SERVER_PID when remote). */
  readonly serverPid: number | undefined;
}

async function openTarget(): Promise<Target> {
  if (REMOTE_URL !== undefined) {
    const databaseUrl = env.BENCH_DATABASE_URL === "" ? undefined : env.BENCH_DATABASE_URL;
    return {
      apiUrl: REMOTE_URL.replace(/\/$/, ""),
      rpcUrl: env.BENCH_RPC_URL ?? "http://127.0.0.1:8545",
      deploymentDir: path.resolve(
        PROJECT_ROOT,
        env.BENCH_DEPLOYMENT_DIR ?? path.join("deploy", "deployments", "chain-31337"),
      ),
      databaseUrl,
      description: `the running server at ${REMOTE_URL} (BENCH_API_URL; its own rate limits apply)`,
      stack: undefined,
      serverPid:
        env.BENCH_SERVER_PID === undefined || env.BENCH_SERVER_PID === ""
          ? undefined
          : intFrom("BENCH_SERVER_PID", env.BENCH_SERVER_PID, 1),
    };
  }
  const stack = await startStack({
    databaseUrl: env.DATABASE_URL,
    env: {
      RATE_LIMIT_PER_MINUTE: BENCH_RATE_LIMIT,
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: BENCH_RATE_LIMIT,
      // Tokens must outlive the run (the default is 15 minutes).
      JWT_TTL_SECONDS: "86400",
    },
    log: say,
    signal: abort.signal,
    onCleanup: (cleanup) => cleanups.push(cleanup),
  });
  started.stack = stack;
  // The stack stopping during the run is an error: end the run at once rather than count refusals.
  void stack.exited.then((how) => {
    if (run.stopping) return;
    failure.stackExited = `the stack (scripts/start.ts) stopped during the run (${how})`;
    console.error(`\n${failure.stackExited}; its last output:\n${stack.output().slice(-4_000)}`);
    abort.abort();
  });
  return {
    apiUrl: stack.apiUrl,
    rpcUrl: stack.rpcUrl,
    deploymentDir: stack.deploymentDir,
    databaseUrl: stack.databaseUrl,
    description: `npm start's stack in a child process (pid ${stack.child.pid}; ${stack.databaseKind})`,
    stack,
    serverPid: stack.child.pid,
  };
}

/** The KYC officer attests `owner` on chain (level 2, a year), as the franchise NFT requires. */
async function attestOwner(target: Target, owner: `0x${string}`): Promise<void> {
  const contracts = await loadLocalContracts(await readLocalDeployment(target.deploymentDir));
  const officer = accountFromKey("BENCH_KYC_KEY", env.BENCH_KYC_KEY, ACCOUNT.kycOfficer);
  const transport = http(target.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ account: officer, transport });
  const latest = await publicClient.getBlock();
  const hash = await wallet.writeContract({
    chain: null,
    address: contracts.kycRegistry.address,
    abi: contracts.kycRegistry.abi,
    functionName: "attest",
    args: [owner, FRANCHISEE_KYC_LEVEL, latest.timestamp + 365n * 86_400n, id32(`kyc-evidence:${owner}`)],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`KycRegistry.attest(${owner}) reverted`);
}

interface Prepared {
  readonly restaurant: RestaurantJson;
  readonly itemIds: readonly string[];
  readonly users: readonly Session[];
  /** Per user: the seed's order body, serialised once. */
  readonly bodies: readonly string[];
  readonly signIn: LatencySummary;
  readonly activationS: number;
}

async function prepare(client: HttpClient, target: Target): Promise<Prepared> {
  const adminAccount = accountFromKey("BENCH_ADMIN_KEY", env.BENCH_ADMIN_KEY, ACCOUNT.admin);
  const admin = await signInWithWallet(client, adminAccount);
  if (!admin.roles.includes("admin"))
    throw new Error(`${adminAccount.address} signed in without the admin role; is it in the server's admin list?`);

  const owner = hardhatAccount(ACCOUNT.firstFranchisee).address;
  say(`Attesting the franchisee ${owner} (KYC level ${FRANCHISEE_KYC_LEVEL}) on ${target.rpcUrl} ...`);
  await attestOwner(target, owner);

  say("Registering a restaurant (POST /api/v1/restaurants) and waiting until it is active ...");
  const activationStarted = performance.now();
  // The API checks the owner's KYC in the mirror: the indexer may need a moment to see the attestation.
  let registered: RestaurantJson | undefined;
  for (let attempt = 0; registered === undefined; attempt++) {
    try {
      registered = await registerRestaurant(client, admin, {
        name: `Bench Hot Pot ${new Date().toISOString()}`,
        location: "Tbilisi, Rustaveli Ave 1",
        owner,
        feeBps: 1_000,
      });
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 409 && attempt < 100)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const restaurant = await waitUntilActive(client, registered.id, 120_000);
  const activationS = (performance.now() - activationStarted) / 1_000;
  const items = [
    await addMenuItem(client, admin, restaurant.id, {
      name: "Hot Pot",
      description: "Spicy Sichuan broth",
      price: "25.00",
    }),
    await addMenuItem(client, admin, restaurant.id, {
      name: "Beef Platter",
      description: "Thin-sliced beef",
      price: "18.50",
    }),
  ];
  const itemIds = items.map((item) => item.id);

  say(`Signing in ${fmt(SETTINGS.vus)} virtual users with their own wallets (SIWE) ...`);
  const signInTimes = new LatencyRecorder();
  const users = await inParallel(SETTINGS.vus, SETTINGS.signInConcurrency, async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const started = process.hrtime.bigint();
    const session = await signInWithWallet(client, wallet);
    signInTimes.recordSince(started);
    return session;
  });
  const bodies = users.map((user) => JSON.stringify(seedOrderBody(restaurant.id, itemIds, user.userId)));
  return { restaurant, itemIds, users, bodies, signIn: signInTimes.summary(), activationS };
}

// ─── Runs ───────────────────────────────────────────────────────────────────────────────────
interface SeedResult {
  readonly requests: number;
  readonly created: number;
  readonly statuses: Record<string, number>;
  readonly non2xx: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly latency: LatencySummary;
  readonly elapsedS: number;
  readonly peakVus: number;
  readonly rps: number;
  readonly generatorCpuPct: number;
}

const ORDERS_PATH = `${API_PREFIX}/orders`;

async function seedScenario(apiUrl: string, prepared: Prepared): Promise<SeedResult> {
  // One keep-alive pool for every user; idle connections close before the server's 5 s keep-alive timeout.
  const client = createHttpClient(apiUrl, { timeoutMs: 30_000 });
  const latency = new LatencyRecorder();
  const statuses = new Counter();
  const errorKinds = new Counter();
  const stages = rampHoldDown(SETTINGS.vus, SETTINGS.rampS, SETTINGS.holdS, SETTINGS.downS);
  const headers = prepared.users.map((user) => ({
    authorization: `Bearer ${user.token}`,
    "content-type": "application/json",
  }));
  const cpuBefore = process.cpuUsage();
  let lastReport = 0;
  const result = await runVus({
    stages,
    thinkTimeMs: SETTINGS.thinkMs,
    signal: abort.signal,
    iteration: async (vu) => {
      const started = process.hrtime.bigint();
      try {
        const response = await client.request("POST", ORDERS_PATH, prepared.bodies[vu], headers[vu]);
        latency.recordSince(started);
        statuses.add(response.status);
        if (response.status !== 201 && statuses.get(response.status) === 1)
          say(`  first HTTP ${response.status}: ${response.body.slice(0, 300)}`);
      } catch (error) {
        const kind = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        errorKinds.add(kind);
        if (errorKinds.get(kind) === 1) say(`  first error ${kind}`);
      }
    },
    onTick: (elapsedS, running) => {
      if (elapsedS - lastReport >= 10) {
        lastReport = elapsedS;
        say(`  ${fmt(elapsedS)} s: ${running} users, ${fmt(latency.count)} responses`);
      }
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  client.close();
  const counts = statuses.toObject();
  let non2xx = 0;
  for (const [status, count] of Object.entries(counts)) if (!status.startsWith("2")) non2xx += count;
  const errors = errorKinds.total;
  return {
    requests: latency.count + errors,
    created: statuses.get(201),
    statuses: counts,
    non2xx,
    errors,
    errorKinds: errorKinds.toObject(),
    latency: latency.summary(),
    elapsedS: result.elapsedS,
    peakVus: result.peakVus,
    rps: latency.count / result.elapsedS,
    generatorCpuPct: ((cpu.user + cpu.system) / 1_000 / (result.elapsedS * 1_000)) * 100,
  };
}

async function capacityRun(apiUrl: string, prepared: Prepared): Promise<CapacityResult & { cpuPct: number }> {
  const requests = prepared.users.map((user, i) => ({
    method: "POST" as const,
    path: ORDERS_PATH,
    headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
    body: prepared.bodies[i] ?? "",
  }));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await runCapacity({
    url: apiUrl,
    connections: SETTINGS.connections,
    durationS: SETTINGS.capacityS,
    signal: abort.signal,
    nextRequest: (i) => {
      const request = requests[i % requests.length];
      if (request === undefined) throw new Error("no users to send orders as");
      return request;
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  return { ...result, cpuPct: ((cpu.user + cpu.system) / 1_000 / wallMs) * 100 };
}

async function countOrders(databaseUrl: string, users: readonly Session[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "SELECT count(*) FROM customer_order WHERE customer_id = ANY($1::uuid[])",
      [users.map((user) => user.userId)],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

/** Runs `work`, also returning the server process's CPU use meanwhile, in % of one core (undefined: unknown). */
async function withServerCpu<T>(
  pid: number | undefined,
  work: () => Promise<T>,
): Promise<{ result: T; serverCpuPct: number | undefined }> {
  const before = pid === undefined ? undefined : await processCpuSeconds(pid);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1_000;
  const after = pid === undefined ? undefined : await processCpuSeconds(pid);
  const serverCpuPct = before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100;
  return { result, serverCpuPct };
}

// ─── Main ───────────────────────────────────────────────────────────────────────────────────
async function main(): Promise<number> {
  const target = await openTarget();
  say(`Target: ${target.description}, ${target.apiUrl}`);
  const setupClient = createHttpClient(target.apiUrl);
  cleanups.push(() => {
    setupClient.close();
    return Promise.resolve();
  });
  const prepared = await prepare(setupClient, target);
  say(
    `Restaurant ${prepared.restaurant.id} active after ${fmt(prepared.activationS, 1)} s; items ${prepared.itemIds.join(", ")}; ` +
      `${fmt(prepared.users.length)} users signed in (p50 ${fmt(prepared.signIn.p50Ms, 1)} ms).`,
  );
  const before = target.databaseUrl === undefined ? 0 : await countOrders(target.databaseUrl, prepared.users);
  if (before !== 0) throw new Error(`the bench's new customers already have ${before} orders`);

  say(
    `\n1. Seed scenario: 0 → ${SETTINGS.vus} users over ${SETTINGS.rampS} s, hold ${SETTINGS.holdS} s, ` +
      `down over ${SETTINGS.downS} s; POST ${ORDERS_PATH}, then ${SETTINGS.thinkMs} ms think time ...`,
  );
  const { result: seed, serverCpuPct: seedServerCpu } = await withServerCpu(target.serverPid, () =>
    seedScenario(target.apiUrl, prepared),
  );
  assertStackAlive();
  if (aborted()) return 130;

  let capacity: (CapacityResult & { cpuPct: number }) | undefined;
  let capacityServerCpu: number | undefined;
  if (SETTINGS.capacityS > 0) {
    say(
      `\n2. Capacity: autocannon, ${SETTINGS.connections} connections back to back for ${SETTINGS.capacityS} s, ` +
        `bodies and tokens rotating over ${fmt(prepared.users.length)} users ...`,
    );
    const measured = await withServerCpu(target.serverPid, () => capacityRun(target.apiUrl, prepared));
    capacity = measured.result;
    capacityServerCpu = measured.serverCpuPct;
    assertStackAlive();
    if (aborted()) return 130;
  }

  // Every 201 must be a row: the API answers only after its transaction committed. autocannon
  // drops the requests in flight when its time is up (at most one per connection): the server
  // may still store those, so up to `connections` more rows than answers are expected.
  const createdTotal = seed.created + (capacity?.statuses["201"] ?? 0);
  const stored = target.databaseUrl === undefined ? undefined : await countOrders(target.databaseUrl, prepared.users);
  const inFlightAllowance = capacity === undefined ? 0 : SETTINGS.connections;
  const lost = stored === undefined ? undefined : Math.max(0, createdTotal - stored);
  const unanswered = stored === undefined ? undefined : Math.max(0, stored - createdTotal);
  const ordersMatch = stored === undefined ? undefined : lost === 0 && (unanswered ?? 0) <= inFlightAllowance;

  // ─── Report ──────────────────────────────────────────────────────────────────────────────
  const seedFailures = seed.non2xx + seed.errors;
  const seedErrorRate = seed.requests === 0 ? 0 : seedFailures / seed.requests;
  const capacityCreated = capacity?.statuses["201"] ?? 0;
  const capacityOrdersPerS = capacity === undefined ? 0 : capacityCreated / capacity.durationS;
  const capacityFailures = capacity === undefined ? 0 : capacity.non2xx + capacity.errors;
  const capacityRequests = capacity === undefined ? 0 : capacity.responses + capacity.errors;
  const capacityErrorRate = capacityRequests === 0 ? 0 : capacityFailures / capacityRequests;
  const met = {
    seed_p99_ms: seed.latency.p99Ms <= TARGETS.seed_p99_ms,
    seed_errors: seedFailures <= TARGETS.seed_errors && seed.requests > 0,
    capacity_orders_per_s: capacity === undefined || capacityOrdersPerS >= TARGETS.capacity_orders_per_s,
    capacity_p99_ms: capacity === undefined || capacity.latency.p99Ms <= TARGETS.capacity_p99_ms,
  };
  const allMet = Object.values(met).every(Boolean);
  const verdict = (ok: boolean): string => (ok ? "PASS" : "FAIL");
  const ms = (value: number): string => fmt(value, 1);
  const pct = (value: number): string => `${fmt(value * 100, 2)} %`;

  const rows: string[][] = [
    ["seed: virtual users (peak)", fmt(seed.peakVus), "", ""],
    ["seed: seconds", fmt(seed.elapsedS, 1), "", ""],
    ["seed: requests", fmt(seed.requests), "", ""],
    ["seed: 201 Created", fmt(seed.created), "", ""],
    ["seed: throughput, req/s", fmt(seed.rps, 1), "", ""],
    ["seed: p50 ms", ms(seed.latency.p50Ms), "", ""],
    ["seed: p95 ms", ms(seed.latency.p95Ms), "", ""],
    ["seed: p99 ms", ms(seed.latency.p99Ms), `<= ${TARGETS.seed_p99_ms}`, verdict(met.seed_p99_ms)],
    ["seed: max ms", ms(seed.latency.maxMs), "", ""],
    ["seed: non-2xx", fmt(seed.non2xx), "", ""],
    ["seed: errors (no answer)", fmt(seed.errors), "", ""],
    ["seed: error rate (non-201 + errors)", pct(seedErrorRate), "0", verdict(met.seed_errors)],
    ["seed: generator CPU, % of one core", fmt(seed.generatorCpuPct, 1), "", ""],
    ["seed: API process CPU, % of one core", seedServerCpu === undefined ? "-" : fmt(seedServerCpu, 1), "", ""],
  ];
  if (capacity !== undefined) {
    rows.push(
      ["capacity: connections", fmt(capacity.connections), "", ""],
      ["capacity: seconds", fmt(capacity.durationS, 1), "", ""],
      ["capacity: requests answered", fmt(capacity.responses), "", ""],
      ["capacity: 201 Created", fmt(capacityCreated), "", ""],
      ["capacity: throughput, req/s", fmt(capacity.rps), "", ""],
      [
        "capacity: orders (201) per s",
        fmt(capacityOrdersPerS),
        `>= ${fmt(TARGETS.capacity_orders_per_s)}`,
        verdict(met.capacity_orders_per_s),
      ],
      ["capacity: p50 ms", ms(capacity.latency.p50Ms), "", ""],
      ["capacity: p95 ms", ms(capacity.latency.p95Ms), "", ""],
      ["capacity: p99 ms", ms(capacity.latency.p99Ms), `<= ${TARGETS.capacity_p99_ms}`, verdict(met.capacity_p99_ms)],
      ["capacity: max ms", ms(capacity.latency.maxMs), "", ""],
      ["capacity: non-2xx", fmt(capacity.non2xx), "", ""],
      ["capacity: errors (incl. timeouts)", `${fmt(capacity.errors)} (${fmt(capacity.timeouts)})`, "", ""],
      ["capacity: error rate (non-2xx + errors)", pct(capacityErrorRate), "", ""],
      ["capacity: generator CPU, % of one core", fmt(capacity.cpuPct, 1), "", ""],
      [
        "capacity: API process CPU, % of one core",
        capacityServerCpu === undefined ? "-" : fmt(capacityServerCpu, 1),
        "",
        "",
      ],
    );
  }
  rows.push(
    ["sign-in (SIWE, setup): p50 ms", ms(prepared.signIn.p50Ms), "", ""],
    ["sign-in (SIWE, setup): p99 ms", ms(prepared.signIn.p99Ms), "", ""],
    [
      "orders stored / 201 answers",
      stored === undefined ? "not checked" : `${fmt(stored)} / ${fmt(createdTotal)}`,
      `none lost; <= ${inFlightAllowance} unanswered`,
      ordersMatch === undefined ? "-" : verdict(ordersMatch),
    ],
  );
  const load = loadavg()[0] ?? 0;
  console.log(
    `\nREST API under the seed's order load: POST ${ORDERS_PATH} against ${target.description}.` +
      `\nLoad generator: this process (virtual users on keep-alive node:http; autocannon for capacity); ` +
      `${cpus().length} CPUs shared by generator, API, Postgres and the chain; 1-minute load average ${load.toFixed(2)} at the end.` +
      `\nSeed statuses ${JSON.stringify(seed.statuses)}${seed.errors > 0 ? `, errors ${JSON.stringify(seed.errorKinds)}` : ""}` +
      `${capacity === undefined ? "" : `; capacity statuses ${JSON.stringify(capacity.statuses)}`}.\n`,
  );
  console.log(table(["measure", "value", "target", "result"], rows));
  console.log(
    `\n${
      allMet
        ? "All targets met."
        : `Targets missed: ${Object.entries(met)
            .filter(([, ok]) => !ok)
            .map(([key]) => key)
            .join(", ")}.`
    }${ordersMatch === false ? ` ORDER COUNT WRONG: ${stored} rows for ${createdTotal} answers 201.` : ""}\n`,
  );
  const round = (value: number, digits = 1): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : -1);
  run.reported = true;
  console.log(
    JSON.stringify({
      bench: "api",
      target: REMOTE_URL === undefined ? "child-stack" : "remote",
      seed_vus: SETTINGS.vus,
      seed_ramp_s: SETTINGS.rampS,
      seed_hold_s: SETTINGS.holdS,
      seed_down_s: SETTINGS.downS,
      seed_think_ms: SETTINGS.thinkMs,
      seed_elapsed_s: round(seed.elapsedS, 2),
      seed_requests: seed.requests,
      seed_created_201: seed.created,
      seed_non2xx: seed.non2xx,
      seed_errors: seed.errors,
      seed_error_rate: round(seedErrorRate, 6),
      seed_rps: round(seed.rps),
      seed_p50_ms: round(seed.latency.p50Ms, 2),
      seed_p95_ms: round(seed.latency.p95Ms, 2),
      seed_p99_ms: round(seed.latency.p99Ms, 2),
      seed_max_ms: round(seed.latency.maxMs, 2),
      seed_generator_cpu_pct: round(seed.generatorCpuPct),
      seed_server_cpu_pct: seedServerCpu === undefined ? null : round(seedServerCpu),
      capacity_connections: SETTINGS.connections,
      capacity_s: round(capacity?.durationS ?? 0, 2),
      capacity_requests: capacityRequests,
      capacity_created_201: capacityCreated,
      capacity_non2xx: capacity?.non2xx ?? 0,
      capacity_errors: capacity?.errors ?? 0,
      capacity_timeouts: capacity?.timeouts ?? 0,
      capacity_error_rate: round(capacityErrorRate, 6),
      capacity_rps: round(capacity?.rps ?? 0),
      capacity_orders_per_s: round(capacityOrdersPerS),
      capacity_p50_ms: round(capacity?.latency.p50Ms ?? Number.NaN, 2),
      capacity_p95_ms: round(capacity?.latency.p95Ms ?? Number.NaN, 2),
      capacity_p99_ms: round(capacity?.latency.p99Ms ?? Number.NaN, 2),
      capacity_max_ms: round(capacity?.latency.maxMs ?? Number.NaN, 2),
      capacity_generator_cpu_pct: round(capacity?.cpuPct ?? 0),
      capacity_server_cpu_pct: capacityServerCpu === undefined ? null : round(capacityServerCpu),
      signin_users: prepared.users.length,
      signin_p50_ms: round(prepared.signIn.p50Ms, 2),
      signin_p99_ms: round(prepared.signIn.p99Ms, 2),
      restaurant_activation_s: round(prepared.activationS, 2),
      orders_created_201: createdTotal,
      orders_stored: stored ?? null,
      orders_lost: lost ?? null,
      orders_stored_unanswered: unanswered ?? null,
      orders_verified: ordersMatch ?? null,
      cpus: cpus().length,
      load_avg_1m: round(load, 2),
      target_seed_p99_ms: TARGETS.seed_p99_ms,
      target_seed_errors: TARGETS.seed_errors,
      target_capacity_orders_per_s: TARGETS.capacity_orders_per_s,
      target_capacity_p99_ms: TARGETS.capacity_p99_ms,
      targets: met,
      targets_met: allMet,
    }),
  );
  return ordersMatch === false ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = 1;
  if (!run.stopping) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    const output = started.stack?.output().slice(-4_000);
    if (output !== undefined && output !== "") console.error(`\nThe stack's last output:\n${output}`);
  }
} finally {
  if (!run.stopping) {
    run.stopping = true;
    await cleanUp();
  }
}
