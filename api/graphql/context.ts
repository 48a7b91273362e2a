import type { Logger } from "pino";

import type { Database } from "../../lib/db/client.ts";
import type { Principal } from "../auth/principal.ts";
import type { KycService } from "../kyc/service.ts";
import type { Platform } from "../platform.ts";
import type { Authenticator } from "../rest/index.ts";
import type { IndexPubSub } from "../notifications.ts";
import { NOTHING_INDEXED } from "../mirror/blocks.ts";
import type { BatchLoader, MirrorReader } from "../mirror/loader.ts";
import { badInput, parseBlockNumber } from "./inputs.ts";

/** Which block a response reflects: the indexer's cursor when the request began. */
export interface Meta {
  readonly chainId: number;
  /** null until the indexer has committed its first batch. */
  readonly blockNumber: bigint | null;
  readonly blockHash: string | null;
  readonly blockTimestamp: Date | null;
  readonly indexedAt: Date | null;
}

/** What the GraphQL layer needs from the process, shared by every request. */
export interface GraphQLServices {
  readonly db: Database;
  readonly chainId: number;
  readonly logger: Logger;
  readonly pubSub: IndexPubSub;
  /** Mutations and write-side queries; absent on a read-only server. */
  readonly write?: { readonly platform: Platform; readonly authenticate: Authenticator; readonly kyc?: KycService };
}

export interface GraphQLContext extends GraphQLServices, MirrorReader {
  /** The cursor, read once per request so every field of a response reflects the same block. */
  meta(): Promise<Meta>;
  /**
   * The meta of the response being sent: the request's (queries) or the current event's (subscriptions).
   * An object of its own because the GraphQL server copies the context's fields into its own object.
   */
  readonly response: { meta: Meta | undefined };
  /** The block a state field reads: `asOfBlock` when given and indexed, else the cursor's block. */
  block(asOfBlock: number | null | undefined): Promise<bigint>;
  /** The caller, from the request's credentials (checked once, on first use). */
  principal(): Promise<Principal | undefined>;
  /** The per-request batch loader called `name`, created on first use. */
  loader<Key, Value>(name: string, create: () => BatchLoader<Key, Value>): BatchLoader<Key, Value>;
}

export async function readMeta(db: Database, chainId: number): Promise<Meta> {
  const cursor = await db.prisma.indexerCursor.findUnique({ where: { chainId } });
  return {
    chainId,
    blockNumber: cursor?.blockNumber ?? null,
    blockHash: cursor?.blockHash ?? null,
    blockTimestamp: cursor?.blockTimestamp ?? null,
    indexedAt: cursor?.updatedAt ?? null,
  };
}

/** `authenticated`: the caller's principal when a layer before GraphQL already checked its credential. */
export function createContext(
  services: GraphQLServices,
  request?: { headers: Headers },
  authenticated?: Principal,
): GraphQLContext {
  let meta: Promise<Meta> | undefined;
  let principal: Promise<Principal | undefined> | undefined;
  const loaders = new Map<string, unknown>();
  const context: GraphQLContext = {
    ...services,
    response: { meta: undefined },
    meta() {
      meta ??= readMeta(services.db, services.chainId).then((value) => {
        context.response.meta ??= value;
        return value;
      });
      return meta;
    },
    async block(asOfBlock) {
      const requested = parseBlockNumber(asOfBlock, "asOfBlock");
      const indexed = (await context.meta()).blockNumber;
      if (requested === undefined) return indexed ?? NOTHING_INDEXED;
      if (indexed === null || requested > indexed) {
        const upTo = indexed === null ? "nothing is indexed yet" : `indexed up to ${indexed}`;
        throw badInput(`block ${requested} is not indexed yet (${upTo})`);
      }
      return requested;
    },
    principal() {
      const { write } = services;
      if (write === undefined || request === undefined) return Promise.resolve(undefined);
      principal ??=
        authenticated === undefined
          ? write.authenticate({ header: (name) => request.headers.get(name) ?? undefined })
          : Promise.resolve(authenticated);
      return principal;
    },
    loader<Key, Value>(name: string, create: () => BatchLoader<Key, Value>): BatchLoader<Key, Value> {
      let loader = loaders.get(name) as BatchLoader<Key, Value> | undefined;
      if (loader === undefined) {
        loader = create();
        loaders.set(name, loader);
      }
      return loader;
    },
  };
  return context;
}
