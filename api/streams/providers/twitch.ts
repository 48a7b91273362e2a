/**
 * Twitch: the owner names their channel; the platform subscribes to its EventSub `stream.online`
 * and `stream.offline` (webhook transport, our secret) through @twurple/api, and those
 * notifications drive live status (api/streams/twitch-webhook.ts). `isLive` asks Helix for the
 * channel's stream, which the sweeper uses as a sign of life between notifications.
 *
 * Env: TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET (app access token), TWITCH_EVENTSUB_SECRET (10–100
 * chars), TWITCH_EVENTSUB_CALLBACK (our public https URL of /api/v1/webhooks/twitch). Tests set
 * twurple's own TWURPLE_MOCK_API_PORT to send every call to the local fake (local/twitch.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import { ApiClient } from "@twurple/api";
import { AppTokenAuthProvider } from "@twurple/auth";

import { StreamProviderInputError, type PreparedStream, type StreamProvider } from "../provider.ts";

export interface TwitchOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly eventSubSecret: string;
  readonly callbackUrl: string;
}

export function twitchApiClient(options: Pick<TwitchOptions, "clientId" | "clientSecret">): ApiClient {
  return new ApiClient({ authProvider: new AppTokenAuthProvider(options.clientId, options.clientSecret) });
}

const CHANNEL = /^[a-zA-Z0-9_]{3,25}$/;

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

export function createTwitchProvider(
  options: TwitchOptions,
  api: ApiClient = twitchApiClient(options),
): StreamProvider {
  const transport = { method: "webhook" as const, callback: options.callbackUrl, secret: options.eventSubSecret };
  return {
    name: "twitch",
    async prepare(_restaurantId, request): Promise<PreparedStream> {
      const channel = request.channel;
      if (channel === undefined || !CHANNEL.test(channel)) {
        throw new StreamProviderInputError("a Twitch stream needs `channel`: the channel's login name");
      }
      const user = await api.users.getUserByName(channel);
      if (user === null) throw new StreamProviderInputError(`no Twitch channel named ${channel}`);
      for (const subscribe of [
        () => api.eventSub.subscribeToStreamOnlineEvents(user.id, transport),
        () => api.eventSub.subscribeToStreamOfflineEvents(user.id, transport),
      ]) {
        try {
          await subscribe();
        } catch (error) {
          if (statusOf(error) !== 409) throw error; // 409: already subscribed
        }
      }
      return { providerRef: user.id, playbackUrl: `https://www.twitch.tv/${user.name}` };
    },
    async finish(): Promise<void> {
      // The subscriptions stay: notifications for a stopped stream are ignored, and a restart reuses them.
    },
    async isLive(providerRef): Promise<boolean> {
      return (await api.streams.getStreamByUserId(providerRef)) !== null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// EventSub webhook messages
// ---------------------------------------------------------------------------------------------

export const EVENTSUB_HEADERS = {
  id: "twitch-eventsub-message-id",
  timestamp: "twitch-eventsub-message-timestamp",
  signature: "twitch-eventsub-message-signature",
  type: "twitch-eventsub-message-type",
} as const;

/** Twitch's advice: refuse messages older than 10 minutes (and as far in the future). */
export const EVENTSUB_WINDOW_MS = 10 * 60 * 1000;

export function eventSubSignature(secret: string, id: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(id).update(timestamp).update(body).digest("hex")}`;
}

export type EventSubCheck =
  | { readonly ok: true; readonly id: string; readonly timestamp: Date; readonly type: string }
  | { readonly ok: false; readonly reason: string };

/** Checks the signature (HMAC-SHA256 over id + timestamp + raw body) and the timestamp window. */
export function verifyEventSubMessage(
  header: (name: string) => string | undefined,
  body: Buffer,
  secret: string,
  now: Date = new Date(),
): EventSubCheck {
  const id = header(EVENTSUB_HEADERS.id);
  const timestamp = header(EVENTSUB_HEADERS.timestamp);
  const signature = header(EVENTSUB_HEADERS.signature);
  const type = header(EVENTSUB_HEADERS.type);
  if (!id || !timestamp || !signature || !type) return { ok: false, reason: "missing EventSub headers" };
  const expected = Buffer.from(eventSubSignature(secret, id, timestamp, body));
  const presented = Buffer.from(signature);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    return { ok: false, reason: "bad signature" };
  }
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime())) return { ok: false, reason: "bad timestamp" };
  if (Math.abs(now.getTime() - at.getTime()) > EVENTSUB_WINDOW_MS)
    return { ok: false, reason: "timestamp outside the window" };
  return { ok: true, id, timestamp: at, type };
}
