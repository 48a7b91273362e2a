/**
 * Twitch EventSub webhook (`POST /api/v1/webhooks/twitch`). The signature is checked on the raw
 * body (HMAC-SHA256 over message id + timestamp + body with our EventSub secret), messages outside
 * the 10-minute window are refused, and each message id is handled once (`webhook_event`, source
 * 'twitch'; a retried or replayed message changes nothing). The subscription's
 * `webhook_callback_verification` challenge is echoed; `stream.online` / `stream.offline` make the
 * channel's restaurant live or offline.
 */
import express, { type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";

import type { Database } from "../../lib/db/client.ts";
import { verifyEventSubMessage } from "./providers/twitch.ts";
import { markSignatureRejected } from "../http/metrics.ts";
import type { StreamService } from "./service.ts";

export const TWITCH_WEBHOOK_PATH = "/webhooks/twitch";

interface EventSubBody {
  challenge?: string;
  subscription?: { type?: string; status?: string };
  event?: { broadcaster_user_id?: string; started_at?: string };
}

export interface TwitchWebhookOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly secret: string;
  readonly now?: () => Date;
}

export function twitchWebhook(service: StreamService, options: TwitchWebhookOptions): RequestHandler[] {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());

  async function handle(request: Request, response: Response): Promise<void> {
    const raw: unknown = request.body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const check = verifyEventSubMessage((name) => request.header(name), body, options.secret, now());
    if (!check.ok) {
      logger.warn({ reason: check.reason }, "Twitch EventSub message refused");
      markSignatureRejected(response, "twitch");
      response.status(403).json({ error: { code: "forbidden", message: check.reason } });
      return;
    }
    let message: EventSubBody;
    try {
      message = JSON.parse(body.toString("utf8")) as EventSubBody;
    } catch {
      response.status(400).json({ error: { code: "bad_request", message: "body is not JSON" } });
      return;
    }
    if (check.type === "webhook_callback_verification") {
      response
        .status(200)
        .type("text/plain")
        .send(message.challenge ?? "");
      return;
    }
    const eventType = message.subscription?.type ?? check.type;
    const dedupeId = `twitch:${check.id}`;
    const inserted = await db.pool.query(
      "INSERT INTO webhook_event (id, source, type) VALUES ($1, 'twitch', $2) ON CONFLICT (id) DO NOTHING",
      [dedupeId, eventType],
    );
    if (inserted.rowCount !== 1) {
      response.status(204).end(); // seen before: Twitch retries until it gets a 2xx
      return;
    }
    try {
      if (check.type === "revocation") {
        logger.warn(
          { type: eventType, status: message.subscription?.status },
          "Twitch revoked an EventSub subscription",
        );
      } else if (check.type === "notification") {
        const userId = message.event?.broadcaster_user_id;
        const restaurantId = userId === undefined ? undefined : await service.restaurantFor("twitch", userId);
        if (restaurantId === undefined) {
          logger.info({ type: eventType }, "Twitch notification for no restaurant's channel; ignored");
        } else if (eventType === "stream.online") {
          const startedAt = new Date(message.event?.started_at ?? check.timestamp.toISOString());
          await service.online(restaurantId, "twitch", Number.isNaN(startedAt.getTime()) ? check.timestamp : startedAt);
        } else if (eventType === "stream.offline") {
          await service.offline(restaurantId, check.timestamp, "provider_offline");
        }
      }
    } catch (error) {
      // Forget the id so Twitch's retry is processed.
      await db.pool.query("DELETE FROM webhook_event WHERE id = $1", [dedupeId]).catch(() => undefined);
      throw error;
    }
    response.status(204).end();
  }

  return [
    express.raw({ type: "*/*", limit: "64kb" }),
    (request, response, next) => {
      handle(request, response).catch(next);
    },
  ];
}
