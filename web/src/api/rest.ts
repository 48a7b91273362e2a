/**
 * The REST client, typed from openapi.yaml (openapi-fetch), and the one error type every page
 * shows: the API's message, and per field the message of the issue that names it.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "../generated/openapi.ts";

export type Schemas = components["schemas"];

let bearer: string | undefined;

/** The session token every request carries from now on (undefined: signed out). */
export function setBearer(token: string | undefined): void {
  bearer = token;
}

/** The Authorization header value for requests made without `api` (uploads with progress), if signed in. */
export function authorization(): string | undefined {
  return bearer === undefined ? undefined : `Bearer ${bearer}`;
}

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use({
  onRequest({ request }) {
    const header = authorization();
    if (header !== undefined) request.headers.set("Authorization", header);
    return request;
  },
});

export interface ErrorBody {
  error?: string;
  code?: string;
  issues?: { path: string; message: string }[];
}

/** A refused request (4xx/5xx with the API's `{error, code, issues}` body), or none reached the server. */
export class ApiProblem extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** Field name (the issue path's last part, e.g. `price` for `body.price`) → its message. */
  readonly fields: Readonly<Record<string, string>>;

  constructor(status: number | undefined, body: ErrorBody | undefined, fallback: string) {
    super(body?.error ?? fallback);
    this.name = "ApiProblem";
    this.status = status;
    this.code = body?.code;
    const fields: Record<string, string> = {};
    for (const issue of body?.issues ?? []) {
      const parts = issue.path.split(".").filter((part) => part !== "body" && part !== "params" && part !== "query");
      const name = parts[0] ?? "";
      if (name !== "" && fields[name] === undefined) fields[name] = issue.message;
    }
    this.fields = fields;
  }

  /** True when the request never got an answer: offering a retry makes sense. */
  get network(): boolean {
    return this.status === undefined;
  }
}

/** openapi-fetch's `{data, error, response}` → the data, or an ApiProblem. A fetch that failed outright is one too. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    throw new ApiProblem(undefined, undefined, error instanceof Error ? error.message : String(error));
  }
  if (result.response.ok) return result.data as T;
  const body = typeof result.error === "object" && result.error !== null ? (result.error as ErrorBody) : undefined;
  throw new ApiProblem(result.response.status, body, `${result.response.status} ${result.response.statusText}`);
}

/** A failed submission, split for its form: each field the API named gets its message; anything else is the form's. */
export function formProblem(error: unknown): { fields: Readonly<Record<string, string>>; form: unknown } {
  const fields = error instanceof ApiProblem ? error.fields : {};
  return { fields, form: Object.keys(fields).length > 0 ? undefined : error };
}
