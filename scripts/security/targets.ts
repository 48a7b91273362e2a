/**
 * What `npm run security:scan` attacks, read from the committed API contracts as an outsider would:
 * every REST operation in openapi.yaml (path and query parameters, JSON bodies built from the
 * schemas' examples), the GraphQL endpoint's variables, and the vendors' webhook endpoints. Each
 * value the scanners may rewrite carries sqlmap's custom injection mark `*`; wapiti takes the GET
 * URLs without marks.
 */
export const INJECTION_MARK = "*";

export interface ScanTarget {
  /** "GET /api/v1/orders/{id}", for the report. */
  readonly label: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, injection points marked. */
  readonly path: string;
  /** JSON body, injection points marked. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type Schema = Readonly<Record<string, unknown>>;
interface Operation {
  readonly parameters?: readonly { name: string; in: string; schema?: Schema }[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApi {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** A value for a schema: its first example, else the simplest value of its type; strings marked. */
function sample(document: OpenApi, schema: Schema | undefined, depth = 0): unknown {
  if (schema === undefined || depth > 8) return "x";
  const ref = schema.$ref;
  if (typeof ref === "string") {
    return sample(document, document.components?.schemas?.[ref.replace("#/components/schemas/", "")], depth + 1);
  }
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants?.[0] !== undefined) return sample(document, variants[0], depth + 1);
  if (schema.type === "object" || schema.properties !== undefined) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    return Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, sample(document, property, depth + 1)]),
    );
  }
  if (schema.type === "array") return [sample(document, schema.items as Schema | undefined, depth + 1)];
  const examples = schema.examples as unknown[] | undefined;
  const example = examples?.[0] ?? schema.default ?? (schema.enum as unknown[] | undefined)?.[0];
  if (typeof example === "string") return `${example}${INJECTION_MARK}`;
  if (example !== undefined) return example;
  if (schema.type === "integer" || schema.type === "number") return 1;
  if (schema.type === "boolean") return true;
  return `x${INJECTION_MARK}`;
}

/**
 * Every REST operation of `document`. `known` gives real values for path parameters (e.g. a seeded
 * restaurant's id for `/api/v1/restaurants/{id}`) so reads reach their data, keyed by the path
 * template and the parameter name; otherwise the schema's example is used.
 */
export function restTargets(document: OpenApi, known: Readonly<Record<string, string>> = {}): ScanTarget[] {
  const targets: ScanTarget[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const parameters = operation.parameters ?? [];
      let path = template;
      for (const parameter of parameters.filter((candidate) => candidate.in === "path")) {
        const value = known[`${template} ${parameter.name}`] ?? String(sample(document, parameter.schema));
        path = path.replace(`{${parameter.name}}`, value.endsWith(INJECTION_MARK) ? value : value + INJECTION_MARK);
      }
      const query = new URLSearchParams();
      for (const parameter of parameters.filter((candidate) => candidate.in === "query")) {
        query.set(parameter.name, String(sample(document, parameter.schema)));
      }
      const search = query.toString().replaceAll("%2A", INJECTION_MARK);
      const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
      targets.push({
        label: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase() as ScanTarget["method"],
        path: search === "" ? path : `${path}?${search}`,
        ...(bodySchema === undefined ? {} : { body: JSON.stringify(sample(document, bodySchema)) }),
      });
    }
  }
  return targets;
}

/** GraphQL operations whose variables reach the mirror's queries and the API's own tables. */
const GRAPHQL_OPERATIONS: readonly { name: string; query: string; variables: Record<string, unknown> }[] = [
  {
    name: "order",
    query: "query ($id: ID!, $block: Int) { order(orderId: $id, asOfBlock: $block) { orderId status price } }",
    variables: { id: "0x01", block: 1 },
  },
  {
    name: "account",
    query: "query ($address: String!) { account(address: $address) { address balance } }",
    variables: { address: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc" },
  },
  {
    name: "events",
    query:
      "query ($name: String, $tx: String, $account: String) { events(where: { eventName: $name, txHash: $tx, account: $account }) { nodes { blockNumber eventName } } }",
    variables: { name: "OrderPlaced", tx: "0x00", account: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc" },
  },
  {
    name: "placedOrder",
    query: "query ($id: ID!) { placedOrder(id: $id) { id status } }",
    variables: { id: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2" },
  },
  {
    name: "platformParameter",
    query: "query ($key: String!) { platformParameter(key: $key) { key value } }",
    variables: { key: "rewardBps" },
  },
];

export function graphqlTargets(): ScanTarget[] {
  return GRAPHQL_OPERATIONS.map(({ name, query, variables }) => ({
    label: `POST /graphql ${name}`,
    method: "POST",
    path: "/graphql",
    body: JSON.stringify({
      query,
      variables: Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          typeof value === "string" ? value + INJECTION_MARK : value,
        ]),
      ),
    }),
  }));
}

/** The webhook endpoints as their vendors call them; the signatures are wrong, as an attacker's would be. */
export function webhookTargets(): ScanTarget[] {
  const at = Math.floor(Date.now() / 1000);
  return [
    {
      label: "POST /webhooks/stripe",
      method: "POST",
      path: "/webhooks/stripe",
      body: JSON.stringify({
        id: `evt_1${INJECTION_MARK}`,
        type: `payment_intent.succeeded${INJECTION_MARK}`,
        data: { object: { id: `pi_1${INJECTION_MARK}`, metadata: { order_id: `x${INJECTION_MARK}` } } },
      }),
      headers: { "stripe-signature": `t=${String(at)},v1=${"0".repeat(64)}` },
    },
    {
      label: "POST /webhooks/onfido",
      method: "POST",
      path: "/webhooks/onfido",
      body: JSON.stringify({
        payload: {
          resource_type: `check${INJECTION_MARK}`,
          action: "check.completed",
          object: { id: `c${INJECTION_MARK}` },
        },
      }),
      headers: { "x-sha2-signature": "0".repeat(64) },
    },
    {
      label: "POST /webhooks/twitch",
      method: "POST",
      path: "/webhooks/twitch",
      body: JSON.stringify({
        subscription: { type: `stream.online${INJECTION_MARK}` },
        event: { broadcaster_user_id: `1${INJECTION_MARK}` },
      }),
      headers: {
        "twitch-eventsub-message-id": "m1",
        "twitch-eventsub-message-timestamp": new Date().toISOString(),
        "twitch-eventsub-message-signature": `sha256=${"0".repeat(64)}`,
        "twitch-eventsub-message-type": "notification",
      },
    },
  ];
}
