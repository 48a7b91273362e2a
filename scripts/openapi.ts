/**
 * Writes openapi.yaml at the repository root (`npm run openapi`): the OpenAPI 3.1 document of
 * /api/v1, the same one the server serves at /api/v1/openapi.json, formatted as `prettier --check`
 * expects. `npm run openapi -- --check` only compares and exits 1 when the file is stale.
 *
 * Imported by the tests (test/api/openapi.ts) for `renderOpenApiFile` and `describedRoutes`.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as prettier from "prettier";
import { stringify } from "yaml";

import { API_VERSION, apiRoutes } from "../api/app.ts";
import { authRoutes, type AuthRouteServices } from "../api/auth/routes.ts";
import { accountRoutes } from "../api/write-side.ts";
import type { Platform } from "../api/platform.ts";
import { openApiDocument, type OpenApiDocument } from "../api/rest/openapi.ts";
import type { Route } from "../api/rest/route.ts";

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../openapi.yaml");

const HEADER =
  "# The OpenAPI document of /api/v1, generated from the route declarations by `npm run openapi`: do not edit.\n";

/**
 * Stands in for a service while the API is only described. The route factories close over their
 * services (the database, the relayer, sign-in) and use them only inside handlers, which never run
 * here; so no database, chain or key is needed to print the document, and should a factory ever
 * start using a service while it builds its routes, this says so instead of printing a wrong document.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type it stands in for
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`${name}.${String(property)} is not available while printing the OpenAPI document`);
    },
  });
}

/** Every REST route, as `npm start` builds them, but with no service behind them. */
export function describedRoutes(): Route[] {
  const services: AuthRouteServices = {
    db: unavailable("db"),
    siwe: unavailable("siwe"),
    custodial: unavailable("custodial"),
    apiKeys: unavailable("apiKeys"),
    access: unavailable("access"),
  };
  return apiRoutes({
    platform: unavailable<Platform>("platform"),
    routes: accountRoutes({
      authRoutes: authRoutes(services),
      kyc: unavailable("kyc"),
      vault: unavailable("vault"),
      accessLog: unavailable("accessLog"),
      streams: unavailable("streams"),
    }),
  });
}

export function describedDocument(): OpenApiDocument {
  return openApiDocument(describedRoutes(), API_VERSION);
}

/** The text openapi.yaml must hold. */
export async function renderOpenApiFile(document: OpenApiDocument = describedDocument()): Promise<string> {
  // No anchors and aliases for objects zod-openapi happens to share, and no folding of long strings.
  const text = HEADER + stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
  const options = (await prettier.resolveConfig(OPENAPI_FILE)) ?? {};
  return prettier.format(text, { ...options, filepath: OPENAPI_FILE });
}

export async function readOpenApiFile(): Promise<string | undefined> {
  try {
    return await readFile(OPENAPI_FILE, "utf8");
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const rendered = await renderOpenApiFile();
  if (process.argv.includes("--check")) {
    if ((await readOpenApiFile()) === rendered) {
      console.log(`${OPENAPI_FILE} is up to date`);
      return 0;
    }
    console.error(`${OPENAPI_FILE} is stale (or missing): run \`npm run openapi\` and commit it`);
    return 1;
  }
  await writeFile(OPENAPI_FILE, rendered);
  console.log(`wrote ${OPENAPI_FILE}`);
  return 0;
}

if (import.meta.main) process.exitCode = await main();
