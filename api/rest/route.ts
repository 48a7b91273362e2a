/**
 * One declaration per REST operation: its path, who may call it, the zod schemas of its input
 * and output, and its handler. The same declaration validates requests at run time and writes
 * the operation into the OpenAPI document (rest/openapi.ts), so the two cannot drift apart.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import * as z from "zod";

import type { Principal, UserPrincipal } from "../auth/principal.ts";
import { ApiError, badRequest, toApiError, unauthorized, type ErrorIssue } from "./errors.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * - public: anyone (a credential, when sent, is still checked and passed on)
 * - user: a signed-in person (Bearer JWT)
 * - any: a signed-in person or a point-of-sale API key
 */
export type Access = "public" | "user" | "any";

type Shape = z.ZodObject;
type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;
type PrincipalFor<A extends Access> = A extends "public"
  ? Principal | undefined
  : A extends "user"
    ? UserPrincipal
    : Principal;

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteInput<A extends Access, P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: PrincipalFor<A>;
  readonly request: Request;
}

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** For bodies that are not JSON (a document's bytes); default application/json. */
  readonly mediaType?: string;
}

export interface Route<
  A extends Access = Access,
  P extends Shape | undefined = Shape | undefined,
  Q extends Shape | undefined = Shape | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  readonly method: Method;
  /** OpenAPI style, relative to /api/v1: `/orders/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: A;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /**
   * A body the handler reads itself (multipart uploads), described for the OpenAPI document only:
   * its media type and the schema of its parts.
   */
  readonly streamedBody?: { readonly mediaType: string; readonly schema: z.ZodType; readonly description: string };
  /** Success responses; the error responses every operation shares are added by the document. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /** Error statuses this operation can answer besides 400/401/429/500 (e.g. 403, 404, 409). */
  readonly errors?: readonly number[];
  handle(input: RouteInput<A, Infer<P>, Infer<Q>, Infer<B>>): Promise<Reply>;
}

/** Keeps the handler's input types tied to the schemas. */
export function defineRoute<
  A extends Access,
  P extends Shape | undefined = undefined,
  Q extends Shape | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: Route<A, P, Q, B>): Route {
  return route;
}

function issuesOf(error: z.ZodError, where: string): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): Infer<T> {
  if (schema === undefined) return undefined as Infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`invalid ${where}`, issuesOf(result.error, where));
  return result.data as Infer<T>;
}

/** The principal the authentication middleware found (response.locals.principal). */
export function principalOf(response: Response): Principal | undefined {
  return (response.locals as { principal?: Principal }).principal;
}

function checkAccess(access: Access, principal: Principal | undefined): void {
  if (access === "public") return;
  if (principal === undefined) throw unauthorized();
  if (access === "user" && principal.kind !== "user") {
    throw new ApiError(403, "forbidden", "this operation needs a signed-in person, not an API key");
  }
}

export const expressPath = (openApiPath: string): string => openApiPath.replace(/\{(\w+)\}/g, ":$1");

/** Mounts every route on a new router; errors go to the app's error handler. */
export function routerFor(routes: readonly Route[]): Router {
  const router = express.Router();
  for (const route of routes) {
    router[route.method](
      expressPath(route.path),
      async (request: Request, response: Response, next: NextFunction): Promise<void> => {
        try {
          // For metrics: express forgets the router's mount path once an error leaves the router.
          (response.locals as { route?: string }).route = `${request.baseUrl}${expressPath(route.path)}`;
          const principal = principalOf(response);
          checkAccess(route.access, principal);
          const params = parse(route.params, request.params, "path");
          const query = parse(route.query, request.query, "query");
          if (route.body !== undefined && !request.is("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
          }
          const body = parse(route.body, request.body, "body");
          const reply = await route.handle({ params, query, body, principal, request });
          for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
          if (reply.body === undefined) response.status(reply.status).end();
          else if (reply.body instanceof Uint8Array) response.status(reply.status).send(Buffer.from(reply.body));
          else response.status(reply.status).json(reply.body);
        } catch (error) {
          next(toApiError(error));
        }
      },
    );
  }
  return router;
}
