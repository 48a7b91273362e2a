/**
 * GraphQL over HTTP with documents typed by the codegen client preset: queries by POST, and
 * subscriptions over Server-Sent Events (the API's yoga server speaks them on GET /graphql),
 * read with the browser's own EventSource, which also reconnects after a dropped connection.
 */
import type { TypedDocumentString } from "../generated/gql/graphql.ts";
import { ApiProblem } from "./rest.ts";

const ENDPOINT = "/graphql";

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string }[];
}

export async function query<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (error) {
    throw new ApiProblem(undefined, undefined, error instanceof Error ? error.message : String(error));
  }
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<R>;
  const first = body.errors?.[0];
  if (first !== undefined || body.data == null) {
    throw new ApiProblem(response.status, { error: first?.message ?? "no data" }, response.statusText);
  }
  return body.data;
}

/** Calls `onData` with each event's data until the returned function is called. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  onData: (data: R) => void,
): () => void {
  const url = `${ENDPOINT}?${new URLSearchParams({
    query: document.toString(),
    variables: JSON.stringify(variables),
  }).toString()}`;
  const source = new EventSource(url);
  const deliver = (event: MessageEvent<string>): void => {
    const body = JSON.parse(event.data) as GraphQLResponse<R>;
    if (body.data != null) onData(body.data);
  };
  // The GraphQL-over-SSE "distinct connections" format names its events `next`; older servers send plain messages.
  source.addEventListener("next", deliver);
  source.onmessage = deliver;
  source.addEventListener("complete", () => {
    source.close();
  });
  return () => {
    source.close();
  };
}
