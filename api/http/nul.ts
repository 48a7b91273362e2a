/**
 * NUL characters (U+0000) in text input. Postgres cannot store them in text columns and refuses the
 * whole statement, so they are turned away at the door, before any handler (or the IPFS store) sees
 * them: REST with a 400 naming the field, GraphQL with a BAD_USER_INPUT error.
 */
import type { RequestHandler } from "express";
import { Kind, visit, type DocumentNode } from "graphql";

import { badRequest } from "../rest/errors.ts";

const NUL = "\u0000";

/** The path (`body.items.0.name`) of the first string holding a NUL in `value`, keys included; else undefined. */
export function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "string") return value.includes(NUL) ? path : undefined;
  if (value === null || typeof value !== "object" || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, `${path}.${index}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Uint8Array) return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const keyPath = `${path}.${key.replaceAll(NUL, "\\u0000")}`;
    if (key.includes(NUL)) return keyPath;
    const found = findNul(item, keyPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const NUL_MESSAGE = "text may not contain NUL characters (\\u0000)";

/** Where a GraphQL request carries a NUL: a string literal in the document or a variable. */
export function findNulInOperation(document: DocumentNode | undefined, variables: unknown): string | undefined {
  const inVariables = findNul(variables ?? {}, "variables");
  if (inVariables !== undefined) return inVariables;
  if (document === undefined) return undefined;
  let found: string | undefined;
  visit(document, {
    [Kind.STRING](node) {
      if (found === undefined && node.value.includes(NUL)) found = "a string literal of the query";
    },
  });
  return found;
}

/** Rejects a REST request whose path, query string or JSON body holds a NUL (run after the body parser). */
export const rejectNul: RequestHandler = (request, _response, next) => {
  let where: string | undefined;
  // The raw URL: %00 anywhere in the path or the query string.
  const hasNul = (text: string): boolean => text.includes(NUL) || text.toLowerCase().includes("%00");
  if (hasNul(request.originalUrl)) where = hasNul(request.originalUrl.split("?")[0] ?? "") ? "path" : "query";
  where ??= findNul(request.query, "query") ?? findNul(request.body, "body");
  if (where === undefined) {
    next();
    return;
  }
  next(badRequest(NUL_MESSAGE, [{ path: where, message: "contains a NUL character (\\u0000)" }]));
};
