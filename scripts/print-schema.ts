/** Writes schema.graphql from the API's executable schema (`npm run schema:graphql`). */
import { writeFile } from "node:fs/promises";

import { renderSchemaFile, SCHEMA_FILE } from "../api/graphql/schema-file.ts";

await writeFile(SCHEMA_FILE, await renderSchemaFile());
console.log(`wrote ${SCHEMA_FILE}`);
