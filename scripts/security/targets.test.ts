import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

import { parse } from "yaml";

import { PROJECT_ROOT } from "../../lib/config.ts";
import { graphqlTargets, INJECTION_MARK, restTargets, webhookTargets, type OpenApi } from "./targets.ts";

const document = parse(await readFile(path.join(PROJECT_ROOT, "openapi.yaml"), "utf8")) as OpenApi;

describe("security scan targets", () => {
  const targets = restTargets(document, { "/api/v1/restaurants/{id}/menu id": "7" });

  it("covers every operation of openapi.yaml once", () => {
    const operations = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((method) => ["get", "post", "put", "patch", "delete"].includes(method))
        .map((method) => `${method.toUpperCase()} ${template}`),
    );
    assert.deepEqual(targets.map((target) => target.label).sort(), operations.sort());
  });

  it("marks every path parameter and gives known ids where it has them", () => {
    const menu = targets.find((target) => target.label === "GET /api/v1/restaurants/{id}/menu");
    assert.equal(menu?.path.split("?")[0], `/api/v1/restaurants/7${INJECTION_MARK}/menu`);
    for (const target of targets) assert.doesNotMatch(target.path, /[{}]/, target.label);
  });

  it("builds JSON bodies from the schemas with their string values marked", () => {
    const order = targets.find((target) => target.label === "POST /api/v1/orders");
    assert.ok(order?.body !== undefined);
    const body = JSON.parse(order.body.replaceAll(INJECTION_MARK, "")) as { items: { id: string; quantity: number }[] };
    const line = body.items.at(0);
    assert.ok(line !== undefined);
    assert.equal(line.quantity, 2);
    assert.ok(order.body.includes(`${line.id}${INJECTION_MARK}`));
  });

  it("marks query values so sqlmap tests them", () => {
    const list = targets.find((target) => target.label === "GET /api/v1/orders");
    assert.match(list?.path ?? "", new RegExp(`restaurant_id=1\\${INJECTION_MARK}`));
  });

  it("gives GraphQL variables and webhook bodies injection points", () => {
    for (const target of [...graphqlTargets(), ...webhookTargets()]) {
      assert.equal(target.method, "POST");
      const body = target.body ?? "";
      assert.ok(body.includes(INJECTION_MARK), target.label);
      JSON.parse(body.replaceAll(INJECTION_MARK, ""));
    }
  });
});
