import type { Database } from "../../lib/db/client.ts";
import type { PlatformParameter as ParameterRow, Prisma } from "../../lib/db/generated/client.ts";
import { atBlock, blockInt, nodeAt, type AtBlock } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
  type ListSource,
} from "./pagination.ts";

export const typeDefs = /* GraphQL */ `
  "A platform setting set by events: treasury, required KYC level, card reward rate, accepted currencies."
  type PlatformParameter {
    key: String!
    "JSON value; integers as decimal strings."
    value: JSON!
    "The block this value was set at."
    updatedBlock: Int!
  }

  ${connectionTypeDefs("PlatformParameter")}

  input PlatformParameterFilter {
    key_in: [String!]
  }

  enum PlatformParameterOrderBy {
    key
  }

  extend type Query {
    platformParameter(key: String!, asOfBlock: Int): PlatformParameter
    platformParameters(${listArguments({ where: "PlatformParameterFilter", orderBy: "PlatformParameterOrderBy", asOfBlock: true })}): PlatformParameterConnection!
  }
`;

type ParameterNode = AtBlock<ParameterRow>;

interface ParameterListArgs extends ListArgs<"key"> {
  readonly where?: { readonly key_in?: readonly string[] | null } | null;
  readonly asOfBlock?: number | null;
}

const PARAMETERS: ListDefinition<ParameterRow, "key"> = {
  orderings: { key: [key("key", "string")] },
  defaultOrderBy: "key",
};

function parameterSource(db: Database): ListSource<ParameterRow> {
  return {
    findMany: (args) => db.prisma.platformParameter.findMany(args),
    count: (args) => db.prisma.platformParameter.count(args),
  };
}

export const resolvers = {
  Query: {
    async platformParameter(
      _root: unknown,
      args: { key: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<ParameterNode | null> {
      const block = await context.block(args.asOfBlock);
      const row = await context.db.prisma.platformParameter.findFirst({
        where: { AND: [atBlock(block), { key: args.key }] },
      });
      return row === null ? null : { ...row, asOf: block };
    },
    async platformParameters(
      _root: unknown,
      args: ParameterListArgs,
      context: GraphQLContext,
    ): Promise<Connection<ParameterNode>> {
      const block = await context.block(args.asOfBlock);
      const keys = args.where?.key_in;
      const where: Prisma.PlatformParameterWhereInput = {
        AND: [atBlock(block), keys != null ? { key: { in: [...keys] } } : {}],
      };
      return paginate(PARAMETERS, parameterSource(context.db), args, where, nodeAt(block));
    },
  },
  PlatformParameter: {
    updatedBlock: (parameter: ParameterNode): number => blockInt(parameter.blockFrom),
  },
};
