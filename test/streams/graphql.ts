/**
 * GraphQL: live streams, hours, and the kitchenStreamChanged subscription fed by Postgres NOTIFY
 * (a change committed through another connection, as another process's media server would).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { parse, subscribe, execute, type ExecutionResult } from "graphql";
import { createSchema } from "graphql-yoga";

import type { GraphQLContext } from "../../api/graphql/context.ts";
import * as scalars from "../../api/graphql/scalars.ts";
import * as streams from "../../api/graphql/streams.ts";
import type { StreamService } from "../../api/streams/service.ts";
import type { StreamProvider } from "../../api/streams/provider.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { logger, PRINCIPALS, streamFixture } from "./helpers.ts";

const schema = createSchema<GraphQLContext>({
  typeDefs: ["type Query\ntype Subscription", scalars.typeDefs, streams.typeDefs],
  resolvers: [scalars.resolvers, streams.resolvers],
});

describe("kitchen streams over GraphQL", () => {
  let db: TestDatabase;
  let service: StreamService;
  const local: StreamProvider = {
    name: "local",
    prepare: (id) =>
      Promise.resolve({
        keyHash: "0".repeat(64),
        streamKey: "k",
        providerRef: null,
        playbackUrl: `http://media/live/${id}.flv`,
      }),
    finish: () => Promise.resolve(),
  };

  before(async () => {
    ({ db, service } = await streamFixture([1n, 2n], { providers: { local } }));
  });
  after(async () => {
    await db.drop();
  });

  const context = (): GraphQLContext => ({ db, logger }) as unknown as GraphQLContext;

  it("delivers each change of the chosen restaurant to subscribers, and lists live streams", async () => {
    await service.start(PRINCIPALS.owner, 1n);
    await service.start(PRINCIPALS.owner, 2n);
    const result = await subscribe({
      schema,
      document: parse(
        "subscription { kitchenStreamChanged(restaurantId: 1) { restaurantId status live playbackUrl } }",
      ),
      contextValue: context(),
    });
    assert.ok(Symbol.asyncIterator in result, "a subscription stream");
    const iterator = result[Symbol.asyncIterator]();
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    const next = async (): Promise<unknown> => plain(((await iterator.next()).value as ExecutionResult).data);
    // The subscription starts listening on its first pull; give the listener time to connect.
    const first = next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await service.online(2n, "local", new Date()); // another restaurant: filtered out
    const startedAt = Date.now();
    await service.online(1n, "local", new Date(startedAt));
    assert.deepEqual(await first, {
      kitchenStreamChanged: { restaurantId: "1", status: "live", live: true, playbackUrl: "http://media/live/1.flv" },
    });
    const live = await execute({
      schema,
      document: parse(
        "{ liveKitchenStreams { restaurantId } kitchenStream(restaurantId: 1) { status hoursStreamed } }",
      ),
      contextValue: context(),
    });
    assert.deepEqual(plain(live.data), {
      liveKitchenStreams: [{ restaurantId: "1" }, { restaurantId: "2" }],
      kitchenStream: { status: "live", hoursStreamed: 0 },
    });
    await service.offline(1n, new Date(startedAt + 1800_000), "unpublished");
    assert.deepEqual(await next(), {
      kitchenStreamChanged: {
        restaurantId: "1",
        status: "offline",
        live: false,
        playbackUrl: "http://media/live/1.flv",
      },
    });
    await service.stop(PRINCIPALS.owner, 1n);
    assert.deepEqual(await next(), {
      kitchenStreamChanged: {
        restaurantId: "1",
        status: "stopped",
        live: false,
        playbackUrl: "http://media/live/1.flv",
      },
    });
    await iterator.return(undefined);
    const hours = await execute({
      schema,
      document: parse("{ kitchenStreamHours { totalHours sessions restaurants { restaurantId hours } } }"),
      contextValue: context(),
    });
    assert.deepEqual(plain(hours.data), {
      kitchenStreamHours: {
        totalHours: 0.5,
        sessions: 2,
        restaurants: [
          { restaurantId: "1", hours: 0.5 },
          { restaurantId: "2", hours: 0 },
        ],
      },
    });
  });
});
