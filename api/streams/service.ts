/**
 * Kitchen live streams: the owner starts and stops a restaurant's stream; the provider's events
 * (media-server publish/unpublish, Twitch EventSub, YouTube polling) make it live or offline; every
 * live period is a `stream_session` row, and hours streamed are the sum of their lengths.
 *
 * Every change happens in a transaction holding the restaurant's `kitchen_stream` row lock, so
 * events are idempotent and ordered per restaurant:
 * - online while a session is open: only a sign of life (no second session);
 * - online older than the end of the last session (a late or replayed event): ignored;
 * - offline with no open session (a duplicate): ignored; an offline time before the session began
 *   is clamped to its start;
 * - no sign of life for the heartbeat timeout: the sweeper closes the session at the last sign of
 *   life (`last_seen_at`), not at the time it noticed.
 * Each change is announced on Postgres channel `kitchen_stream` when it commits (the GraphQL
 * subscription follows it, in whichever process the event arrived).
 */
import type pg from "pg";
import type { Logger } from "pino";

import { inTransaction, type Database } from "../../lib/db/client.ts";
import { keyMatches } from "./keys.ts";
import { StreamProviderInputError, type StreamProvider, type StreamProviderName } from "./provider.ts";
import type { Principal } from "../auth/principal.ts";
import { DomainError, InvalidInput, Forbidden, NotFound, UpstreamFailed } from "../errors.ts";

export const STREAM_CHANNEL = "kitchen_stream";

export type StreamStatus = "offline" | "live" | "stopped";

export interface KitchenStreamView {
  readonly restaurant_id: string;
  readonly restaurant_name: string | null;
  readonly provider: StreamProviderName;
  readonly status: StreamStatus;
  readonly live: boolean;
  readonly playback_url: string | null;
  /** Start of the open session while live. */
  readonly live_since: string | null;
  readonly last_seen_at: string | null;
  readonly hours_streamed: number;
  readonly updated_at: string;
}

export interface StartedStream {
  readonly stream: KitchenStreamView;
  readonly ingest_url: string | null;
  /** Shown once; only its hash is kept. */
  readonly stream_key: string | null;
  /** ingest_url + "/" + stream_key: what `ffmpeg … -f flv <publish_url>` takes. */
  readonly publish_url: string | null;
}

export interface StreamHours {
  readonly total_hours: number;
  readonly sessions: number;
  readonly restaurants: { restaurant_id: string; hours: number; sessions: number }[];
}

/** What subscribers receive on STREAM_CHANNEL. */
export interface StreamChange {
  readonly restaurantId: string;
  readonly status: StreamStatus;
  readonly at: string;
}

export interface StreamServiceOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly access: { canManageRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean> };
  readonly providers: Partial<Record<StreamProviderName, StreamProvider>>;
  /** The provider a start without one uses (default "local"). */
  readonly defaultProvider?: StreamProviderName;
  readonly now?: () => Date;
}

interface StreamRow {
  restaurant_id: string;
  restaurant_name: string | null;
  provider: StreamProviderName;
  stream_key_hash: string | null;
  provider_ref: string | null;
  status: StreamStatus;
  playback_url: string | null;
  last_seen_at: Date | null;
  updated_at: Date;
  live_since: Date | null;
  seconds: string;
}

/** Seconds a session counts: to its end, or while open to the last sign of life. */
const SESSION_SECONDS = `GREATEST(0, EXTRACT(EPOCH FROM (COALESCE(s.ended_at, GREATEST(k.last_seen_at, s.started_at)) - s.started_at)))`;

const VIEW_SELECT = `
  SELECT k.restaurant_id::text, r.name AS restaurant_name, k.provider, k.stream_key_hash, k.provider_ref, k.status,
         k.playback_url, k.last_seen_at, k.updated_at,
         (SELECT max(s.started_at) FROM stream_session s WHERE s.restaurant_id = k.restaurant_id AND s.ended_at IS NULL) AS live_since,
         COALESCE((SELECT sum(${SESSION_SECONDS}) FROM stream_session s WHERE s.restaurant_id = k.restaurant_id), 0)::text AS seconds
    FROM kitchen_stream k
    LEFT JOIN restaurant r ON r.id = k.restaurant_id`;

const hoursOf = (seconds: number | string): number => Math.round((Number(seconds) / 3600) * 1e6) / 1e6;

function view(row: StreamRow): KitchenStreamView {
  return {
    restaurant_id: row.restaurant_id,
    restaurant_name: row.restaurant_name,
    provider: row.provider,
    status: row.status,
    live: row.status === "live",
    playback_url: row.playback_url,
    live_since: row.live_since?.toISOString() ?? null,
    last_seen_at: row.last_seen_at?.toISOString() ?? null,
    hours_streamed: hoursOf(row.seconds),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface StreamService {
  start(
    principal: Principal | undefined,
    restaurantId: bigint,
    request?: { provider?: StreamProviderName; channel?: string; title?: string },
  ): Promise<StartedStream>;
  stop(principal: Principal | undefined, restaurantId: bigint): Promise<KitchenStreamView>;
  get(restaurantId: bigint): Promise<KitchenStreamView | undefined>;
  listLive(): Promise<KitchenStreamView[]>;
  hours(): Promise<StreamHours>;
  /** Provider events. Each returns whether it changed anything. */
  online(restaurantId: bigint, provider: StreamProviderName, at: Date): Promise<boolean>;
  offline(restaurantId: bigint, at: Date, reason: string): Promise<boolean>;
  /** A sign of life from a live stream (moves last_seen_at forward only). */
  seen(restaurantId: bigint, at: Date): Promise<boolean>;
  /** The local media server: is `key` the restaurant's current key of a started local stream? */
  authorizeKey(restaurantId: bigint, key: string): Promise<boolean>;
  /** The local media server's heartbeat: a sign of life if the key is still valid; false otherwise. */
  aliveWithKey(restaurantId: bigint, key: string, at: Date): Promise<boolean>;
  /** The restaurant whose started stream has this provider reference. */
  restaurantFor(provider: StreamProviderName, providerRef: string): Promise<bigint | undefined>;
  /** Live streams of a provider with their references and last signs of life (for the sweeper). */
  liveStreams(): Promise<
    { restaurantId: bigint; provider: StreamProviderName; providerRef: string | null; lastSeenAt: Date }[]
  >;
  /** Started streams waiting for video, with their references (the sweeper polls providers without online events). */
  idleStreams(): Promise<{ restaurantId: bigint; provider: StreamProviderName; providerRef: string }[]>;
  readonly providers: Partial<Record<StreamProviderName, StreamProvider>>;
}

async function notify(client: pg.PoolClient, change: StreamChange): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [STREAM_CHANNEL, JSON.stringify(change)]);
}

export function createStreamService(options: StreamServiceOptions): StreamService {
  const { db, logger, providers } = options;
  const now = options.now ?? (() => new Date());
  const defaultProvider = options.defaultProvider ?? "local";

  async function get(restaurantId: bigint): Promise<KitchenStreamView | undefined> {
    const { rows } = await db.pool.query<StreamRow>(`${VIEW_SELECT} WHERE k.restaurant_id = $1`, [
      restaurantId.toString(),
    ]);
    return rows[0] === undefined ? undefined : view(rows[0]);
  }

  async function mustGet(restaurantId: bigint): Promise<KitchenStreamView> {
    const stream = await get(restaurantId);
    if (stream === undefined) throw new NotFound(`kitchen stream of restaurant ${restaurantId}`);
    return stream;
  }

  async function locked(
    client: pg.PoolClient,
    restaurantId: bigint,
  ): Promise<{ provider: StreamProviderName; status: StreamStatus; last_seen_at: Date | null } | undefined> {
    const { rows } = await client.query<{
      provider: StreamProviderName;
      status: StreamStatus;
      last_seen_at: Date | null;
    }>("SELECT provider, status, last_seen_at FROM kitchen_stream WHERE restaurant_id = $1 FOR UPDATE", [
      restaurantId.toString(),
    ]);
    return rows[0];
  }

  async function openSession(
    client: pg.PoolClient,
    restaurantId: bigint,
  ): Promise<{ id: string; started_at: Date } | undefined> {
    const { rows } = await client.query<{ id: string; started_at: Date }>(
      "SELECT id, started_at FROM stream_session WHERE restaurant_id = $1 AND ended_at IS NULL ORDER BY started_at DESC",
      [restaurantId.toString()],
    );
    return rows[0];
  }

  /** Ends the open session (if any) at `at`, clamped to its start; returns whether one was open. */
  async function closeSession(client: pg.PoolClient, restaurantId: bigint, at: Date, reason: string): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE stream_session SET ended_at = GREATEST(started_at, $2::timestamptz), end_reason = $3
        WHERE restaurant_id = $1 AND ended_at IS NULL`,
      [restaurantId.toString(), at, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  async function requireManage(principal: Principal | undefined, restaurantId: bigint): Promise<void> {
    if (!(await options.access.canManageRestaurant(principal, restaurantId))) {
      throw new Forbidden(`only restaurant ${restaurantId}'s franchisee or an admin may run its kitchen stream`);
    }
  }

  const service: StreamService = {
    providers,
    get,

    async start(principal, restaurantId, request = {}) {
      await requireManage(principal, restaurantId);
      const { rowCount } = await db.pool.query("SELECT 1 FROM restaurant WHERE id = $1", [restaurantId.toString()]);
      if (rowCount !== 1) throw new NotFound(`restaurant ${restaurantId}`);
      const name = request.provider ?? defaultProvider;
      const provider = providers[name];
      if (provider === undefined) throw new InvalidInput(`stream provider ${name} is not configured here`);
      const previous = await db.pool.query<{ provider: string; provider_ref: string | null }>(
        "SELECT provider, provider_ref FROM kitchen_stream WHERE restaurant_id = $1",
        [restaurantId.toString()],
      );
      const previousRef = previous.rows[0]?.provider === name ? (previous.rows[0].provider_ref ?? null) : null;
      let prepared;
      try {
        prepared = await provider.prepare(restaurantId, {
          previousRef,
          channel: request.channel,
          title: request.title,
        });
      } catch (error) {
        if (error instanceof DomainError) throw error;
        if (error instanceof StreamProviderInputError) throw new InvalidInput(error.message);
        logger.error({ err: error, provider: name, restaurantId: restaurantId.toString() }, "stream provider failed");
        throw new UpstreamFailed(`the ${name} stream provider did not prepare the stream`, "provider_error");
      }
      const at = now();
      await inTransaction(db.pool, async (client) => {
        await client.query(
          `INSERT INTO kitchen_stream (restaurant_id, provider, status, updated_at) VALUES ($1, $2, 'offline', $3)
           ON CONFLICT (restaurant_id) DO NOTHING`,
          [restaurantId.toString(), name, at],
        );
        const current = await locked(client, restaurantId);
        // A new key (or provider) ends whatever was streaming under the old one.
        const wasLive = await closeSession(client, restaurantId, at, "restarted");
        await client.query(
          `UPDATE kitchen_stream SET provider = $2, stream_key_hash = $3, provider_ref = $4, playback_url = $5,
                  status = 'offline', updated_at = $6 WHERE restaurant_id = $1`,
          [restaurantId.toString(), name, prepared.keyHash ?? null, prepared.providerRef, prepared.playbackUrl, at],
        );
        if (wasLive || current?.status !== "offline") {
          await notify(client, { restaurantId: restaurantId.toString(), status: "offline", at: at.toISOString() });
        }
      });
      const stream = await mustGet(restaurantId);
      const ingest = prepared.ingestUrl ?? null;
      const key = prepared.streamKey ?? null;
      return {
        stream,
        ingest_url: ingest,
        stream_key: key,
        publish_url: ingest !== null && key !== null ? `${ingest}/${key}` : null,
      };
    },

    async stop(principal, restaurantId) {
      await requireManage(principal, restaurantId);
      const at = now();
      const stopped = await inTransaction(db.pool, async (client) => {
        const current = await locked(client, restaurantId);
        if (current === undefined) return undefined;
        await closeSession(client, restaurantId, at, "stopped");
        await client.query(
          `UPDATE kitchen_stream SET status = 'stopped', stream_key_hash = NULL, updated_at = $2 WHERE restaurant_id = $1`,
          [restaurantId.toString(), at],
        );
        if (current.status !== "stopped") {
          await notify(client, { restaurantId: restaurantId.toString(), status: "stopped", at: at.toISOString() });
        }
        return current;
      });
      if (stopped === undefined) throw new NotFound(`kitchen stream of restaurant ${restaurantId}`);
      const stream = await mustGet(restaurantId);
      const provider = providers[stream.provider];
      const ref = await db.pool.query<{ provider_ref: string | null }>(
        "SELECT provider_ref FROM kitchen_stream WHERE restaurant_id = $1",
        [restaurantId.toString()],
      );
      await provider?.finish(restaurantId, ref.rows[0]?.provider_ref ?? null).catch((error: unknown) => {
        logger.warn({ err: error, provider: stream.provider }, "stream provider did not finish the stream");
      });
      return stream;
    },

    async listLive() {
      const { rows } = await db.pool.query<StreamRow>(
        `${VIEW_SELECT} WHERE k.status = 'live' ORDER BY k.restaurant_id`,
      );
      return rows.map(view);
    },

    async hours() {
      const { rows } = await db.pool.query<{ restaurant_id: string; seconds: string; sessions: string }>(
        `SELECT s.restaurant_id::text, sum(${SESSION_SECONDS})::text AS seconds, count(*)::text AS sessions
           FROM stream_session s JOIN kitchen_stream k ON k.restaurant_id = s.restaurant_id
          GROUP BY s.restaurant_id ORDER BY s.restaurant_id`,
      );
      const total = rows.reduce((sum, row) => sum + Number(row.seconds), 0);
      return {
        total_hours: hoursOf(total),
        sessions: rows.reduce((sum, row) => sum + Number(row.sessions), 0),
        restaurants: rows.map((row) => ({
          restaurant_id: row.restaurant_id,
          hours: hoursOf(row.seconds),
          sessions: Number(row.sessions),
        })),
      };
    },

    async online(restaurantId, provider, at) {
      return inTransaction(db.pool, async (client) => {
        const current = await locked(client, restaurantId);
        if (current === undefined || current.status === "stopped" || current.provider !== provider) return false;
        const open = await openSession(client, restaurantId);
        if (open !== undefined) {
          await client.query(
            "UPDATE kitchen_stream SET last_seen_at = GREATEST(last_seen_at, $2::timestamptz) WHERE restaurant_id = $1",
            [restaurantId.toString(), at],
          );
          return false;
        }
        const { rows } = await client.query<{ ended: Date | null }>(
          "SELECT max(ended_at) AS ended FROM stream_session WHERE restaurant_id = $1",
          [restaurantId.toString()],
        );
        const lastEnd = rows[0]?.ended ?? null;
        if (lastEnd !== null && at.getTime() <= lastEnd.getTime()) return false; // late or replayed
        await client.query("INSERT INTO stream_session (restaurant_id, provider, started_at) VALUES ($1, $2, $3)", [
          restaurantId.toString(),
          provider,
          at,
        ]);
        await client.query(
          "UPDATE kitchen_stream SET status = 'live', last_seen_at = $2, updated_at = $3 WHERE restaurant_id = $1",
          [restaurantId.toString(), at, now()],
        );
        await notify(client, { restaurantId: restaurantId.toString(), status: "live", at: at.toISOString() });
        return true;
      });
    },

    async offline(restaurantId, at, reason) {
      return inTransaction(db.pool, async (client) => {
        const current = await locked(client, restaurantId);
        if (current === undefined) return false;
        const closed = await closeSession(client, restaurantId, at, reason);
        if (!closed) return false;
        const status: StreamStatus = current.status === "stopped" ? "stopped" : "offline";
        await client.query("UPDATE kitchen_stream SET status = $2, updated_at = $3 WHERE restaurant_id = $1", [
          restaurantId.toString(),
          status,
          now(),
        ]);
        await notify(client, { restaurantId: restaurantId.toString(), status, at: at.toISOString() });
        return true;
      });
    },

    async seen(restaurantId, at) {
      const { rowCount } = await db.pool.query(
        `UPDATE kitchen_stream SET last_seen_at = GREATEST(last_seen_at, $2::timestamptz)
          WHERE restaurant_id = $1 AND status = 'live'`,
        [restaurantId.toString(), at],
      );
      return rowCount === 1;
    },

    async authorizeKey(restaurantId, key) {
      const { rows } = await db.pool.query<{ stream_key_hash: string | null }>(
        "SELECT stream_key_hash FROM kitchen_stream WHERE restaurant_id = $1 AND provider = 'local' AND status <> 'stopped'",
        [restaurantId.toString()],
      );
      return keyMatches(key, rows[0]?.stream_key_hash);
    },

    async aliveWithKey(restaurantId, key, at) {
      if (!(await service.authorizeKey(restaurantId, key))) return false;
      await service.seen(restaurantId, at);
      return true;
    },

    async restaurantFor(provider, providerRef) {
      const { rows } = await db.pool.query<{ restaurant_id: string }>(
        "SELECT restaurant_id::text FROM kitchen_stream WHERE provider = $1 AND provider_ref = $2 ORDER BY restaurant_id LIMIT 1",
        [provider, providerRef],
      );
      return rows[0] === undefined ? undefined : BigInt(rows[0].restaurant_id);
    },

    async idleStreams() {
      const { rows } = await db.pool.query<{
        restaurant_id: string;
        provider: StreamProviderName;
        provider_ref: string;
      }>(
        "SELECT restaurant_id::text, provider, provider_ref FROM kitchen_stream WHERE status = 'offline' AND provider_ref IS NOT NULL",
      );
      return rows.map((row) => ({
        restaurantId: BigInt(row.restaurant_id),
        provider: row.provider,
        providerRef: row.provider_ref,
      }));
    },

    async liveStreams() {
      const { rows } = await db.pool.query<{
        restaurant_id: string;
        provider: StreamProviderName;
        provider_ref: string | null;
        last_seen_at: Date | null;
        updated_at: Date;
      }>(
        "SELECT restaurant_id::text, provider, provider_ref, last_seen_at, updated_at FROM kitchen_stream WHERE status = 'live'",
      );
      return rows.map((row) => ({
        restaurantId: BigInt(row.restaurant_id),
        provider: row.provider,
        providerRef: row.provider_ref,
        lastSeenAt: row.last_seen_at ?? row.updated_at,
      }));
    },
  };
  return service;
}
