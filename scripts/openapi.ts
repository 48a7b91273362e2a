/**
 * Writes openapi.yaml at the repository root (`npm run openapi`): the OpenAPI 3.1 document of
 * /api/v1, the same one the server serves at /api/v1/openapi.json (api/routes.ts lists the routes).
 * `npm run openapi -- --check` only compares and exits 1 when the file is stale.
 */
import { writeFile } from "node:fs/promises";

import { OPENAPI_FILE, readOpenApiFile, renderOpenApiFile } from "../api/rest/openapi-file.ts";

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

process.exitCode = await main();
