/** schema.graphql at the repository root: the printed schema, formatted as `prettier --check` expects. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as prettier from "prettier";

import { printApiSchema } from "./schema.ts";

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema.graphql");

export async function renderSchemaFile(): Promise<string> {
  const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
  return prettier.format(printApiSchema(), { ...options, filepath: SCHEMA_FILE });
}

export async function readSchemaFile(): Promise<string | undefined> {
  try {
    return await readFile(SCHEMA_FILE, "utf8");
  } catch {
    return undefined;
  }
}
