import { logId } from "../mirror/blocks.ts";
import { eventRows, eventsWhere, firstEventOfTransaction, subject, type ChainEventRow } from "../mirror/events.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { parseAddress, parseBlockNumber, parseHash, parseOptionalHash } from "./inputs.ts";
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
  "One decoded log of a platform contract: the audit trail, kept with block, transaction and log index."
  type ChainEvent {
    "<blockNumber>-<logIndex>"
    id: ID!
    blockNumber: Int!
    logIndex: Int!
    blockHash: String!
    blockTimestamp: DateTime!
    txHash: String!
    txIndex: Int!
    "Address of the emitting contract."
    contract: String!
    "Its name in the deployment: HotPotToken, FranchiseNFT, KycRegistry, OrderSettlement, ..."
    contractName: String!
    eventName: String!
    "Decoded arguments by name; integers as decimal strings."
    args: JSON!
    "What the event is about: order:<id>, account:<address>, restaurant:<id>."
    subjects: [String!]!
  }

  ${connectionTypeDefs("ChainEvent")}

  "Every condition given must hold."
  input ChainEventFilter {
    "Events about this order (bytes32 id)."
    orderId: ID
    "Events about this account."
    account: String
    "Events about this restaurant."
    restaurantId: BigInt
    txHash: String
    "Emitting contract address."
    contract: String
    contractName: String
    eventName: String
    "First block, inclusive."
    fromBlock: Int
    "Last block, inclusive."
    toBlock: Int
  }

  enum ChainEventOrderBy {
    "Chain order: block number, then log index."
    block
  }

  "A transaction that touched the platform's contracts, as seen through its events."
  type Transaction {
    hash: String!
    blockNumber: Int!
    blockHash: String!
    blockTimestamp: DateTime!
    txIndex: Int!
    events(${listArguments({ orderBy: "ChainEventOrderBy" })}): ChainEventConnection!
  }

  extend type Query {
    "The audit trail, filtered by subject, transaction, contract, event name or block range."
    events(${listArguments({ where: "ChainEventFilter", orderBy: "ChainEventOrderBy", asOfBlock: true })}): ChainEventConnection!
    "A transaction's platform events; null when it emitted none (or is not indexed)."
    transaction(hash: String!, asOfBlock: Int): Transaction
  }
`;

export type ChainEventOrderBy = "block";

export interface ChainEventFilter {
  readonly orderId?: string | null;
  readonly account?: string | null;
  readonly restaurantId?: bigint | null;
  readonly txHash?: string | null;
  readonly contract?: string | null;
  readonly contractName?: string | null;
  readonly eventName?: string | null;
  readonly fromBlock?: number | null;
  readonly toBlock?: number | null;
}

interface EventListArgs extends ListArgs<ChainEventOrderBy> {
  readonly where?: ChainEventFilter | null;
  readonly asOfBlock?: number | null;
}

const EVENTS: ListDefinition<ChainEventRow, ChainEventOrderBy> = {
  orderings: { block: [key("blockNumber", "bigint"), key("logIndex", "int")] },
  defaultOrderBy: "block",
};

export interface EventScope {
  readonly subjects?: readonly string[];
  readonly txHash?: string;
}

/** Events known at `block`, within `scope` (a parent's subject or transaction) and the caller's filter. */
export function listEvents(
  context: GraphQLContext,
  block: bigint,
  args: EventListArgs,
  scope: EventScope = {},
): Promise<Connection<ChainEventRow>> {
  const filter = args.where ?? {};
  const subjects = [...(scope.subjects ?? [])];
  if (filter.orderId != null) subjects.push(subject.order(parseHash(filter.orderId, "where.orderId")));
  if (filter.account != null) subjects.push(subject.account(parseAddress(filter.account, "where.account")));
  if (filter.restaurantId != null) subjects.push(subject.restaurant(filter.restaurantId));
  const txHash = parseOptionalHash(filter.txHash, "where.txHash");
  const where = eventsWhere(context.chainId, block, {
    subjects,
    txHashes: [scope.txHash, txHash].filter((hash) => hash !== undefined),
    contract: filter.contract != null ? parseAddress(filter.contract, "where.contract") : undefined,
    contractName: filter.contractName ?? undefined,
    eventName: filter.eventName ?? undefined,
    fromBlock: parseBlockNumber(filter.fromBlock, "where.fromBlock"),
    toBlock: parseBlockNumber(filter.toBlock, "where.toBlock"),
  });
  return paginate(EVENTS, eventRows(context.db), args, where, (row) => row);
}

interface TransactionNode {
  readonly hash: string;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly blockTimestamp: Date;
  readonly txIndex: number;
  readonly asOf: bigint;
}

export const resolvers = {
  Query: {
    async events(_root: unknown, args: EventListArgs, context: GraphQLContext): Promise<Connection<ChainEventRow>> {
      return listEvents(context, await context.block(args.asOfBlock), args);
    },
    async transaction(
      _root: unknown,
      args: { hash: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<TransactionNode | null> {
      const hash = parseHash(args.hash, "hash");
      const block = await context.block(args.asOfBlock);
      const first = await firstEventOfTransaction(context.db, context.chainId, hash, block);
      if (first === null) return null;
      return {
        hash,
        blockNumber: first.blockNumber,
        blockHash: first.blockHash,
        blockTimestamp: first.blockTimestamp,
        txIndex: first.txIndex,
        asOf: block,
      };
    },
  },
  ChainEvent: {
    id: logId,
    blockNumber: (row: ChainEventRow): number => blockInt(row.blockNumber),
    subjects: (row: ChainEventRow): string[] => row.subjects,
  },
  Transaction: {
    blockNumber: (row: TransactionNode): number => blockInt(row.blockNumber),
    events: (row: TransactionNode, args: EventListArgs, context: GraphQLContext): Promise<Connection<ChainEventRow>> =>
      listEvents(context, row.asOf, args, { txHash: row.hash }),
  },
};
