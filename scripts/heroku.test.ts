/** The Heroku artefacts (Procfile, app.json) against the project: scripts that exist, variables that are documented, no secrets. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

import { PROJECT_ROOT } from "../lib/config.ts";

const read = (file: string): Promise<string> => readFile(path.join(PROJECT_ROOT, file), "utf8");

interface AppJson {
  readonly addons: readonly { plan: string }[];
  readonly formation: Record<string, unknown>;
  readonly env: Record<string, { description: string; value?: string; required?: boolean; generator?: string }>;
}

describe("Heroku artefacts", () => {
  it("test_procfile_runsScriptsThatExist", async () => {
    const scripts = (JSON.parse(await read("package.json")) as { scripts: Record<string, string> }).scripts;
    const processes = new Map(
      (await read("Procfile"))
        .split("\n")
        .map((line) => /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line))
        .flatMap((match) => (match === null ? [] : [[match[1] ?? "", match[2] ?? ""] as const])),
    );
    assert.deepEqual([...processes.keys()].sort(), ["indexer", "relayer", "release", "web"]);
    for (const [name, command] of processes) {
      const script = /^npm (?:run )?(\S+)$/.exec(command)?.[1];
      assert.ok(script !== undefined && script in scripts, `${name}: ${command} runs no package.json script`);
    }
    const app = JSON.parse(await read("app.json")) as AppJson;
    for (const name of Object.keys(app.formation)) assert.ok(processes.has(name), `app.json formation ${name}`);
  });

  it("test_appJson_documentsItsVariablesAndCommitsNoSecret", async () => {
    const app = JSON.parse(await read("app.json")) as AppJson;
    assert.ok(app.addons.some((addon) => addon.plan.startsWith("heroku-postgresql")));
    const documented = new Set(
      (await read(".env.example")).split("\n").flatMap((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []),
    );
    for (const [name, variable] of Object.entries(app.env)) {
      if (name !== "NODE_ENV") assert.ok(documented.has(name), `${name} is not in .env.example`);
      assert.notEqual(variable.description.trim(), "", name);
      if (/KEY|SECRET|TOKEN|MNEMONIC|^PINATA_JWT$/.test(name)) {
        assert.ok(variable.value === undefined, `${name}: a secret has no value in app.json`);
      }
    }
    // The add-on provides it; Heroku sets PORT.
    assert.ok(!("DATABASE_URL" in app.env) && !("PORT" in app.env));
  });
});
