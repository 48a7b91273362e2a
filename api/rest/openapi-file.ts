/** openapi.yaml at the repository root: the printed OpenAPI document, formatted as `prettier --check` expects. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as prettier from "prettier";
import { stringify } from "yaml";

import { describedDocument } from "../routes.ts";
import type { OpenApiDocument } from "./openapi.ts";

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../openapi.yaml");

const HEADER =
  "# The OpenAPI document of /api/v1, generated from the route declarations by `npm run openapi`: do not edit.\n";

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
