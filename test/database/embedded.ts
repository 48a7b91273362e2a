// The embedded Postgres for real: it runs whether or not DATABASE_URL is set, in its own data directories.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";

import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../lib/db/embedded.ts";
import { migrate, readMigrations } from "../../lib/db/migrate.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { freePort } from "../../local/devchain/free-port.ts";

const EMBEDDED_MODULE = pathToFileURL(path.resolve(import.meta.dirname, "../../lib/db/embedded.ts")).href;

async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Zombies count as gone: where nothing reaps orphans (some container inits) they stay in the table. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !["Z", "X"].includes(stat.charAt(stat.lastIndexOf(")") + 2));
  } catch {
    return process.platform !== "linux";
  }
}

describe("embedded Postgres", () => {
  const directories: string[] = [];
  const servers: EmbeddedPostgres[] = [];

  async function dataDir(): Promise<string> {
    const directory = await mkdtemp(path.join(tmpdir(), "hotpot-embedded-test-"));
    directories.push(directory);
    return directory;
  }

  async function start(directory: string, port: number): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dataDir: directory, port, database: "hotpot", ephemeral: true });
    servers.push(server);
    return server;
  }

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it("starts, migrates and answers without a URL, then keeps its data when started again on the same directory", async () => {
    const directory = await dataDir();
    const port = await freePort();
    const migrations = (await readMigrations()).map((migration) => migration.name);
    const messages: string[] = [];

    const first = await openDatabase({ dataDir: directory, port, log: (message) => messages.push(message) });
    try {
      assert.equal(first.embedded, true);
      assert.match(first.url, new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${port}/hotpot$`));
      assert.ok(messages.some((message) => message.startsWith("initialising a new Postgres cluster")));
      const { rows } = await first.pool.query<{ name: string }>(
        `SELECT migration_name AS name FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      assert.deepEqual(
        rows.map((row) => row.name),
        migrations,
      );
      await first.prisma.indexerCursor.create({
        data: {
          chainId: 31337,
          startBlock: 0n,
          startBlockHash: "0xstart",
          blockNumber: 42n,
          blockHash: "0xhead",
          blockTimestamp: new Date("2026-01-01T00:00:00.000Z"),
          updatedAt: new Date("2026-01-01T00:00:01.000Z"),
        },
      });
    } finally {
      await first.close();
    }
    assert.ok(await portIsFree(port), "close() left the server listening");
    assert.equal(
      await readFile(path.join(directory, "postmaster.pid"), "utf8").catch(() => undefined),
      undefined,
      "close() left postmaster.pid behind: the server did not shut down cleanly",
    );

    messages.length = 0;
    const second = await openDatabase({ dataDir: directory, port, log: (message) => messages.push(message) });
    try {
      assert.ok(!messages.some((message) => message.startsWith("initialising")), "the cluster was initialised again");
      const cursor = await second.prisma.indexerCursor.findUnique({ where: { chainId: 31337 } });
      assert.equal(cursor?.blockNumber, 42n);
      assert.equal(cursor.blockHash, "0xhead");
      assert.deepEqual(await migrate(second.pool), { applied: [], alreadyApplied: migrations });
    } finally {
      await second.close();
    }
  });

  it("starts over a postmaster.pid left by a server that died", async () => {
    const directory = await dataDir();
    const port = await freePort();
    const server = await start(directory, port);
    const leftover = await readFile(path.join(directory, "postmaster.pid"), "utf8");
    await server.stop();
    // As after a crash: the lock file is there, its process is not.
    await writeFile(path.join(directory, "postmaster.pid"), leftover);
    assert.ok(!isRunning(server.pid));

    const again = await start(directory, port);
    assert.notEqual(again.pid, server.pid);
    await again.stop();
  });

  it("shuts down a server whose Node process was killed (SIGKILL), then starts its own", async () => {
    const directory = await dataDir();
    const port = await freePort();
    const code = `
      import { startEmbeddedPostgres } from ${JSON.stringify(EMBEDDED_MODULE)};
      const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(directory)}, port: ${port}, database: "hotpot", ephemeral: true });
      console.log("ready " + server.pid);
      setInterval(() => {}, 60_000);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    let orphan: number | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^ready (\d+)$/.exec(line);
      if (match !== null) {
        orphan = Number(match[1]);
        break;
      }
    }
    assert.ok(orphan !== undefined, "the child never reported its server");
    child.kill("SIGKILL");
    await exited;
    assert.ok(isRunning(orphan), "expected the server to outlive its killed parent");

    const server = await start(directory, port);
    assert.ok(!isRunning(orphan), "the orphaned server still runs");
    assert.notEqual(server.pid, orphan);
    await server.stop();
  });

  it("refuses a data directory that a live process is serving", async () => {
    const directory = await dataDir();
    const server = await start(directory, await freePort());
    await assert.rejects(start(directory, await freePort()), /is already running \(pid \d+, port \d+\)/);
    assert.ok(isRunning(server.pid), "the running server was disturbed");
    await server.stop();
  });

  it("says so when the port is taken", async () => {
    const directory = await dataDir();
    const blocker = net.createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    try {
      const address = blocker.address();
      assert.ok(address !== null && typeof address === "object");
      await assert.rejects(
        start(directory, address.port),
        new RegExp(`Port ${address.port} on 127\\.0\\.0\\.1 is already in use by another process`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
