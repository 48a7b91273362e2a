import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Script } from "node:vm";

import { describedDocument } from "../routes.ts";
import type { OpenApiDocument } from "./openapi.ts";
import {
  exampleOf,
  inlineRefs,
  operationsOf,
  POSTMAN_SCHEMA,
  postmanCollection,
  UNKNOWN_ORDER_ID,
  validationSchema,
  WORKFLOW_FOLDER,
  WORKFLOW_VARIABLES,
  type JsonSchema,
  type PostmanRequestItem,
} from "./postman.ts";

const document = describedDocument();
const collection = postmanCollection(document, { baseUrl: "http://127.0.0.1:3000" });
const workflow = collection.item.find((folder) => folder.name === WORKFLOW_FOLDER);
const references = collection.item.filter((folder) => folder.name !== WORKFLOW_FOLDER).flatMap((folder) => folder.item);
const scriptOf = (item: PostmanRequestItem): string =>
  item.event.find((event) => event.listen === "test")?.script.exec.join("\n") ?? "";
const bodyOf = (item: PostmanRequestItem): unknown =>
  item.request.body === undefined ? undefined : JSON.parse(item.request.body.raw);
const step = (prefix: string): PostmanRequestItem => {
  const found = workflow?.item.find((item) => item.name.startsWith(prefix));
  assert.ok(found, `no workflow step ${prefix}`);
  return found;
};

/** The schemas `pm.response.to.have.jsonSchema(…)` is given in a script. */
function jsonSchemasIn(script: string): JsonSchema[] {
  return [...script.matchAll(/jsonSchema\((.*)\);$/gm)].map((match) => JSON.parse(match[1] ?? "") as JsonSchema);
}

const tiny = {
  openapi: "3.1.0",
  paths: {},
  components: {
    schemas: {
      Node: {
        type: "object",
        description: "a tree",
        properties: {
          description: { type: "string", examples: ["root"] },
          child: { $ref: "#/components/schemas/Node" },
        },
        required: ["description"],
      },
      Money: { type: "string", pattern: "^\\d+$" },
    },
  },
} as unknown as OpenApiDocument;

describe("exampleOf", () => {
  it("takes a schema's own example first, then composes one from its parts", () => {
    assert.equal(exampleOf({ type: "string", examples: ["a", "b"] }, tiny), "a");
    assert.equal(exampleOf({ type: "string", const: "card" }, tiny), "card");
    assert.equal(exampleOf({ type: "integer", default: 20 }, tiny), 20);
    assert.equal(exampleOf({ type: "string", enum: ["true", "false"] }, tiny), "true");
    assert.deepEqual(exampleOf({ type: "array", items: { type: "integer", examples: [2] } }, tiny), [2]);
    assert.deepEqual(exampleOf({ oneOf: [{ type: "string" }, { type: "integer", examples: [1] }] }, tiny), 1);
    assert.deepEqual(exampleOf({ $ref: "#/components/schemas/Node" }, tiny), { description: "root" });
  });

  it("has none when a required field has none, unless a partial one will do", () => {
    const schema = {
      type: "object",
      properties: { amount: { $ref: "#/components/schemas/Money" }, note: { type: "string", examples: ["x"] } },
      required: ["amount"],
    };
    assert.equal(exampleOf(schema, tiny), undefined);
    assert.deepEqual(exampleOf(schema, tiny, [], true), { note: "x" });
    assert.deepEqual(exampleOf({ ...schema, required: [] }, tiny), { note: "x" });
  });
});

describe("inlineRefs and validationSchema", () => {
  it("inline references, a recursive one as {} (anything)", () => {
    const inlined = inlineRefs({ $ref: "#/components/schemas/Node" }, tiny) as JsonSchema;
    assert.equal(inlined.type, "object");
    assert.deepEqual((inlined.properties as JsonSchema).child, {});
    assert.throws(() => inlineRefs({ $ref: "#/components/schemas/Nowhere" }, tiny), /unresolved \$ref/);
  });

  it("drop annotations but keep fields that happen to be named like them", () => {
    const schema = validationSchema({ $ref: "#/components/schemas/Node" }, tiny);
    assert.equal(schema.description, undefined);
    assert.deepEqual((schema.properties as JsonSchema).description, { type: "string" });
    assert.deepEqual(schema.required, ["description"]);
  });
});

describe("postmanCollection of the API's document", () => {
  it("is a v2.1 collection with the variables requests use", () => {
    assert.equal(collection.info.schema, POSTMAN_SCHEMA);
    assert.equal(collection.info.name, "The Hot Pot Spot API 1.0.0");
    const keys = collection.variable.map((variable) => variable.key);
    assert.deepEqual(keys, ["baseUrl", "token", "apiKey", ...WORKFLOW_VARIABLES]);
    assert.equal(collection.variable[0]?.value, "http://127.0.0.1:3000");
  });

  it("has one request per operation, in a folder per tag, each with a unique id", () => {
    const operations = operationsOf(document);
    assert.deepEqual(
      references.map((item) => item.id),
      operations.map(({ operation }) => operation.operationId),
    );
    assert.deepEqual(
      collection.item.map((folder) => folder.name),
      [
        "auth",
        "kyc",
        "people",
        "audit",
        "streams",
        "restaurants",
        "menu",
        "restaurant applications",
        "orders",
        "config",
        WORKFLOW_FOLDER,
      ],
    );
    const ids = collection.item.flatMap((folder) => folder.item.map((item) => item.id));
    assert.equal(new Set(ids).size, ids.length);
  });

  it("addresses {{baseUrl}} with Postman's :parameters and the examples as their values", () => {
    const pay = references.find((item) => item.id === "payOrder");
    assert.equal(pay?.request.method, "POST");
    assert.equal(pay.request.url.raw, "{{baseUrl}}/api/v1/orders/:id/pay");
    assert.deepEqual(pay.request.url.host, ["{{baseUrl}}"]);
    assert.deepEqual(pay.request.url.path, ["api", "v1", "orders", ":id", "pay"]);
    assert.deepEqual(pay.request.url.variable, [{ key: "id", value: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2" }]);
    const menu = references.find((item) => item.id === "listMenu");
    assert.deepEqual(
      menu?.request.url.query?.map((parameter) => [parameter.key, parameter.disabled === true]),
      [
        ["restaurant_id", true],
        ["after", true],
        ["limit", true],
      ],
    );
    for (const item of references) {
      assert.ok(item.request.url.raw.startsWith("{{baseUrl}}/api/v1/"), item.id);
      assert.ok(!item.request.url.raw.includes("{id}"), item.id);
    }
  });

  it("authenticates from {{token}} or {{apiKey}} as the operation's security says", () => {
    const byId = (id: string) => references.find((item) => item.id === id)?.request;
    assert.deepEqual(byId("listRestaurants")?.auth, { type: "noauth" });
    assert.deepEqual(byId("getMe")?.auth, {
      type: "bearer",
      bearer: [{ key: "token", value: "{{token}}", type: "string" }],
    });
    assert.ok(!byId("getMe")?.header.some((header) => header.key === "X-API-Key"));
    // Orders also take a point-of-sale key: offered as a header to switch on.
    assert.equal(byId("createOrder")?.auth.type, "bearer");
    assert.deepEqual(
      byId("createOrder")
        ?.header.filter((header) => header.key === "X-API-Key")
        .map((header) => [header.value, header.disabled]),
      [["{{apiKey}}", true]],
    );
  });

  it("sends the schema examples as JSON bodies", () => {
    const byId = (id: string) => references.find((item) => item.id === id);
    const order = byId("createOrder");
    assert.ok(order);
    assert.deepEqual(bodyOf(order), {
      restaurant_id: "1",
      items: [{ id: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2", quantity: 2 }],
      customer_id: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2",
    });
    assert.deepEqual(order.request.header[0], { key: "Content-Type", value: "application/json" });
    assert.deepEqual(order.request.body?.options, { raw: { language: "json" } });
    assert.deepEqual(bodyOf(byId("payOrder") ?? assert.fail()), { method: "card", payment_method: "pm_card_visa" });
    assert.equal(byId("getOrder")?.request.body, undefined);
    for (const item of references) {
      const takesBody = operationsOf(document).some(
        ({ operation }) =>
          operation.operationId === item.id && operation.requestBody?.content?.["application/json"] !== undefined,
      );
      assert.equal(item.request.body !== undefined, takesBody, item.id);
    }
  });

  it("tests each answer's documented success status and validates it against the inlined schema", () => {
    for (const item of [...references, ...(workflow?.item ?? [])]) {
      const script = scriptOf(item);
      assert.doesNotThrow(() => new Script(script), `${item.name}: the script does not compile`);
      assert.match(script, /pm\.expect\(pm\.response\.code, .*\)\.to\.equal\(\d{3}\)/, item.name);
      for (const schema of jsonSchemasIn(script)) assert.ok(!JSON.stringify(schema).includes("$ref"), item.name);
    }
    const order = scriptOf(references.find((item) => item.id === "createOrder") ?? assert.fail());
    assert.match(order, /to\.equal\(201\)/);
    const [schema] = jsonSchemasIn(order);
    assert.deepEqual(schema?.required, [
      "id",
      "restaurant_id",
      "customer_id",
      "items",
      "total",
      "total_tetri",
      "currency",
      "status",
      "payment_method",
      "created_at",
      "paid_at",
      "settled_at",
      "fulfilled_at",
      "refunded_tetri",
      "chain",
      "receipt_cid",
      "receipt_url",
      "pay_url",
    ]);
    // 204 has no body to validate.
    const revoke = scriptOf(references.find((item) => item.id === "revokeApiKey") ?? assert.fail());
    assert.match(revoke, /to\.equal\(204\)/);
    assert.doesNotMatch(revoke, /jsonSchema/);
  });
});

describe("the workflow folder", () => {
  const items = workflow?.item ?? [];

  it("walks the seed's scenario in order", () => {
    assert.deepEqual(
      items.map((item) => `${item.request.method} ${item.request.url.raw}`),
      [
        "POST {{baseUrl}}/api/v1/auth/custodial",
        "GET {{baseUrl}}/health",
        "GET {{baseUrl}}/api/v1/restaurants?limit=100",
        "GET {{baseUrl}}/api/v1/menu?limit=100",
        "POST {{baseUrl}}/api/v1/orders",
        "GET {{baseUrl}}/api/v1/orders/:id",
        "POST {{baseUrl}}/api/v1/orders/:id/pay",
        "GET {{baseUrl}}/api/v1/orders/:id",
        "GET {{baseUrl}}/api/v1/orders/:id",
        "POST {{baseUrl}}/api/v1/orders",
        "GET {{baseUrl}}/api/v1/orders/:id",
      ],
    );
  });

  it("orders with the seed's body and pays with the seed's card", () => {
    assert.deepEqual(bodyOf(step("5.")), {
      restaurant_id: "{{restaurantId}}",
      items: [{ id: "{{menuItemId}}", quantity: 2 }],
      customer_id: "{{customerId}}",
    });
    assert.deepEqual(bodyOf(step("7.")), { method: "card", payment_method: "pm_card_visa" });
    assert.equal(step("7.").request.url.variable?.[0]?.value, "{{orderId}}");
  });

  it("checks the refusals: no token 401, a bad body 400 with issues, an unknown order 404", () => {
    assert.deepEqual(step("9.").request.auth, { type: "noauth" });
    assert.match(scriptOf(step("9.")), /to\.equal\(401\)/);
    assert.match(scriptOf(step("10.")), /to\.equal\(400\)/);
    assert.match(scriptOf(step("10.")), /body\.items\.0\.quantity/);
    assert.equal(jsonSchemasIn(scriptOf(step("10.")))[0]?.properties !== undefined, true);
    assert.equal(step("11.").request.url.variable?.[0]?.value, UNKNOWN_ORDER_ID);
    assert.match(scriptOf(step("11.")), /to\.equal\(404\)/);
  });

  it("uses only variables the collection defines, each set by an earlier step before it is needed", () => {
    const seeded = new Set(["baseUrl"]);
    const captured = new Set<string>();
    for (const item of items) {
      // A header switched off (X-API-Key, offered for points of sale) is not sent.
      const sent = { ...item.request, header: item.request.header.filter((header) => header.disabled !== true) };
      const uses = [...JSON.stringify(sent).matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? "");
      for (const name of uses) {
        assert.ok(seeded.has(name) || captured.has(name), `${item.name} uses {{${name}}} before it is set`);
      }
      for (const match of scriptOf(item).matchAll(/pm\.collectionVariables\.set\("(\w+)"/g)) {
        const name = match[1] ?? "";
        assert.ok(
          collection.variable.some((variable) => variable.key === name),
          `${item.name} sets ${name}, not a variable of the collection`,
        );
        captured.add(name);
      }
    }
    assert.ok(captured.has("token") && captured.has("orderId"));
  });

  it("waits for the settlement by running its step again, a bounded number of times", () => {
    const script = scriptOf(step("8."));
    assert.match(script, /postman\.setNextRequest\(pm\.info\.requestId\)/);
    assert.match(script, /polls < \d+/);
    assert.match(script, /to\.equal\("settled"\)/);
  });
});
