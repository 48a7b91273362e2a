import type { IndexedBatch } from "../notifications.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext, Meta } from "./context.ts";
import { emit, followIndex, type FeedItem } from "./feed.ts";

export const typeDefs = /* GraphQL */ `
  "Which block of which chain a response reflects: the indexer's cursor when the request began."
  type Meta {
    chainId: Int!
    "The last block whose events are all in the mirror; null until the indexer's first batch."
    blockNumber: Int
    blockHash: String
    blockTimestamp: DateTime
    "When the indexer committed that block."
    indexedAt: DateTime
  }

  extend type Query {
    "The indexed block every field of this response reflects (also in extensions.meta)."
    _meta: Meta!
  }

  extend type Subscription {
    "The indexer's cursor after each batch it commits."
    blocks: Meta!
  }
`;

/** The same fields as the Meta type, for extensions.meta where no GraphQL serialisation happens. */
export function metaJson(meta: Meta): Record<string, unknown> {
  return {
    chainId: meta.chainId,
    blockNumber: meta.blockNumber === null ? null : blockInt(meta.blockNumber),
    blockHash: meta.blockHash,
    blockTimestamp: meta.blockTimestamp?.toISOString() ?? null,
    indexedAt: meta.indexedAt?.toISOString() ?? null,
  };
}

export const resolvers = {
  Query: {
    _meta: (_root: unknown, _args: unknown, context: GraphQLContext): Promise<Meta> => context.meta(),
  },
  Subscription: {
    blocks: {
      subscribe: (_root: unknown, _args: unknown, context: GraphQLContext): AsyncIterable<FeedItem<Meta>> =>
        followIndex(context, (_batch: IndexedBatch, meta: Meta) => Promise.resolve([meta])),
      resolve: emit<Meta>,
    },
  },
  Meta: {
    blockNumber: (meta: Meta): number | null => (meta.blockNumber === null ? null : blockInt(meta.blockNumber)),
  },
};
