/** Starts the API on a fresh, seeded database on 127.0.0.1 and talks to it over real HTTP. */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";

import { pino } from "pino";
import { Registry } from "prom-client";

import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createApiApp, type ApiApp, type ApiContext } from "../../api/app.ts";
import { CHAIN_ID, HEAD_BLOCK, seed } from "./seed.ts";

export interface GraphQLResponse<Data = Record<string, unknown>> {
  readonly status: number;
  readonly data?: Data | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
  readonly extensions?: Record<string, unknown>;
}

export interface TestApi {
  readonly url: string;
  readonly db: TestDatabase;
  readonly api: ApiApp;
  readonly registry: Registry;
  /** What the fake chain reports as its head; a function to make it fail. */
  chainHead: bigint | (() => Promise<bigint>);
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export async function startTestApi(options: { seed?: boolean; context?: Partial<ApiContext> } = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  if (options.seed !== false) await seed(db);
  const registry = new Registry();
  const state: { chainHead: bigint | (() => Promise<bigint>) } = { chainHead: BigInt(HEAD_BLOCK) };
  const api = createApiApp({
    db,
    logger: pino({ level: process.env.API_TEST_LOG ?? "silent" }),
    registry,
    chainId: CHAIN_ID,
    chainHead: () => (typeof state.chainHead === "function" ? state.chainHead() : Promise.resolve(state.chainHead)),
    confirmations: 2,
    ...options.context,
  });
  const server: Server = createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port.toString()}`;
  await api.listening();

  return {
    url,
    db,
    api,
    registry,
    get chainHead() {
      return state.chainHead;
    },
    set chainHead(value) {
      state.chainHead = value;
    },
    async query<Data>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<Data>> {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<Data>, "status">;
      return { status: response.status, ...body };
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await api.close();
      await db.drop();
    },
  };
}
