import { format } from "node:util";

import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { GraphQLError, type DocumentNode } from "graphql";
import {
  createYoga,
  isAsyncIterable,
  maskError,
  type Plugin,
  type YogaLogger,
  type YogaServerInstance,
} from "graphql-yoga";
import type { Counter } from "prom-client";

import type { Principal } from "../auth/principal.ts";
import { findNulInOperation, NUL_MESSAGE } from "../http/nul.ts";
import { createContext, type GraphQLContext, type GraphQLServices } from "./context.ts";
import { badInput } from "./inputs.ts";
import { metaJson } from "./meta.ts";
import { createApiSchema } from "./schema.ts";

export const GRAPHQL_PATH = "/graphql";

export interface GraphQLLimits {
  /** Deepest selection allowed (Account → orders → edges → node → restaurant → ... counts each level). */
  readonly maxDepth: number;
  /** graphql-armor's static cost: objects 2, scalars 1, multiplied per level of depth. */
  readonly maxCost: number;
  readonly maxAliases: number;
}

export const DEFAULT_LIMITS: GraphQLLimits = { maxDepth: 10, maxCost: 5000, maxAliases: 15 };

export interface GraphQLServerOptions extends GraphQLServices {
  readonly errors: Counter<"code">;
  /** Origins allowed to call from a browser; "*" allows any. None: same-origin only. */
  readonly corsOrigins?: readonly string[];
  readonly limits?: Partial<GraphQLLimits>;
}

export type GraphQLServer = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** Codes worth their own label; anything else counts as OTHER so clients cannot add labels. */
const ERROR_CODES = new Set([
  "BAD_USER_INPUT",
  "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED",
  "INTERNAL_SERVER_ERROR",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "UNPROCESSABLE",
  "RATE_LIMITED",
  "PAYMENT_REQUIRED",
  "UNAVAILABLE",
]);

/** Puts the block the response reflects into `extensions.meta`, for queries and for each subscription event. */
function useResponseMeta(): Plugin<GraphQLContext> {
  return {
    async onExecute({ args }) {
      const context = args.contextValue;
      // Reading the cursor before any field pins the whole response to one block. A failure here is
      // left to the fields that need the block, which report it as their own error.
      await context.meta().catch(() => undefined);
      return {
        onExecuteDone({ result, setResult }) {
          const meta = context.response.meta;
          if (meta === undefined || isAsyncIterable(result)) return;
          setResult({ ...result, extensions: { ...result.extensions, meta: metaJson(meta) } });
        },
      };
    },
    onSubscribe({ args }) {
      const context = args.contextValue;
      return {
        onSubscribeResult() {
          return {
            onNext({ result, setResult }) {
              const meta = context.response.meta;
              if (meta === undefined) return;
              setResult({ ...result, extensions: { ...result.extensions, meta: metaJson(meta) } });
            },
          };
        },
      };
    },
  };
}

/** NUL characters in string literals or variables: BAD_USER_INPUT before any resolver (Postgres refuses them). */
function useRejectNul(): Plugin<GraphQLContext> {
  const refusal = (where: string) => ({ errors: [badInput(`${NUL_MESSAGE}: ${where}`, { where })] });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const where = findNulInOperation(args.document as DocumentNode, args.variableValues);
      if (where !== undefined) setResultAndStopExecution(refusal(where));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const where = findNulInOperation(args.document as DocumentNode, args.variableValues);
      if (where !== undefined) setResultAndStopExecution(refusal(where));
    },
  };
}

function yogaLogger(services: GraphQLServices): YogaLogger {
  const { logger } = services;
  return {
    debug: (...args: unknown[]) => {
      logger.debug(format(...args));
    },
    info: (...args: unknown[]) => {
      logger.info(format(...args));
    },
    warn: (...args: unknown[]) => {
      logger.warn(format(...args));
    },
    error: (...args: unknown[]) => {
      logger.error(format(...args));
    },
  };
}

export function createGraphQLServer(options: GraphQLServerOptions): GraphQLServer {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { logger, errors } = options;
  const services: GraphQLServices = {
    db: options.db,
    chainId: options.chainId,
    logger: options.logger,
    pubSub: options.pubSub,
    write: options.write,
  };
  const origins = options.corsOrigins ?? [];
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: createApiSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: { title: "The Hot Pot Spot — chain mirror" },
    landingPage: false,
    logging: yogaLogger(services),
    cors:
      origins.length === 0 ? false : { origin: origins.includes("*") ? "*" : [...origins], methods: ["GET", "POST"] },
    // The app's rate limiter has already authenticated a good credential (express's res.locals):
    // reuse it rather than check the token or API key twice per request.
    context: ({ request, res }) =>
      createContext(services, request, (res as { locals?: { principal?: Principal } } | undefined)?.locals?.principal),
    maskedErrors: {
      errorMessage: "Unexpected error.",
      maskError(error, message) {
        // isDev would copy the original error (and its stack) into the response; never.
        const masked = maskError(error, message, false);
        const code = masked instanceof GraphQLError ? masked.extensions.code : undefined;
        errors.inc({ code: typeof code === "string" && ERROR_CODES.has(code) ? code : "OTHER" });
        if (masked !== error) {
          const cause = error instanceof GraphQLError ? (error.originalError ?? error) : error;
          const path = error instanceof GraphQLError ? error.path?.join(".") : undefined;
          logger.error({ err: cause, path }, "GraphQL request failed unexpectedly");
        }
        return masked;
      },
    },
    plugins: [
      maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true }),
      costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true }),
      maxAliasesPlugin({ n: limits.maxAliases }),
      useRejectNul(),
      useResponseMeta(),
    ],
  });
}
