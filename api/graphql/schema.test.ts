import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readSchemaFile, renderSchemaFile } from "./schema-file.ts";

describe("schema.graphql", () => {
  it("is the printed executable schema", async () => {
    const committed = await readSchemaFile();
    const printed = await renderSchemaFile();
    assert.ok(
      committed === printed,
      "schema.graphql differs from the executable schema (or is missing): run `npm run schema:graphql` and commit it",
    );
  });
});
