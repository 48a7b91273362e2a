/**
 * The Hot Pot Spot's REST API as the load generator uses it: sign-in (SIWE with a local key, or
 * a custodial account), restaurants and menus, and the seed's order body. Setup calls retry when
 * rate-limited (429); the measured requests never go through here.
 */
import { setTimeout as delay } from "node:timers/promises";

import type { LocalAccount } from "viem";
import { createSiweMessage } from "viem/siwe";

import { HttpStatusError, type HttpClient } from "./http-client.ts";

export const API_PREFIX = "/api/v1";

export interface Session {
  readonly token: string;
  readonly userId: string;
  readonly address: string;
  readonly roles: readonly string[];
}

interface SessionJson {
  token: string;
  user: { id: string; address: string; roles?: string[] };
}

interface NonceJson {
  nonce: string;
  domain: string;
  uri: string;
  chain_id: number;
  statement?: string;
}

export const bearer = (session: Session): Record<string, string> => ({ authorization: `Bearer ${session.token}` });

/** `call`, again after a pause while the API answers 429 (at most `attempts` times). */
export async function retryRateLimited<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.status === 429) || attempt >= attempts) throw error;
      await delay(Math.min(5_000, 100 * 2 ** attempt));
    }
  }
}

function sessionOf(json: SessionJson): Session {
  return { token: json.token, userId: json.user.id, address: json.user.address, roles: json.user.roles ?? [] };
}

/** Real wallet sign-in: nonce, EIP-4361 message signed by `account`, POST /auth/siwe. */
export async function signInWithWallet(client: HttpClient, account: LocalAccount): Promise<Session> {
  return retryRateLimited(async () => {
    const challenge = await client.json<NonceJson>("GET", `${API_PREFIX}/auth/nonce`);
    const message = createSiweMessage({
      address: account.address,
      chainId: challenge.chain_id,
      domain: challenge.domain,
      uri: challenge.uri,
      nonce: challenge.nonce,
      version: "1",
      issuedAt: new Date(),
      ...(challenge.statement === undefined ? {} : { statement: challenge.statement }),
    });
    const signature = await account.signMessage({ message });
    return sessionOf(await client.json<SessionJson>("POST", `${API_PREFIX}/auth/siwe`, { message, signature }));
  });
}

/** A new custodial account (no wallet), signed in. */
export async function signInCustodial(client: HttpClient): Promise<Session> {
  return retryRateLimited(async () =>
    sessionOf(await client.json<SessionJson>("POST", `${API_PREFIX}/auth/custodial`, {}, undefined, 201)),
  );
}

/** Runs `task(i)` for i in 0..count-1, `concurrency` at a time; results in order. */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export interface RestaurantJson {
  id: string;
  status: string;
  name: string | null;
}

export interface MenuItemJson {
  id: string;
  restaurant_id: string;
  name: string;
  price?: string;
  available?: boolean;
}

export async function registerRestaurant(
  client: HttpClient,
  admin: Session,
  input: { name: string; location: string; owner: string; feeBps: number },
): Promise<RestaurantJson> {
  return retryRateLimited(() =>
    client.json<RestaurantJson>(
      "POST",
      `${API_PREFIX}/restaurants`,
      { name: input.name, location: input.location, owner: input.owner, fee_bps: input.feeBps },
      bearer(admin),
      201,
    ),
  );
}

/** Polls GET /restaurants/{id} until it is active (the relayer registered it, the indexer mirrored it). */
export async function waitUntilActive(client: HttpClient, id: string, timeoutMs: number): Promise<RestaurantJson> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const restaurant = await retryRateLimited(() =>
      client.json<RestaurantJson>("GET", `${API_PREFIX}/restaurants/${id}`),
    );
    if (restaurant.status === "active") return restaurant;
    if (performance.now() > deadline)
      throw new Error(`restaurant ${id} still "${restaurant.status}" after ${timeoutMs / 1_000} s`);
    await delay(200);
  }
}

export async function addMenuItem(
  client: HttpClient,
  as: Session,
  restaurantId: string,
  item: { name: string; description: string; price: string },
): Promise<MenuItemJson> {
  return retryRateLimited(() =>
    client.json<MenuItemJson>("POST", `${API_PREFIX}/restaurants/${restaurantId}/menu`, item, bearer(as), 201),
  );
}

/** The seed's order body: `{restaurant_id, items: [{id, quantity}], customer_id}`. */
export interface OrderBody {
  readonly restaurant_id: string;
  readonly items: readonly { readonly id: string; readonly quantity: number }[];
  readonly customer_id: string;
}

/** The seed's two-line order (2 × the first item, 1 × the second) for `customerId`. */
export function seedOrderBody(restaurantId: string, itemIds: readonly string[], customerId: string): OrderBody {
  const [first, second] = itemIds;
  if (first === undefined) throw new Error("an order needs at least one menu item");
  return {
    restaurant_id: restaurantId,
    items:
      second === undefined
        ? [{ id: first, quantity: 2 }]
        : [
            { id: first, quantity: 2 },
            { id: second, quantity: 1 },
          ],
    customer_id: customerId,
  };
}
