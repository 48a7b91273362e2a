import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import type { Hex } from "viem";

import { createChainClient } from "../lib/chain/client.ts";
import { readDeployment } from "../lib/chain/deployment.ts";
import { PROJECT_ROOT } from "../lib/config.ts";
import { readLocalDeployment } from "../local/devchain/deploy-local.ts";
import { simulateActivity } from "../local/simulation/simulate.ts";
import { freePort } from "./helpers/devchain.ts";
import { runSeed } from "./helpers/seed-script.ts";

interface Stack {
  readonly child: ChildProcess;
  readonly output: () => string;
}

describe("npm start: the whole stack in one command", () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: string;
  let rpc: string;
  const deploymentDir = path.join(PROJECT_ROOT, "deploy", "deployments", `local-test-start-${process.pid}`);

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-start-"));
    // Running as root, the embedded Postgres runs as the postgres user, which must reach its data.
    await chmod(dataDir, 0o755);
    const [port, rpcPort, pgPort, cardPort, rtmpPort, flvPort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    api = `http://127.0.0.1:${port}`;
    rpc = `http://127.0.0.1:${rpcPort}`;
    // No DATABASE_URL: the embedded Postgres, as on a fresh machine.
    env = {
      ...process.env,
      PORT: String(port),
      RPC_PORT: String(rpcPort),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      CARD_PROCESSOR_PORT: String(cardPort),
      STREAM_RTMP_PORT: String(rtmpPort),
      STREAM_HTTP_PORT: String(flvPort),
    };
    delete env.DATABASE_URL;
    delete env.RPC_URL;
    Object.assign(env, { DATA_DIR: dataDir, DEPLOYMENT_DIR: deploymentDir, LOG_LEVEL: "warn" });
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(deploymentDir, { recursive: true, force: true });
  });

  /** `ownGroup`: in a process group of its own, as a terminal runs `npm start`, so the whole tree can be killed at once. */
  async function start(ownGroup = false): Promise<Stack> {
    const child = spawn(process.execPath, ["scripts/start.ts"], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: ownGroup,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      const health = await fetch(`${api}/health`).catch(() => undefined);
      if (health?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`npm start did not become healthy:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { child, output: () => output };
  }

  async function stop(stack: Stack): Promise<void> {
    stack.child.kill("SIGINT");
    const [code] = (await once(stack.child, "exit")) as [number | null];
    assert.equal(code, 0, `Ctrl-C stops cleanly:\n${stack.output()}`);
  }

  async function graphql<T>(query: string): Promise<T> {
    const response = await fetch(`${api}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    assert.equal(body.errors, undefined);
    return body.data;
  }

  async function waitForBlock(block: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { _meta } = await graphql<{ _meta: { blockNumber: number | null } }>("{ _meta { blockNumber } }");
      if ((_meta.blockNumber ?? 0) >= block) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the API never reached block ${block}`);
  }

  const SNAPSHOT = "{ _meta { blockNumber blockHash } orders(first: 100) { totalCount } tokenSupply { totalSupply } }";
  type Snapshot = {
    _meta: { blockNumber: number; blockHash: string };
    orders: { totalCount: number };
    tokenSupply: { totalSupply: string };
  };

  it("test_start_servesTheChainThroughGraphQLAndResumesAfterARestart", { timeout: 600_000 }, async () => {
    const first = await start();
    let before: Snapshot;
    try {
      // Healthy as soon as its parts answer; ready once the indexer has caught up with the chain.
      let ready = 503;
      for (let i = 0; i < 200 && ready !== 200; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        ready = (await fetch(`${api}/ready`)).status;
      }
      assert.equal(ready, 200, "/ready");
      for (const route of ["/health", "/metrics"]) {
        assert.equal((await fetch(`${api}${route}`)).status, 200, route);
      }
      assert.match(await (await fetch(`${api}/metrics`)).text(), /blockchain_sync_delay_seconds/);
      await simulateActivity({
        rpcUrl: rpc,
        deployment: await readLocalDeployment(deploymentDir),
        orders: 12,
        seed: "start",
      });
      // `npm run seed` through the REST API: restaurants, menus, orders paid by card (the local
      // card processor's signed webhooks) and with the stable token, settled on chain with receipts.
      const seeded = await runSeed({ SEED_API_URL: api, RPC_URL: rpc, DEPLOYMENT_DIR: deploymentDir });
      assert.equal(seeded.code, 0, `npm run seed:\n${seeded.stdout}\n${seeded.stderr}`);
      await waitForBlock(Number(await createChainClient(rpc).getBlockNumber()));
      before = await graphql<Snapshot>(SNAPSHOT);
      assert.equal(before.orders.totalCount, 12 + 4);
    } finally {
      await stop(first);
    }

    // The second start restores the same chain (same hashes) and the same database.
    const second = await start();
    try {
      const after = await graphql<Snapshot>(SNAPSHOT);
      assert.deepEqual(after, before);
      const restaurants = (await (await fetch(`${api}/api/v1/restaurants`)).json()) as {
        restaurants: { name: string | null; status: string }[];
      };
      assert.deepEqual(
        restaurants.restaurants.filter((restaurant) => restaurant.name !== null).map((restaurant) => restaurant.status),
        ["active", "active"],
      );
      assert.doesNotMatch(second.output(), /redeployed|diverged/);
    } finally {
      await stop(second);
    }
  });
  /** Every PaymentIntent the card processor ended as succeeded: its journal is the card network's truth. */
  async function succeededCardPayments(): Promise<Map<string, Hex>> {
    const journal = await readFile(path.join(dataDir, "card-processor", "journal.jsonl"), "utf8");
    const latest = new Map<string, { status?: string; metadata?: Record<string, string> }>();
    for (const line of journal.split("\n")) {
      if (line === "") continue;
      const entry = JSON.parse(line) as {
        event?: {
          data: { object: { object: string; id: string; status?: string; metadata?: Record<string, string> } };
        };
      };
      const object = entry.event?.data.object;
      if (object?.object === "payment_intent") latest.set(object.id, object);
    }
    const paid = new Map<string, Hex>();
    for (const [id, intent] of latest) {
      const chainOrderId = intent.metadata?.chain_order_id;
      if (intent.status === "succeeded" && chainOrderId !== undefined) paid.set(id, chainOrderId as Hex);
    }
    return paid;
  }

  async function rest<T>(method: string, route: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(`${api}/api/v1${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  it(
    "test_start_killedHardWhileCardOrdersArePaid_everyPaymentSettlesOnceAfterTheRestart",
    { timeout: 600_000 },
    async () => {
      const first = await start(true);
      const pid = first.child.pid;
      assert.ok(pid !== undefined);
      let ordersPaid = 0;
      const run = { killed: false };
      try {
        // Restaurants and menus through the API, as a user would (idempotent when the first test ran).
        const seeded = await runSeed({ SEED_API_URL: api, RPC_URL: rpc, DEPLOYMENT_DIR: deploymentDir });
        assert.equal(seeded.code, 0, `npm run seed:\n${seeded.stdout}\n${seeded.stderr}`);
        const { restaurants } = await rest<{ restaurants: { id: string; name: string | null; status: string }[] }>(
          "GET",
          "/restaurants",
        );
        const restaurant = restaurants.find((candidate) => candidate.name !== null && candidate.status === "active");
        assert.ok(restaurant !== undefined, "the seed opened a restaurant");
        const { items } = await rest<{ items: { id: string; available: boolean }[] }>(
          "GET",
          `/restaurants/${restaurant.id}/menu`,
        );
        const item = items.find((candidate) => candidate.available);
        assert.ok(item !== undefined, "the seed wrote a menu");
        const customers = await Promise.all(
          [1, 2, 3].map(() => rest<{ token: string; user: { id: string } }>("POST", "/auth/custodial")),
        );

        // Customers keep paying by card; the whole process tree dies by SIGKILL in the middle of it.
        const workers = customers.map(async (customer) => {
          while (!run.killed) {
            try {
              const order = await rest<{ id: string }>(
                "POST",
                "/orders",
                { restaurant_id: restaurant.id, items: [{ id: item.id, quantity: 1 }], customer_id: customer.user.id },
                customer.token,
              );
              const paid = await rest<{ status: string }>(
                "POST",
                `/orders/${order.id}/pay`,
                { method: "card", payment_method: "pm_card_visa" },
                customer.token,
              );
              if (paid.status === "succeeded") ordersPaid++;
            } catch (error) {
              // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the kill flips it during the awaits
              if (!run.killed) throw error;
            }
          }
        });
        // A worker that fails before the kill ends the wait, so the test fails with its error instead of hanging.
        const failed = Promise.race(workers).then(
          () => new Error("a worker stopped before the kill"),
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        let failure: Error | undefined;
        void failed.then((error) => (failure = error));
        const deadline = Date.now() + 180_000;
        while (ordersPaid < 45 && failure === undefined) {
          assert.ok(Date.now() < deadline, `only ${ordersPaid} card orders paid in 3 minutes:\n${first.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (failure !== undefined) throw failure;
        run.killed = true;
        process.kill(-pid, "SIGKILL");
        await Promise.all(workers);
      } finally {
        run.killed = true;
        if (first.child.exitCode === null && first.child.signalCode === null) process.kill(-pid, "SIGKILL");
      }
      // The exit may already have been emitted while the workers wound down: waiting for it again would hang.
      if (first.child.exitCode === null && first.child.signalCode === null) await once(first.child, "exit");

      // The next start must not find the old chain still holding its port, and must settle every
      // payment the card processor took: before the kill, during it, and after the restart.
      const second = await start(true);
      try {
        const paid = await succeededCardPayments();
        assert.ok(paid.size >= ordersPaid, `${paid.size} card payments succeeded, ${ordersPaid} answered`);
        const settlement = (await readDeployment(deploymentDir)).contracts.find(
          (contract) => contract.name === "OrderSettlement",
        );
        assert.ok(settlement !== undefined);
        const client = createChainClient(rpc);
        const settledCount = async (orderId: Hex): Promise<number> =>
          (
            await client.getContractEvents({
              address: settlement.address,
              abi: settlement.abi,
              eventName: "CardPaymentSettled",
              args: { orderId },
              fromBlock: 0n,
            })
          ).length;
        const deadline = Date.now() + 120_000;
        let unsettled: Hex[] = [...paid.values()];
        while (unsettled.length > 0) {
          assert.ok(
            Date.now() < deadline,
            `${unsettled.length} of ${paid.size} paid orders never settled:\n${second.output()}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 500));
          const counts = await Promise.all(unsettled.map(settledCount));
          unsettled = unsettled.filter((_id, i) => counts[i] === 0);
        }
        for (const orderId of paid.values()) assert.equal(await settledCount(orderId), 1, `${orderId} settled once`);
        const health = (await (await fetch(`${api}/health`)).json()) as { parts: { relayer?: { ok: boolean } } };
        assert.equal(health.parts.relayer?.ok, true, JSON.stringify(health));
      } finally {
        await stop(second);
      }
    },
  );
});
