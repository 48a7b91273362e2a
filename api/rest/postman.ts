/**
 * The OpenAPI document of /api/v1 as a Postman Collection v2.1: one request per operation (in a
 * folder per tag) whose test script checks the documented success status and validates the body
 * against the documented schema, and the seed's scenario as an ordered folder that runs against a
 * live server, passing ids from one answer to the next through collection variables.
 *
 * Variables: `baseUrl` (the server), `token` (Bearer), `apiKey` (X-API-Key of a point of sale) and
 * the ids the scenario captures. Import the JSON into Postman, or run it with newman
 * (test/api/newman.ts does, against the whole stack).
 */
import type { OpenApiDocument } from "./openapi.ts";

export const POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/** The folder holding the seed's scenario (run it alone: `newman run … --folder "<this>"`). */
export const WORKFLOW_FOLDER = "Seed scenario (run in order)";

// ---------------------------------------------------------------- Postman Collection v2.1 (the part used)

export interface PostmanVariable {
  readonly key: string;
  readonly value: string;
  readonly type?: "string";
  readonly description?: string;
  readonly disabled?: boolean;
}

export interface PostmanAuth {
  readonly type: "noauth" | "bearer" | "apikey";
  readonly bearer?: readonly PostmanVariable[];
  readonly apikey?: readonly PostmanVariable[];
}

export interface PostmanUrl {
  readonly raw: string;
  readonly host: readonly string[];
  readonly path: readonly string[];
  readonly query?: readonly PostmanVariable[];
  readonly variable?: readonly PostmanVariable[];
}

export interface PostmanEvent {
  readonly listen: "test" | "prerequest";
  readonly script: { readonly type: "text/javascript"; readonly exec: readonly string[] };
}

export interface PostmanRequest {
  readonly method: string;
  readonly header: readonly PostmanVariable[];
  readonly url: PostmanUrl;
  readonly auth: PostmanAuth;
  readonly body?: { readonly mode: "raw"; readonly raw: string; readonly options: { raw: { language: "json" } } };
  readonly description?: string;
}

export interface PostmanRequestItem {
  readonly id: string;
  readonly name: string;
  readonly request: PostmanRequest;
  readonly event: readonly PostmanEvent[];
}

export interface PostmanFolder {
  readonly name: string;
  readonly description?: string;
  readonly item: readonly PostmanRequestItem[];
}

export interface PostmanCollection {
  readonly info: { readonly name: string; readonly description: string; readonly schema: string };
  readonly variable: readonly PostmanVariable[];
  readonly item: readonly PostmanFolder[];
}

// ---------------------------------------------------------------- OpenAPI (the part read)

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonSchema = { readonly [key: string]: Json };

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: JsonSchema;
}

interface MediaType {
  readonly schema?: JsonSchema;
  readonly example?: Json;
}

export interface Operation {
  readonly operationId: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Record<string, MediaType> };
  readonly responses: Record<string, { readonly description: string; readonly content?: Record<string, MediaType> }>;
}

export interface OperationAt {
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every operation of the document, in document order. */
export function operationsOf(document: OpenApiDocument): OperationAt[] {
  const operations: OperationAt[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.includes(method)) operations.push({ method, path, operation: operation as unknown as Operation });
    }
  }
  return operations;
}

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isList = (value: Json | undefined): value is readonly Json[] => Array.isArray(value);

/** The value a local JSON pointer (`#/components/schemas/Order`) names, or undefined. */
export function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let value: unknown = document;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(value) && !Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * The schema with every `$ref` replaced by what it points to, so it stands alone in a test script.
 * A reference back into itself (a recursive schema) becomes `{}`, which accepts anything there.
 */
export function inlineRefs(schema: Json, document: unknown, seen: readonly string[] = []): Json {
  if (isList(schema)) return schema.map((element) => inlineRefs(element, document, seen));
  if (!isObject(schema)) return schema;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    if (seen.includes(ref)) return {};
    const target = resolvePointer(document, ref);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    const siblings = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$ref"));
    const inlined = inlineRefs(target as Json, document, [...seen, ref]);
    return Object.keys(siblings).length === 0 || !isObject(inlined)
      ? inlined
      : { ...inlined, ...(inlineRefs(siblings, document, seen) as JsonSchema) };
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inlineRefs(value, document, seen)]));
}

/** Keywords that only document a schema; Postman's validator does not need them. */
const ANNOTATIONS = new Set(["examples", "example", "description", "title", "discriminator", "externalDocs", "xml"]);

/** An inlined schema for `pm.response.to.have.jsonSchema`: no $refs, no annotations. */
export function validationSchema(schema: JsonSchema, document: unknown): JsonSchema {
  const strip = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !ANNOTATIONS.has(key))
        .map(([key, inner]) =>
          // Under `properties` the keys are field names, not keywords: keep a field named `description`.
          key === "properties" && isObject(inner)
            ? [key, Object.fromEntries(Object.entries(inner).map(([name, field]) => [name, strip(field)]))]
            : [key, strip(inner)],
        ),
    );
  };
  return strip(inlineRefs(schema, document)) as JsonSchema;
}

/**
 * An example value of a schema: its own example, else one composed from its parts (an object from
 * its properties' examples, an array of one example item, the first alternative of a union).
 * Undefined when a required part has none, unless `partial` (then such properties are left out).
 */
export function exampleOf(
  schema: Json | undefined,
  document: unknown,
  seen: readonly string[] = [],
  partial = false,
): Json | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === "string") {
    if (seen.includes(schema.$ref)) return undefined;
    return exampleOf(resolvePointer(document, schema.$ref) as Json, document, [...seen, schema.$ref], partial);
  }
  if (isList(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (isList(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const union of ["oneOf", "anyOf"] as const) {
    const alternatives = schema[union];
    if (isList(alternatives)) {
      for (const alternative of alternatives) {
        const example = exampleOf(alternative, document, seen, partial);
        if (example !== undefined) return example;
      }
      return undefined;
    }
  }
  if (isList(schema.allOf)) {
    let merged: Record<string, Json> = {};
    for (const part of schema.allOf) {
      const example = exampleOf(part, document, seen, partial);
      if (!isObject(example)) return undefined;
      merged = { ...merged, ...example };
    }
    return merged;
  }
  const type = isList(schema.type) ? schema.type[0] : schema.type;
  if (type === "object" || isObject(schema.properties)) {
    const required = isList(schema.required) ? schema.required : [];
    const example: Record<string, Json> = {};
    for (const [name, property] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
      const value = exampleOf(property, document, seen, partial);
      if (value !== undefined) example[name] = value;
      else if (required.includes(name) && !partial) return undefined;
    }
    return example;
  }
  if (type === "array") {
    const item = exampleOf(schema.items, document, seen, partial);
    return item === undefined ? (typeof schema.minItems === "number" && schema.minItems > 0 ? undefined : []) : [item];
  }
  if (type === "null") return null;
  return undefined;
}

/** The body schema of an operation's JSON request, if it takes one. */
export function requestSchemaOf(operation: Operation): JsonSchema | undefined {
  return operation.requestBody?.content?.["application/json"]?.schema;
}

/**
 * The example body of an operation: the media type's example, else one from its schema; with
 * `partial`, what examples there are when some required field has none (the user fills it in).
 */
export function requestExampleOf(operation: Operation, document: unknown, partial = false): Json | undefined {
  const media = operation.requestBody?.content?.["application/json"];
  if (media === undefined) return undefined;
  return media.example ?? exampleOf(media.schema, document, [], partial);
}

/** The documented success status: the lowest 2xx. */
export function successStatusOf(operation: Operation): number {
  const statuses = Object.keys(operation.responses)
    .map(Number)
    .filter((status) => status >= 200 && status < 300)
    .sort((a, b) => a - b);
  const status = statuses[0];
  if (status === undefined) throw new Error(`${operation.operationId} documents no success response`);
  return status;
}

export function responseSchemaOf(operation: Operation, status: number): JsonSchema | undefined {
  return operation.responses[String(status)]?.content?.["application/json"]?.schema;
}

// ---------------------------------------------------------------- requests

const NO_AUTH: PostmanAuth = { type: "noauth" };
const BEARER: PostmanAuth = { type: "bearer", bearer: [{ key: "token", value: "{{token}}", type: "string" }] };
const API_KEY_HEADER = "X-API-Key";

type AuthChoice = "token" | "apiKey" | "none";

/** The operation's first security scheme: bearer ({{token}}) or X-API-Key ({{apiKey}}). */
function defaultAuth(operation: Operation): AuthChoice {
  const first = operation.security?.[0];
  if (first === undefined) return "none";
  return "bearer" in first ? "token" : "apiKey";
}

const acceptsApiKey = (operation: Operation): boolean =>
  operation.security?.some((requirement) => "apiKey" in requirement) ?? false;

function stringValue(value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
};

/** The test script: the status, then the body against the schema documented for it. */
function checkScript(status: number, schema: JsonSchema | undefined, extra: readonly string[]): string[] {
  const label = `${status}${STATUS_TEXT[status] === undefined ? "" : ` ${STATUS_TEXT[status]}`}`;
  const lines = [
    `pm.test(${JSON.stringify(`answers ${label}`)}, function () {`,
    `  pm.expect(pm.response.code, "status; the body was: " + pm.response.text()).to.equal(${status});`,
    "});",
  ];
  if (schema !== undefined) {
    lines.push(
      `pm.test(${JSON.stringify(`the body matches the documented ${status} schema`)}, function () {`,
      `  pm.response.to.have.jsonSchema(${JSON.stringify(schema)});`,
      "});",
    );
  }
  return [...lines, ...extra];
}

export interface RequestOverrides {
  /** The item's name (default: the operation's summary). */
  readonly name?: string;
  /** Path parameter values (default: each parameter's example). */
  readonly pathParams?: Readonly<Record<string, string>>;
  /** Query parameters to send (default: the example of each, optional ones disabled). */
  readonly query?: Readonly<Record<string, string>>;
  /** The body (default: the example); a string is sent as it is. */
  readonly body?: unknown;
  readonly auth?: AuthChoice;
  /** The status to expect (default: the documented success status). */
  readonly status?: number;
  /** More lines of the test script (captures with pm.collectionVariables.set, scenario checks). */
  readonly tests?: readonly string[];
}

function itemId(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** One Postman request for an operation. */
export function requestItem(
  document: OpenApiDocument,
  { method, path, operation }: OperationAt,
  overrides: RequestOverrides = {},
  idPrefix = "",
): PostmanRequestItem {
  const parameters = operation.parameters ?? [];
  const pathVariables: PostmanVariable[] = parameters
    .filter((parameter) => parameter.in === "path")
    .map((parameter) => ({
      key: parameter.name,
      value: overrides.pathParams?.[parameter.name] ?? stringValue(exampleOf(parameter.schema, document)),
      ...(parameter.description === undefined ? {} : { description: parameter.description }),
    }));
  const query: PostmanVariable[] =
    overrides.query === undefined
      ? parameters
          .filter((parameter) => parameter.in === "query")
          .map((parameter) => ({
            key: parameter.name,
            value: stringValue(exampleOf(parameter.schema, document)),
            ...(parameter.description === undefined ? {} : { description: parameter.description }),
            ...(parameter.required === true ? {} : { disabled: true }),
          }))
      : Object.entries(overrides.query).map(([key, value]) => ({ key, value }));
  const segments = path.split("/").filter((segment) => segment !== "");
  const postmanPath = segments.map((segment) => segment.replace(/^\{(\w+)\}$/, ":$1"));
  const enabled = query.filter((parameter) => parameter.disabled !== true);
  const raw =
    `{{baseUrl}}/${postmanPath.join("/")}` +
    (enabled.length === 0 ? "" : `?${enabled.map((parameter) => `${parameter.key}=${parameter.value}`).join("&")}`);

  const auth = overrides.auth ?? defaultAuth(operation);
  const header: PostmanVariable[] = [];
  const bodyValue = overrides.body !== undefined ? overrides.body : requestExampleOf(operation, document, true);
  if (requestSchemaOf(operation) !== undefined || overrides.body !== undefined) {
    header.push({ key: "Content-Type", value: "application/json" });
  }
  if (auth === "apiKey") header.push({ key: API_KEY_HEADER, value: "{{apiKey}}" });
  else if (auth === "token" && acceptsApiKey(operation)) {
    header.push({
      key: API_KEY_HEADER,
      value: "{{apiKey}}",
      disabled: true,
      description: "Point-of-sale clients: enable this and set the authorization to No Auth",
    });
  }

  const status = overrides.status ?? successStatusOf(operation);
  const schema = responseSchemaOf(operation, status);
  const name = overrides.name ?? operation.summary ?? operation.operationId;
  return {
    id: `${idPrefix}${overrides.name === undefined ? operation.operationId : itemId(name)}`,
    name,
    request: {
      method: method.toUpperCase(),
      header,
      url: {
        raw,
        host: ["{{baseUrl}}"],
        path: postmanPath,
        ...(query.length === 0 ? {} : { query }),
        ...(pathVariables.length === 0 ? {} : { variable: pathVariables }),
      },
      auth: auth === "token" ? BEARER : NO_AUTH,
      ...(bodyValue === undefined
        ? {}
        : {
            body: {
              mode: "raw",
              raw: typeof bodyValue === "string" ? bodyValue : JSON.stringify(bodyValue, null, 2),
              options: { raw: { language: "json" } },
            },
          }),
      description: [operation.operationId, operation.description].filter(Boolean).join(": "),
    },
    event: [
      {
        listen: "test",
        script: {
          type: "text/javascript",
          exec: checkScript(
            status,
            schema === undefined ? undefined : validationSchema(schema, document),
            overrides.tests ?? [],
          ),
        },
      },
    ],
  };
}

// ---------------------------------------------------------------- the seed's scenario

/** An order id no order has (a valid UUID, so the answer is 404 rather than 400). */
export const UNKNOWN_ORDER_ID = "00000000-0000-4000-8000-000000000000";

/** Variables the scenario captures, seeded empty in the collection. */
export const WORKFLOW_VARIABLES = [
  "customerId",
  "accountKey",
  "restaurantId",
  "menuItemId",
  "menuItemPriceTetri",
  "orderId",
  "orderTotalTetri",
  "settlementPolls",
] as const;

/** How often the scenario looks at the paid order before it must be settled on chain (every 500 ms). */
const SETTLEMENT_POLLS = 60;

interface Step extends RequestOverrides {
  readonly operationId: string;
  readonly name: string;
}

function scenario(): Step[] {
  return [
    {
      operationId: "createCustodialAccount",
      name: "1. Sign in without a wallet (custodial account)",
      auth: "none",
      tests: [
        "const session = pm.response.json();",
        'pm.collectionVariables.set("token", session.token);',
        'pm.collectionVariables.set("customerId", session.user.id);',
        'pm.collectionVariables.set("accountKey", session.account_key);',
      ],
    },
    // 2. GET /health is not an /api/v1 operation: see healthItem.
    {
      operationId: "listRestaurants",
      name: "3. List restaurants",
      query: { limit: "100" },
      tests: [
        'pm.test("there is an active restaurant", function () {',
        '  const active = pm.response.json().restaurants.filter(function (r) { return r.status === "active"; });',
        "  pm.expect(active.length).to.be.above(0);",
        "});",
      ],
    },
    {
      operationId: "listMenu",
      name: "4. The menu",
      query: { limit: "100" },
      tests: [
        "const items = pm.response.json().items;",
        'pm.test("the menu has an item to order", function () {',
        "  pm.expect(items.length).to.be.above(0);",
        "});",
        "if (items.length > 0) {",
        '  pm.collectionVariables.set("menuItemId", items[0].id);',
        '  pm.collectionVariables.set("restaurantId", items[0].restaurant_id);',
        '  pm.collectionVariables.set("menuItemPriceTetri", String(items[0].price_tetri));',
        "}",
      ],
    },
    {
      operationId: "createOrder",
      name: "5. Place an order (the seed's body)",
      body: {
        restaurant_id: "{{restaurantId}}",
        items: [{ id: "{{menuItemId}}", quantity: 2 }],
        customer_id: "{{customerId}}",
      },
      tests: [
        "const order = pm.response.json();",
        'pm.test("the order is placed and priced from the menu", function () {',
        '  pm.expect(order.status).to.equal("placed");',
        '  pm.expect(order.customer_id).to.equal(pm.collectionVariables.get("customerId"));',
        '  pm.expect(order.restaurant_id).to.equal(pm.collectionVariables.get("restaurantId"));',
        '  pm.expect(order.total_tetri).to.equal(2 * Number(pm.collectionVariables.get("menuItemPriceTetri")));',
        '  pm.expect(pm.response.headers.get("Location")).to.equal("/api/v1/orders/" + order.id);',
        "});",
        'pm.collectionVariables.set("orderId", order.id);',
        'pm.collectionVariables.set("orderTotalTetri", String(order.total_tetri));',
      ],
    },
    {
      operationId: "getOrder",
      name: "6. Track the order",
      pathParams: { id: "{{orderId}}" },
      tests: [
        'pm.test("it is the order, not paid yet", function () {',
        '  pm.expect(pm.response.json().id).to.equal(pm.collectionVariables.get("orderId"));',
        '  pm.expect(pm.response.json().status).to.equal("placed");',
        "});",
      ],
    },
    {
      operationId: "payOrder",
      name: "7. Pay it by card",
      pathParams: { id: "{{orderId}}" },
      body: { method: "card", payment_method: "pm_card_visa" },
      tests: [
        'pm.test("the card payment succeeded for the whole total", function () {',
        "  const payment = pm.response.json();",
        '  pm.expect(payment.method).to.equal("card");',
        '  pm.expect(payment.status).to.equal("succeeded");',
        '  pm.expect(payment.amount_tetri).to.equal(Number(pm.collectionVariables.get("orderTotalTetri")));',
        "});",
        'pm.collectionVariables.set("settlementPolls", "0");',
      ],
    },
    {
      operationId: "getOrder",
      name: "8. Track the paid order until it is settled on chain",
      pathParams: { id: "{{orderId}}" },
      tests: [
        "const paid = pm.response.json();",
        'const polls = Number(pm.collectionVariables.get("settlementPolls") || "0");',
        "// The card processor's webhook marks it paid, then the relayer settles it on chain: until then, look again.",
        `if ((paid.status === "placed" || paid.status === "paid") && polls < ${SETTLEMENT_POLLS}) {`,
        '  pm.collectionVariables.set("settlementPolls", String(polls + 1));',
        "  setTimeout(function () {}, 500);",
        "  postman.setNextRequest(pm.info.requestId);",
        "} else {",
        '  pm.test("the order was paid by card and settled on chain", function () {',
        '    pm.expect(paid.payment_method).to.equal("card");',
        '    pm.expect(paid.paid_at).to.be.a("string");',
        '    pm.expect(paid.status).to.equal("settled");',
        '    pm.expect(paid.chain.status).to.equal("settled");',
        '    pm.expect(paid.settled_at).to.be.a("string");',
        "    pm.expect(paid.chain.tx_hash).to.match(/^0x[0-9a-f]{64}$/);",
        "  });",
        "}",
      ],
    },
    {
      operationId: "getOrder",
      name: "9. Without a token: 401",
      pathParams: { id: "{{orderId}}" },
      auth: "none",
      status: 401,
    },
    {
      operationId: "createOrder",
      name: "10. With a bad body: 400 naming the field",
      body: { restaurant_id: "{{restaurantId}}", items: [{ id: "{{menuItemId}}", quantity: 0 }] },
      status: 400,
      tests: [
        'pm.test("issues name the wrong field", function () {',
        "  const issues = pm.response.json().issues;",
        '  pm.expect(issues).to.be.an("array").that.is.not.empty;',
        '  pm.expect(issues.map(function (issue) { return issue.path; })).to.include("body.items.0.quantity");',
        "});",
      ],
    },
    {
      operationId: "getOrder",
      name: "11. An unknown order: 404",
      pathParams: { id: UNKNOWN_ORDER_ID },
      status: 404,
    },
  ];
}

/** GET /health: outside /api/v1, so not in the document. */
function healthItem(idPrefix: string): PostmanRequestItem {
  return {
    id: `${idPrefix}health`,
    name: "2. Health",
    request: {
      method: "GET",
      header: [],
      url: { raw: "{{baseUrl}}/health", host: ["{{baseUrl}}"], path: ["health"] },
      auth: NO_AUTH,
      description: "Database, chain and indexer reachable; how far behind the mirror is.",
    },
    event: [
      {
        listen: "test",
        script: {
          type: "text/javascript",
          exec: checkScript(200, undefined, [
            'pm.test("the database and the chain answer", function () {',
            "  const health = pm.response.json();",
            '  pm.expect(health.status).to.be.oneOf(["ok", "degraded"]);',
            "  pm.expect(health.parts.db.ok).to.equal(true);",
            "  pm.expect(health.parts.chain.ok).to.equal(true);",
            "});",
          ]),
        },
      },
    ],
  };
}

function operationById(document: OpenApiDocument, operationId: string): OperationAt {
  const found = operationsOf(document).find((candidate) => candidate.operation.operationId === operationId);
  if (found === undefined) throw new Error(`the document has no operation ${operationId}`);
  return found;
}

export function workflowItems(document: OpenApiDocument): PostmanRequestItem[] {
  const prefix = "workflow-";
  const items = scenario().map((step) =>
    requestItem(document, operationById(document, step.operationId), step, prefix),
  );
  return [...items.slice(0, 1), healthItem(prefix), ...items.slice(1)];
}

// ---------------------------------------------------------------- the collection

export interface CollectionOptions {
  /** Where the server is (the `baseUrl` variable's initial value). */
  readonly baseUrl?: string;
  readonly name?: string;
}

export function postmanCollection(document: OpenApiDocument, options: CollectionOptions = {}): PostmanCollection {
  const info = document.info as { title?: string; version?: string; description?: string } | undefined;
  const folders = new Map<string, PostmanRequestItem[]>();
  for (const at of operationsOf(document)) {
    const tag = at.operation.tags?.[0] ?? "other";
    folders.set(tag, [...(folders.get(tag) ?? []), requestItem(document, at)]);
  }
  return {
    info: {
      name: options.name ?? `${info?.title ?? "API"} ${info?.version ?? ""}`.trim(),
      description:
        `${info?.description ?? ""}\n\nGenerated from the OpenAPI document. Each request checks the documented ` +
        `status and validates the body against the documented schema. "${WORKFLOW_FOLDER}" walks the seed's ` +
        "scenario against a live server with a menu: run that folder in order.",
      schema: POSTMAN_SCHEMA,
    },
    variable: [
      { key: "baseUrl", value: options.baseUrl ?? "http://localhost:3000", type: "string" },
      { key: "token", value: "", type: "string", description: "Bearer token (POST /api/v1/auth/… answers one)" },
      { key: "apiKey", value: "", type: "string", description: "A restaurant's point-of-sale key (X-API-Key)" },
      ...WORKFLOW_VARIABLES.map((key): PostmanVariable => ({ key, value: "", type: "string" })),
    ],
    item: [
      ...[...folders].map(([name, item]): PostmanFolder => ({ name, item })),
      {
        name: WORKFLOW_FOLDER,
        description:
          "Sign in, health, restaurants, menu, order, track, pay by card, track until settled, then the refusals.",
        item: workflowItems(document),
      },
    ],
  };
}
