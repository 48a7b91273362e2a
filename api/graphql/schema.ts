import { printSchema, type GraphQLSchema } from "graphql";
import { createSchema } from "graphql-yoga";

import * as accounts from "./accounts.ts";
import type { GraphQLContext } from "./context.ts";
import * as events from "./events.ts";
import * as kyc from "./kyc.ts";
import * as kycCases from "./kyc-cases.ts";
import * as streams from "./streams.ts";
import * as meta from "./meta.ts";
import * as orders from "./orders.ts";
import * as pagination from "./pagination.ts";
import * as platform from "./platform.ts";
import * as restaurants from "./restaurants.ts";
import * as revenue from "./revenue.ts";
import * as scalars from "./scalars.ts";
import * as tokens from "./tokens.ts";
import * as writes from "./writes.ts";

const roots = /* GraphQL */ `
  """
  The chain mirror, read-only. Every state field reads the block in extensions.meta (the indexed head
  when the request began) unless given asOfBlock; nested fields read the same block as their parent.
  """
  type Query

  "Live updates, delivered as the indexer commits (Server-Sent Events: send Accept: text/event-stream)."
  type Subscription
`;

const modules = [
  scalars,
  pagination,
  meta,
  accounts,
  orders,
  restaurants,
  revenue,
  kyc,
  tokens,
  events,
  platform,
  writes,
  kycCases,
  streams,
];

export const typeDefs: string[] = [roots, ...modules.map((module) => module.typeDefs)];

export function createApiSchema(): GraphQLSchema {
  return createSchema<GraphQLContext>({
    typeDefs,
    resolvers: modules.flatMap((module) => ("resolvers" in module ? [module.resolvers] : [])),
  });
}

/** The SDL committed as schema.graphql (before prettier formats it). */
export function printApiSchema(schema: GraphQLSchema = createApiSchema()): string {
  return printSchema(schema);
}
