/**
 * The import rules (import-rules.ts, spread into eslint.config.js) fail on a planted violation and
 * let the allowed imports through. The project's own ESLint configuration lints the planted code
 * as if it were an existing file, so the typed rules and the import rules run together as in `npm run lint`;
 * web/ and mobile/ (not part of this TypeScript project) are checked with the import rules alone.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

import { importRules } from "../../import-rules.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RULE = "no-restricted-imports";

async function restrictedImports(eslint: ESLint, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  assert.ok(result !== undefined);
  const fatal = result.messages.filter((message) => message.fatal === true);
  assert.deepEqual(fatal, [], `${filePath} parsed`);
  return result.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe("import rules, with the project's ESLint configuration", () => {
  const eslint = new ESLint({ cwd: ROOT });

  const violations: [string, string, RegExp][] = [
    ["api/write-side.ts", 'export { startCardProcessor } from "../local/card-processor/server.ts";', /local\//],
    ["api/graphql/schema.ts", 'export { createIndexer } from "../../indexer/index.ts";', /indexer\//],
    ["api/payments/card.ts", 'export { startTestApi } from "../../test/support/harness.ts";', /test\//],
    ["indexer/handlers.ts", 'export type { Platform } from "../api/platform.ts";', /api\//],
    ["lib/config.ts", 'export { startOnfidoFake } from "../local/onfido.ts";', /local\//],
    ["lib/db/client.ts", 'export { createApiApp } from "../../api/app.ts";', /api\//],
    ["test/api/openapi.ts", 'export {} from "../../scripts/openapi.ts";', /scripts\//],
    ["api/orders/service.ts", 'export { conflict } from "../rest/errors.ts";', /api\/errors\.ts/],
    ["api/kyc/providers/onfido.ts", 'export { ApiError } from "../../rest/errors.ts";', /api\/errors\.ts/],
    ["api/payments/card.ts", 'export { startOnfidoFake } from "../../local/onfido.ts";', /local\//],
  ];
  for (const [file, code, target] of violations) {
    it(`refuses ${code} in ${file}`, async () => {
      const messages = await restrictedImports(eslint, file, code);
      assert.equal(messages.length, 1, `${RULE} fires once in ${file}`);
      assert.match(messages[0] ?? "", target);
    });
  }

  const allowed: [string, string][] = [
    ["api/write-side.ts", 'export { loadConfig } from "../lib/config.ts";'],
    ["api/streams/index.ts", 'export { createLocalProvider } from "./providers/local.ts";'],
    ["api/kyc/providers/onfido.test.ts", 'export { startOnfidoFake } from "../../../local/onfido.ts";'],
    ["api/app.test.ts", 'export { startTestApi } from "../test/support/harness.ts";'],
    ["scripts/start.ts", 'export { startCardProcessor } from "../local/card-processor/server.ts";'],
    ["api/orders/service.ts", 'export { Conflict } from "../errors.ts";'],
    ["api/orders/routes.ts", 'export { badRequest } from "../rest/errors.ts";'],
    ["api/http/nul.ts", 'export { badRequest } from "../rest/errors.ts";'],
    ["api/graphql/writes.ts", 'export { toApiError } from "../rest/errors.ts";'],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${code} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(eslint, file, code), []);
    });
  }
});

describe("import rules for the apps (web/, mobile/)", () => {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ["**/*.{ts,tsx}"], languageOptions: { parser: tseslint.parser } }, ...importRules],
  });

  it("refuses server imports: the apps talk to the API over HTTP", async () => {
    const planted = [
      ["web/src/orders.ts", 'import { createOrder } from "../../api/orders/service.ts";', /api\//],
      ["web/src/pages/menu/page.tsx", 'import type { Config } from "../../../../lib/config.ts";', /lib\//],
      ["mobile/customer/app.ts", 'import { simulateActivity } from "../../local/simulation/simulate.ts";', /local\//],
      ["mobile/app.ts", 'import { createIndexer } from "../indexer/index.ts";', /indexer\//],
    ] as const;
    for (const [file, code, target] of planted) {
      const messages = await restrictedImports(eslint, file, code);
      assert.equal(messages.length, 1, `${RULE} fires in ${file}`);
      assert.match(messages[0] ?? "", target);
    }
  });

  it("lets an app import its own modules", async () => {
    assert.deepEqual(
      await restrictedImports(eslint, "web/src/pages/menu/page.tsx", 'import { api } from "../../api.ts";'),
      [],
    );
  });
});
