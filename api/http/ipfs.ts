import type { Request, Response } from "express";
import type { Logger } from "pino";

import { HotPotError } from "../../lib/errors.ts";
import {
  ContentIntegrityError,
  ContentStoreAuthError,
  ContentStoreUnavailableError,
  InvalidCidError,
  type ContentStore,
} from "../../lib/ipfs/index.ts";

/** JSON receipts are served as JSON; anything else as opaque bytes the browser must not sniff. */
function contentType(bytes: Uint8Array): string {
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return "application/json";
  } catch {
    return "application/octet-stream";
  }
}

/**
 * `GET /ipfs/:cid`: content from the platform's store, returned only after it was verified
 * against the CID (the store checks every block). A CID names its bytes forever, so responses
 * are cacheable without limit.
 */
export function ipfsGateway(
  store: ContentStore,
  logger: Logger,
): (request: Request, response: Response) => Promise<void> {
  return async (request, response) => {
    const cid = String(request.params.cid);
    try {
      const bytes = await store.get(cid);
      if (bytes === null) {
        response.status(404).json({ error: `no content with CID ${cid} is stored here` });
        return;
      }
      response
        .status(200)
        .set({
          "content-type": contentType(bytes),
          "cache-control": "public, max-age=31536000, immutable",
          etag: `"${cid}"`,
          "x-content-type-options": "nosniff",
        })
        .send(Buffer.from(bytes));
    } catch (error) {
      if (error instanceof InvalidCidError) {
        response.status(400).json({ error: error.message });
      } else if (error instanceof ContentStoreUnavailableError) {
        response.set("retry-after", "5").status(503).json({ error: "content store unavailable; try again" });
      } else if (error instanceof ContentStoreAuthError) {
        // The platform's own credentials were refused: a server fault, not the caller's.
        logger.error({ err: error.message }, "the content store refused the platform's credentials");
        response.status(502).json({ error: "content store unavailable" });
      } else if (error instanceof ContentIntegrityError) {
        logger.error({ cid, err: error.message }, "stored content failed verification against its CID");
        response.status(502).json({ error: "the stored content does not match its CID and was not served" });
      } else if (error instanceof HotPotError) {
        response.status(400).json({ error: error.message });
      } else {
        throw error;
      }
    }
  };
}
