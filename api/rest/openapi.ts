/**
 * The OpenAPI 3.1 document of /api/v1, written from the route declarations themselves.
 * Served at /api/v1/openapi.json; `npm run openapi` writes openapi.yaml.
 */
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from "zod-openapi";
import * as z from "zod";

import type { Route } from "./route.ts";

export const API_PREFIX = "/api/v1";

export const ErrorSchema = z
  .object({
    error: z.string().meta({ description: "What went wrong, for people", examples: ["order not found"] }),
    code: z.string().meta({ description: "Stable machine-readable code", examples: ["not_found"] }),
    issues: z
      .array(
        z.object({
          path: z.string().meta({ examples: ["body.items.0.quantity"] }),
          message: z.string().meta({ examples: ["Too small: expected number to be >=1"] }),
        }),
      )
      .optional()
      .meta({ description: "Field messages (400 and 422)" }),
  })
  .meta({ id: "Error" });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is invalid (a wrong field, text with a NUL character); `issues` names each wrong field",
  401: "No valid credential",
  402: "The card was declined",
  403: "The caller may not do this",
  404: "Not found",
  409: "Conflicts with the current state, or with a request for the same thing still in flight",
  410: "Gone for good: the person's data was erased (their data key destroyed)",
  413: "The body is too large",
  415: "The body is not JSON",
  422: "Well-formed, but the current state does not allow it (e.g. more than remains refundable)",
  429: "Too many requests; see Retry-After",
  500: "Server fault (no detail is given)",
  502: "An upstream service refused the request",
  503: "A dependency is unavailable; try again later",
};

function operationOf(route: Route): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] =
      response.schema === undefined
        ? { description: response.description }
        : {
            description: response.description,
            content: { [response.mediaType ?? "application/json"]: { schema: response.schema } },
          };
  }
  // 401 everywhere: a credential that is sent is checked, on public operations too.
  const errors = new Set([
    400,
    401,
    429,
    500,
    ...(route.body === undefined && route.streamedBody === undefined ? [] : [413, 415]),
    // A point-of-sale key on an operation for people is refused.
    ...(route.access === "user" ? [403] : []),
    ...(route.errors ?? []),
  ]);
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error",
      content: { "application/json": { schema: ErrorSchema } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [...route.tags],
    ...(route.access === "public"
      ? {}
      : { security: route.access === "user" ? [{ bearer: [] }] : [{ bearer: [] }, { apiKey: [] }] }),
    ...(route.params === undefined && route.query === undefined
      ? {}
      : {
          requestParams: {
            ...(route.params ? { path: route.params } : {}),
            ...(route.query ? { query: route.query } : {}),
          },
        }),
    ...(route.body !== undefined
      ? { requestBody: { required: true, content: { "application/json": { schema: route.body } } } }
      : route.streamedBody !== undefined
        ? {
            requestBody: {
              required: true,
              description: route.streamedBody.description,
              content: { [route.streamedBody.mediaType]: { schema: route.streamedBody.schema } },
            },
          }
        : {}),
    responses,
  };
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { operationId?: string }>>;
  readonly [key: string]: unknown;
}

export function openApiDocument(routes: readonly Route[], version: string): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path}`;
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  const document = createDocument({
    openapi: "3.1.0",
    info: {
      title: "The Hot Pot Spot API",
      version,
      description:
        "Orders, payments and receipts of The Hot Pot Spot. Amounts are GEL tetri (1 GEL = 100 tetri) as integers. " +
        "Sign in with a wallet (SIWE, `POST /api/v1/auth/siwe`) or as a custodial customer (`POST /api/v1/auth/custodial`) " +
        "and send the token as `Authorization: Bearer <token>`; point-of-sale clients send `X-API-Key`.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
    paths,
  });
  return document as unknown as OpenApiDocument;
}
