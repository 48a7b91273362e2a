/**
 * Kitchen live streams: what every provider (local media server, Twitch, YouTube) offers the
 * stream service. A provider prepares a stream when the owner starts it and tears it down when
 * the owner stops it; whether the stream is *live* comes from the provider's events (publish /
 * unpublish, EventSub notifications, polling), never from the owner's button.
 */
import type { StreamProviderName } from "../../lib/config.ts";

// The names are settings (STREAM_PROVIDER), so lib/config.ts owns the list.
export { STREAM_PROVIDERS, type StreamProviderName } from "../../lib/config.ts";

/** What the owner needs to send video, and what viewers will play. */
export interface PreparedStream {
  /** Where the encoder sends video (RTMP), when the provider takes it from us. */
  readonly ingestUrl?: string;
  /**
   * The secret the encoder authenticates with, returned to the owner once. The platform keeps only
   * `keyHash` (SHA-256); a later start issues a new key.
   */
  readonly streamKey?: string;
  readonly keyHash?: string;
  /** The provider's id of the stream (Twitch user id, YouTube broadcast id); null for local. */
  readonly providerRef: string | null;
  readonly playbackUrl: string;
}

export interface PrepareRequest {
  /** The provider's id of the previous stream of this restaurant, if any. */
  readonly previousRef: string | null;
  /** The owner's channel on the provider (a Twitch login); unused by the others. */
  readonly channel?: string;
  /** A title for providers that show one (YouTube). */
  readonly title?: string;
}

export interface StreamProvider {
  readonly name: StreamProviderName;
  /** Prepares (or re-prepares) the restaurant's stream. */
  prepare(restaurantId: bigint, request: PrepareRequest): Promise<PreparedStream>;
  /** Ends the stream on the provider's side (best effort: the service marks it stopped anyway). */
  finish(restaurantId: bigint, providerRef: string | null): Promise<void>;
  /** Whether the provider reports the stream live now (the sweeper asks it when events go quiet). */
  isLive?(providerRef: string): Promise<boolean>;
  /** The provider sends no online events: the sweeper also asks `isLive` of started, offline streams. */
  readonly pollsOnline?: boolean;
}

/** The owner's request cannot be served by the provider (unknown channel, missing field): a 400. */
export class StreamProviderInputError extends Error {
  override readonly name = "StreamProviderInputError";
}
