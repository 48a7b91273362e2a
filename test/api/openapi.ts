/**
 * openapi.yaml: committed, current, and a well-formed OpenAPI 3.1 document whose requests can be
 * tried from their examples (Swagger UI's "Try it out", the Postman collection's bodies).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

import { parse } from "yaml";

import { exampleOf, operationsOf, requestSchemaOf, resolvePointer, type JsonSchema } from "../../api/rest/postman.ts";
import type { Route } from "../../api/rest/route.ts";
import { OPENAPI_FILE, readOpenApiFile, renderOpenApiFile } from "../../api/rest/openapi-file.ts";
import { describedDocument, describedRoutes } from "../../api/routes.ts";

const document = describedDocument();
const operations = operationsOf(document);
const routes = new Map<string, Route>(describedRoutes().map((route) => [route.operationId, route]));

const name = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** Every `$ref` in the document, with where it is. */
function refsOf(value: unknown, at: string, found: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) value.forEach((element, index) => refsOf(element, `${at}/${index}`, found));
  else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push([at, inner]);
      else refsOf(inner, `${at}/${key}`, found);
    }
  }
  return found;
}

describe("openapi.yaml", () => {
  it("is the printed document (else run `npm run openapi` and commit it)", async () => {
    const committed = await readOpenApiFile();
    assert.ok(committed !== undefined, `${OPENAPI_FILE} is missing: run \`npm run openapi\``);
    assert.ok(
      committed === (await renderOpenApiFile(document)),
      "openapi.yaml differs from the route declarations: run `npm run openapi` and commit it",
    );
    // What the YAML says is the document itself, not something close to it.
    assert.deepEqual(parse(committed), JSON.parse(JSON.stringify(document)));
  });

  it("is what `npm run openapi -- --check` finds current", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/openapi.ts", "--check"], {
      cwd: path.dirname(OPENAPI_FILE),
    });
    assert.match(stdout, /up to date/);
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with a title, a version and operations", () => {
    assert.match(document.openapi, /^3\.1\.\d+$/);
    const info = document.info as { title?: unknown; version?: unknown };
    assert.equal(typeof info.title, "string");
    assert.equal(typeof info.version, "string");
    assert.ok(operations.length >= 20, `only ${operations.length} operations`);
    for (const path of Object.keys(document.paths)) assert.match(path, /^\/api\/v1\//);
  });

  it("gives every operation a unique operationId, a summary, a tag and described responses with a success", () => {
    const seen = new Set<string>();
    for (const { method, path, operation } of operations) {
      const where = name(method, path);
      assert.match(operation.operationId, /^[a-z][A-Za-z]+$/, `${where}: operationId`);
      assert.ok(!seen.has(operation.operationId), `${where}: operationId ${operation.operationId} is used twice`);
      seen.add(operation.operationId);
      assert.ok(operation.summary, `${where}: summary`);
      assert.ok((operation.tags ?? []).length > 0, `${where}: tags`);
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.length > 0, `${where}: responses`);
      assert.ok(
        statuses.some((status) => /^2\d\d$/.test(status)),
        `${where}: no success response`,
      );
      for (const [status, response] of Object.entries(operation.responses)) {
        assert.match(status, /^[1-5]\d\d$/, `${where}: status ${status}`);
        assert.ok(response.description, `${where} ${status}: description`);
        if (status !== "204") {
          const media = Object.values(response.content ?? {});
          assert.ok(media.length === 1 && media[0]?.schema, `${where} ${status}: schema`);
        }
      }
      if (!statuses.includes("400")) assert.fail(`${where}: every operation can answer 400`);
    }
  });

  it("declares each path template's parameters, and only those", () => {
    for (const { method, path, operation } of operations) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === "path");
      assert.deepEqual(declared.map((parameter) => parameter.name).sort(), inPath, name(method, path));
      for (const parameter of declared)
        assert.equal(parameter.required, true, `${name(method, path)} {${parameter.name}}`);
    }
  });

  it("names only security schemes it defines, and protects what needs a credential", () => {
    const schemes = (document.components as { securitySchemes?: Record<string, unknown> } | undefined)?.securitySchemes;
    assert.deepEqual(Object.keys(schemes ?? {}).sort(), ["apiKey", "bearer"]);
    for (const { method, path, operation } of operations) {
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) assert.ok(scheme in (schemes ?? {}), name(method, path));
      }
      const route = routes.get(operation.operationId);
      assert.ok(route, `${operation.operationId}: no route declares it`);
      assert.equal((operation.security ?? []).length > 0, route.access !== "public", name(method, path));
      if (route.access !== "public") assert.ok("401" in operation.responses, `${name(method, path)}: 401`);
    }
  });

  it("resolves every $ref", () => {
    const refs = refsOf(document, "#");
    assert.ok(refs.length > 0);
    for (const [at, ref] of refs) {
      assert.match(ref, /^#\/components\/schemas\/\w+$/, at);
      assert.ok(resolvePointer(document, ref) !== undefined, `${at}: $ref ${ref} does not resolve`);
    }
  });

  it("has an example for every request body, which the server accepts", () => {
    const missing: string[] = [];
    for (const { method, path, operation } of operations) {
      const schema = requestSchemaOf(operation);
      const route = routes.get(operation.operationId);
      assert.equal(schema !== undefined, route?.body !== undefined, `${name(method, path)}: JSON body`);
      if (schema === undefined || route?.body === undefined) continue;
      const example = exampleOf(schema, document);
      if (example === undefined) {
        missing.push(`${name(method, path)} (${operation.operationId}): ${missingExamples(schema).join(", ")}`);
        continue;
      }
      const parsed = route.body.safeParse(example);
      assert.ok(
        parsed.success,
        `${name(method, path)}: the example ${JSON.stringify(example)} is refused: ${parsed.error?.message ?? ""}`,
      );
    }
    assert.deepEqual(missing, [], `request bodies without an example:\n${missing.join("\n")}`);
  });

  it("has an example for every required parameter, and the server accepts the examples", () => {
    for (const { method, path, operation } of operations) {
      const route = routes.get(operation.operationId);
      const values: Record<"path" | "query", Record<string, unknown>> = { path: {}, query: {} };
      for (const parameter of operation.parameters ?? []) {
        const example = exampleOf(parameter.schema, document);
        if (example === undefined && parameter.required !== true) continue;
        assert.ok(example !== undefined, `${name(method, path)}: ${parameter.in} parameter ${parameter.name}`);
        // Parameters arrive as text.
        values[parameter.in as "path" | "query"][parameter.name] =
          typeof example === "string" ? example : JSON.stringify(example);
      }
      for (const [where, schema] of [
        ["path", route?.params],
        ["query", route?.query],
      ] as const) {
        if (schema === undefined) continue;
        const parsed = schema.safeParse(values[where]);
        assert.ok(parsed.success, `${name(method, path)}: example ${where} ${JSON.stringify(values[where])} refused`);
      }
    }
  });
});

/** The properties (dotted) that have no example and stop one being composed. */
function missingExamples(schema: unknown, at = "body"): string[] {
  const resolved = (
    typeof schema === "object" && schema !== null && "$ref" in schema
      ? resolvePointer(document, (schema as { $ref: string }).$ref)
      : schema
  ) as Record<string, unknown>;
  const properties = (resolved.properties ?? {}) as Record<string, unknown>;
  const required = (resolved.required ?? []) as string[];
  const names = Object.keys(properties).filter(
    (property) => required.includes(property) && exampleOf(properties[property] as JsonSchema, document) === undefined,
  );
  return names.length === 0
    ? [at]
    : names.flatMap((property) => missingExamples(properties[property], `${at}.${property}`));
}
