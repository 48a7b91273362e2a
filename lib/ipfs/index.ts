import path from "node:path";
import type { PinataSettings } from "../config.ts";
import { LocalContentStore } from "./local.ts";
import { PinataContentStore } from "./pinata.ts";
import type { ContentStore } from "./storage.ts";

export type { ContentStore } from "./storage.ts";
export {
  ContentIntegrityError,
  ContentStoreAuthError,
  ContentStoreError,
  ContentStoreUnavailableError,
  InvalidCidError,
} from "./storage.ts";
export { LocalContentStore } from "./local.ts";
export { PinataContentStore } from "./pinata.ts";

export interface ContentStoreOptions {
  /** The project's data directory (config `dataDir`, from DATA_DIR); the local store uses `<dataDir>/ipfs`. */
  dataDir: string;
  /** Pinata (PINATA_JWT, PINATA_GATEWAY, read by lib/config.ts); unset: the embedded store. */
  pinata?: PinataSettings;
  /** Pinata API host overrides, for tests against a local fake. */
  pinataEndpointUrl?: string;
  pinataUploadUrl?: string;
}

/** Pinata when its settings are given, else the embedded store. */
export function createContentStore(options: ContentStoreOptions): ContentStore {
  if (options.pinata === undefined) return new LocalContentStore(path.join(options.dataDir, "ipfs"));
  const { jwt, gateway } = options.pinata;
  return new PinataContentStore({
    jwt,
    gateway,
    ...(options.pinataEndpointUrl === undefined ? {} : { endpointUrl: options.pinataEndpointUrl }),
    ...(options.pinataUploadUrl === undefined ? {} : { uploadUrl: options.pinataUploadUrl }),
  });
}
