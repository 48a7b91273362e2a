/**
 * A local stand-in for Twitch, speaking its wire format at the paths twurple uses when
 * TWURPLE_MOCK_API_PORT is set (those of `twitch-cli mock-api`): `POST /auth/token` (app access
 * token), `GET /mock/users`, `GET /mock/streams`, `POST /eventsub/subscriptions`. Like Twitch, a
 * new webhook subscription is verified by POSTing a `webhook_callback_verification` challenge to
 * the callback, and it is enabled only if the callback echoes it. `goLive` / `goOffline` change a
 * channel's state and deliver signed `stream.online` / `stream.offline` notifications; `deliver`
 * sends any message (a replay, a stale timestamp, a bad signature) for tests.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Twitch's EventSub signature, written out here so that the stand-in checks the adapter rather than sharing its code. */
function eventSubSignature(secret: string, id: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(id).update(timestamp).update(body).digest("hex")}`;
}

export interface FakeTwitchUser {
  readonly id: string;
  readonly login: string;
}

interface Subscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: { broadcaster_user_id: string };
  transport: { method: "webhook"; callback: string; secret: string };
  created_at: string;
}

export interface Delivery {
  readonly status: number;
  readonly body: string;
}

export interface DeliverOptions {
  readonly id?: string;
  readonly timestamp?: Date;
  /** Sign with this secret instead of the subscription's. */
  readonly secret?: string;
}

export interface FakeTwitch {
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  addUser(login: string): FakeTwitchUser;
  subscriptions(): readonly Readonly<Subscription>[];
  /** The channel goes live: Helix reports its stream and stream.online is delivered. */
  goLive(userId: string, startedAt?: Date): Promise<Delivery[]>;
  /** The channel ends its stream; `notify: false` loses the notification (as when delivery fails for good). */
  goOffline(userId: string, options?: { notify?: boolean; at?: Date }): Promise<Delivery[]>;
  /** Sends a notification of `type` for `userId` to its subscription's callback. */
  deliver(type: "stream.online" | "stream.offline", userId: string, options?: DeliverOptions): Promise<Delivery>;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeTwitch(): Promise<FakeTwitch> {
  const clientId = `client-${randomBytes(4).toString("hex")}`;
  const clientSecret = randomBytes(12).toString("hex");
  const token = randomBytes(15).toString("hex");
  const users = new Map<string, FakeTwitchUser>();
  const streams = new Map<string, { id: string; started_at: string }>();
  const subscriptions: Subscription[] = [];
  let nextUserId = 141981764;

  const userOf = (id: string): FakeTwitchUser | undefined => users.get(id);

  async function post(
    subscription: Subscription,
    type: string,
    body: unknown,
    options: DeliverOptions = {},
  ): Promise<Delivery> {
    const text = JSON.stringify(body);
    const id = options.id ?? randomUUID();
    const timestamp = (options.timestamp ?? new Date()).toISOString();
    const response = await fetch(subscription.transport.callback, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "Twitch-Eventsub-Message-Id": id,
        "Twitch-Eventsub-Message-Retry": "0",
        "Twitch-Eventsub-Message-Type": type,
        "Twitch-Eventsub-Message-Signature": eventSubSignature(
          options.secret ?? subscription.transport.secret,
          id,
          timestamp,
          text,
        ),
        "Twitch-Eventsub-Message-Timestamp": timestamp,
        "Twitch-Eventsub-Subscription-Type": subscription.type,
        "Twitch-Eventsub-Subscription-Version": subscription.version,
      },
      body: text,
    });
    return { status: response.status, body: await response.text() };
  }

  const publicSubscription = (subscription: Subscription) => ({
    id: subscription.id,
    status: subscription.status,
    type: subscription.type,
    version: subscription.version,
    cost: 1,
    condition: subscription.condition,
    transport: { method: subscription.transport.method, callback: subscription.transport.callback },
    created_at: subscription.created_at,
  });

  async function verify(subscription: Subscription): Promise<void> {
    const challenge = randomBytes(16).toString("hex");
    try {
      const reply = await post(subscription, "webhook_callback_verification", {
        challenge,
        subscription: publicSubscription(subscription),
      });
      subscription.status =
        reply.status === 200 && reply.body === challenge ? "enabled" : "webhook_callback_verification_failed";
    } catch {
      subscription.status = "webhook_callback_verification_failed";
    }
  }

  function authorised(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${token}` && request.headers["client-id"] === clientId;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "POST" && url.pathname === "/auth/token") {
      const ok =
        url.searchParams.get("client_id") === clientId &&
        url.searchParams.get("client_secret") === clientSecret &&
        url.searchParams.get("grant_type") === "client_credentials";
      if (!ok) {
        send(response, 403, { status: 403, message: "invalid client secret" });
        return;
      }
      send(response, 200, { access_token: token, expires_in: 5011271, token_type: "bearer" });
      return;
    }
    if (!authorised(request)) {
      send(response, 401, { error: "Unauthorized", status: 401, message: "Invalid OAuth token" });
      return;
    }
    if (request.method === "GET" && url.pathname === "/mock/users") {
      const logins = url.searchParams.getAll("login").map((login) => login.toLowerCase());
      const ids = url.searchParams.getAll("id");
      const found = [...users.values()].filter((user) => logins.includes(user.login) || ids.includes(user.id));
      send(response, 200, {
        data: found.map((user) => ({
          id: user.id,
          login: user.login,
          display_name: user.login,
          type: "",
          broadcaster_type: "partner",
          description: "Kitchen cam",
          profile_image_url: "",
          offline_image_url: "",
          view_count: 0,
          created_at: "2026-01-01T00:00:00Z",
        })),
      });
      return;
    }
    if (request.method === "GET" && url.pathname === "/mock/streams") {
      const ids = url.searchParams.getAll("user_id");
      const data = ids.flatMap((id) => {
        const stream = streams.get(id);
        const user = userOf(id);
        if (stream === undefined || user === undefined) return [];
        return [
          {
            id: stream.id,
            user_id: id,
            user_login: user.login,
            user_name: user.login,
            game_id: "509658",
            game_name: "Just Chatting",
            type: "live",
            title: "Hot pot kitchen",
            viewer_count: 12,
            started_at: stream.started_at,
            language: "ka",
            thumbnail_url: "",
            tag_ids: [],
            tags: [],
            is_mature: false,
          },
        ];
      });
      send(response, 200, { data, pagination: {} });
      return;
    }
    if (request.method === "POST" && url.pathname === "/eventsub/subscriptions") {
      const body = JSON.parse(await readBody(request)) as Partial<Omit<Subscription, "id" | "status" | "created_at">>;
      const { type, version, condition, transport } = body;
      if (
        transport?.method !== "webhook" ||
        !/^https?:\/\//.test(transport.callback) ||
        type === undefined ||
        condition === undefined
      ) {
        send(response, 400, { error: "Bad Request", status: 400, message: "invalid subscription request" });
        return;
      }
      if (transport.secret.length < 10 || transport.secret.length > 100) {
        send(response, 400, { error: "Bad Request", status: 400, message: "secret must be 10-100 characters" });
        return;
      }
      const duplicate = subscriptions.find(
        (existing) =>
          existing.type === type &&
          existing.condition.broadcaster_user_id === condition.broadcaster_user_id &&
          existing.transport.callback === transport.callback &&
          existing.status === "enabled",
      );
      if (duplicate !== undefined) {
        send(response, 409, { error: "Conflict", status: 409, message: "subscription already exists" });
        return;
      }
      const subscription: Subscription = {
        id: randomUUID(),
        status: "webhook_callback_verification_pending",
        type,
        version: version ?? "1",
        condition,
        transport,
        created_at: new Date().toISOString(),
      };
      subscriptions.push(subscription);
      send(response, 202, {
        data: [publicSubscription(subscription)],
        total: subscriptions.length,
        total_cost: subscriptions.length,
        max_total_cost: 10000,
      });
      await verify(subscription);
      return;
    }
    send(response, 404, { error: "Not Found", status: 404, message: `no fake for ${request.method} ${url.pathname}` });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  function subscriptionFor(type: string, userId: string): Subscription {
    const subscription = subscriptions.find(
      (candidate) =>
        candidate.type === type && candidate.condition.broadcaster_user_id === userId && candidate.status === "enabled",
    );
    if (subscription === undefined) throw new Error(`no enabled ${type} subscription for ${userId}`);
    return subscription;
  }

  async function deliver(
    type: "stream.online" | "stream.offline",
    userId: string,
    options: DeliverOptions = {},
  ): Promise<Delivery> {
    const subscription = subscriptionFor(type, userId);
    const user = userOf(userId);
    const base = {
      broadcaster_user_id: userId,
      broadcaster_user_login: user?.login,
      broadcaster_user_name: user?.login,
    };
    const event =
      type === "stream.online"
        ? {
            id: streams.get(userId)?.id ?? "0",
            ...base,
            type: "live",
            started_at: streams.get(userId)?.started_at ?? new Date().toISOString(),
          }
        : base;
    return post(subscription, "notification", { subscription: publicSubscription(subscription), event }, options);
  }

  return {
    port: (server.address() as AddressInfo).port,
    clientId,
    clientSecret,
    addUser(login) {
      const user = { id: String(nextUserId++), login: login.toLowerCase() };
      users.set(user.id, user);
      return user;
    },
    subscriptions: () => subscriptions.map((subscription) => ({ ...subscription })),
    async goLive(userId, startedAt = new Date()) {
      streams.set(userId, { id: String(Date.now()), started_at: startedAt.toISOString() });
      return [await deliver("stream.online", userId)];
    },
    async goOffline(userId, options = {}) {
      streams.delete(userId);
      if (options.notify === false) return [];
      return [await deliver("stream.offline", userId, { timestamp: options.at })];
    },
    deliver,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
