/**
 * Kitchen-stream test fixtures: a fresh database with restaurants owned (in the `franchise`
 * mirror) by known addresses, the stream service with the real access checks, and its REST routes
 * behind a stub authenticator (`Bearer owner`, `Bearer admin`, `Bearer stranger`).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import express from "express";
import { pino, type Logger } from "pino";

import { createAccessControl } from "../../api/auth/access.ts";
import type { GrantedRole, Principal } from "../../api/auth/principal.ts";
import { errorHandler, notFoundHandler } from "../../api/http/errors.ts";
import { createRestApi } from "../../api/rest/index.ts";
import { API_PREFIX } from "../../api/rest/openapi.ts";
import type { Route } from "../../api/rest/route.ts";
import { createStreamService, type StreamService, type StreamServiceOptions } from "../../api/streams/service.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

export const OWNER = "0x00000000000000000000000000000000000000a1";
export const STRANGER = "0x00000000000000000000000000000000000000b2";
export const ADMIN = "0x00000000000000000000000000000000000000c3";

export const logger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

function user(address: string, roles: GrantedRole[] = []): Principal {
  return {
    kind: "user",
    userId: `00000000-0000-4000-8000-0000000000${address.slice(-2)}`,
    address,
    custodial: false,
    roles: new Set(roles),
  };
}

export const PRINCIPALS: Record<string, Principal> = {
  owner: user(OWNER),
  stranger: user(STRANGER),
  admin: user(ADMIN, ["admin"]),
};

/** Restaurants `ids`, each owned by OWNER on the mirror. */
export async function seedRestaurants(db: TestDatabase, ids: readonly bigint[]): Promise<void> {
  const { rows } = await db.pool.query<{ id: string }>(
    "INSERT INTO app_user (address, custodial, roles) VALUES ($1, false, ARRAY['admin']) RETURNING id",
    [ADMIN],
  );
  for (const id of ids) {
    await db.pool.query(
      "INSERT INTO restaurant (id, name, location, metadata_cid, created_by) VALUES ($1, $2, 'Tbilisi', 'bafy', $3)",
      [id.toString(), `Hot Pot ${id}`, rows[0]?.id],
    );
    await db.pool.query(
      `INSERT INTO franchise (restaurant_id, block_from, owner, fee_bps, metadata_uri, active, registered_block,
                              registered_at, order_count, revenue, franchisee_amount, platform_fees)
       VALUES ($1, 1, $2, 1000, 'ipfs://x', true, 1, now(), 0, 0, 0, 0)`,
      [id.toString(), OWNER],
    );
  }
}

export async function streamFixture(
  ids: readonly bigint[],
  options: Omit<StreamServiceOptions, "db" | "logger" | "access">,
): Promise<{ db: TestDatabase; service: StreamService }> {
  const db = await createTestDatabase();
  await seedRestaurants(db, ids);
  const service = createStreamService({ ...options, db, logger, access: createAccessControl(db) });
  return { db, service };
}

export interface TestServer {
  readonly url: string;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
  call<Body = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { as?: keyof typeof PRINCIPALS; body?: unknown },
  ): Promise<{ status: number; body: Body }>;
  close(): Promise<void>;
}

/** Serves `routes` under /api/v1 (and `extra` before them) on a loopback port. */
export async function serve(routes: readonly Route[], extra?: (app: express.Express) => void): Promise<TestServer> {
  const app = express();
  extra?.(app);
  const rest = createRestApi({
    routes,
    version: "test",
    authenticate: (request) => {
      const token = request.header("authorization")?.replace(/^Bearer /, "");
      return Promise.resolve(token === undefined ? undefined : PRINCIPALS[token]);
    },
  });
  app.use(API_PREFIX, rest.router);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as above
    async call<Body>(method: string, path: string, options: { as?: string; body?: unknown } = {}) {
      const headers: Record<string, string> = {};
      if (options.as !== undefined) headers.authorization = `Bearer ${options.as}`;
      if (options.body !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${url}${API_PREFIX}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Body };
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
