import { nodeAt, type AtBlock } from "../mirror/blocks.ts";
import { parameterAt, parameterRows, parametersWhere, type ParameterRow } from "../mirror/parameters.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
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

export const resolvers = {
  Query: {
    async platformParameter(
      _root: unknown,
      args: { key: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<ParameterNode | null> {
      const block = await context.block(args.asOfBlock);
      const row = await parameterAt(context.db, block, args.key);
      return row === null ? null : { ...row, asOf: block };
    },
    async platformParameters(
      _root: unknown,
      args: ParameterListArgs,
      context: GraphQLContext,
    ): Promise<Connection<ParameterNode>> {
      const block = await context.block(args.asOfBlock);
      const where = parametersWhere(block, args.where?.key_in ?? undefined);
      return paginate(PARAMETERS, parameterRows(context.db), args, where, nodeAt(block));
    },
  },
  PlatformParameter: {
    updatedBlock: (parameter: ParameterNode): number => blockInt(parameter.blockFrom),
  },
};
