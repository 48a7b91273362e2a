import { PinataError, PinataSDK, type FileListResponse } from "pinata";
import { HotPotError } from "../errors.ts";
import {
  ContentIntegrityError,
  ContentStoreError,
  ContentStoreUnavailableError,
  errorForStatus,
  isNetworkFailure,
  type ContentStore,
} from "./storage.ts";
import { importContent, parseCid, verifyFile } from "./unixfs.ts";

export interface PinataStoreOptions {
  /** A Pinata API key's JWT (PINATA_JWT). */
  jwt: string;
  /** The dedicated gateway (PINATA_GATEWAY), e.g. `example.mypinata.cloud`; https is assumed without a scheme. */
  gateway: string;
  /** Overrides of the SDK's API hosts, for tests against a local fake. */
  endpointUrl?: string;
  uploadUrl?: string;
  /** Sent as `pinataGatewayToken` when the gateway is restricted to token holders. */
  gatewayKey?: string;
  fetch?: typeof fetch;
}

/**
 * Pinata through its v2 SDK. Receipts go to Pinata's public IPFS network: they are meant to be
 * verifiable by anyone holding the on-chain CID, which a private (access-link) file is not.
 */
export class PinataContentStore implements ContentStore {
  readonly #sdk: PinataSDK;
  readonly #gateway: string;
  readonly #gatewayKey: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: PinataStoreOptions) {
    this.#sdk = new PinataSDK({
      pinataJwt: options.jwt,
      pinataGateway: options.gateway,
      ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }),
      ...(options.uploadUrl === undefined ? {} : { uploadUrl: options.uploadUrl }),
    });
    this.#gateway = gatewayBase(options.gateway);
    this.#gatewayKey = options.gatewayKey;
    this.#fetch = options.fetch ?? fetch;
  }

  async put(bytes: Uint8Array, options?: { name?: string }): Promise<{ cid: string; size: number }> {
    const name = options?.name ?? "content";
    const expected = await importContent(bytes);
    let reported: string;
    try {
      const file = new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "application/octet-stream" });
      const upload = await this.#sdk.upload.public.file(file).name(name);
      reported = upload.cid;
    } catch (error) {
      throw classifyPinataError(error, "upload");
    }
    // A CID Pinata computed with other DAG settings could not be verified on the way back, and it
    // would end up on chain: fail now, while the caller can still react, rather than at read time.
    if (reported !== expected.toString()) {
      throw new ContentIntegrityError(
        `Pinata reported CID ${reported} for ${String(bytes.length)} bytes, expected ${expected.toString()}`,
      );
    }
    return { cid: reported, size: bytes.length };
  }

  async get(cidText: string): Promise<Uint8Array | null> {
    const cid = parseCid(cidText);
    // Fetched directly rather than with sdk.gateways.public.get: that call decodes JSON and text
    // bodies (so the exact bytes are lost before they can be hashed) and forces https.
    const url = new URL(`${this.#gateway}/ipfs/${cid.toString()}`);
    if (this.#gatewayKey !== undefined) url.searchParams.set("pinataGatewayToken", this.#gatewayKey);
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await this.#fetch(url, { headers: { accept: "application/octet-stream" } });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        const text = await response.text().catch(() => "");
        throw errorForStatus(
          response.status,
          `Pinata gateway answered ${String(response.status)} for ${cid.toString()}${text === "" ? "" : `: ${text.slice(0, 200)}`}${authHint(response.status)}`,
        );
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof HotPotError) throw error;
      throw classifyPinataError(error, "gateway fetch");
    }
    await verifyFile(cid, bytes);
    return bytes;
  }

  async has(cidText: string): Promise<boolean> {
    const cid = parseCid(cidText).toString();
    try {
      const page: FileListResponse = await this.#sdk.files.public.list().cid(cid).limit(1);
      return page.files.length > 0;
    } catch (error) {
      throw classifyPinataError(error, "file lookup");
    }
  }

  /** Deletes every public file Pinata holds under the CID (which unpins it). */
  async remove(cidText: string): Promise<void> {
    const cid = parseCid(cidText).toString();
    try {
      const page: FileListResponse = await this.#sdk.files.public.list().cid(cid).limit(100);
      const ids = page.files.map((file) => file.id);
      if (ids.length > 0) await this.#sdk.files.public.delete(ids);
    } catch (error) {
      throw classifyPinataError(error, "file delete");
    }
  }
}

function gatewayBase(gateway: string): string {
  const withScheme = /^https?:\/\//.test(gateway) ? gateway : `https://${gateway}`;
  return withScheme.replace(/\/+$/, "");
}

function authHint(status: number): string {
  return status === 401 || status === 403 ? " (check PINATA_JWT and PINATA_GATEWAY)" : "";
}

/** Maps what the SDK throws onto the hierarchy: it reports HTTP failures with `statusCode`. */
export function classifyPinataError(error: unknown, operation: string): HotPotError {
  if (error instanceof PinataError && typeof error.statusCode === "number") {
    return errorForStatus(
      error.statusCode,
      `Pinata ${operation} failed with HTTP ${String(error.statusCode)}: ${error.message}${authHint(error.statusCode)}`,
      error,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  // The SDK wraps a failed fetch into a PinataError without status, keeping only the message.
  if (isNetworkFailure(error) || /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|network/i.test(message)) {
    return new ContentStoreUnavailableError(`Pinata ${operation} failed: ${message}`, { cause: error });
  }
  return new ContentStoreError(`Pinata ${operation} failed: ${message}`, { cause: error });
}
