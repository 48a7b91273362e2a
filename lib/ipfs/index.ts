import path from "node:path";
import { ConfigError } from "../errors.ts";
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
  env?: Record<string, string | undefined>;
  /** Pinata API host overrides, for tests against a local fake. */
  pinataEndpointUrl?: string;
  pinataUploadUrl?: string;
}

function setting(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** Pinata when PINATA_JWT is set (PINATA_GATEWAY is then required), else the embedded store. */
export function createContentStore(options: ContentStoreOptions): ContentStore {
  const env = options.env ?? process.env;
  const jwt = setting(env, "PINATA_JWT");
  const gateway = setting(env, "PINATA_GATEWAY");
  if (jwt === undefined) {
    if (gateway !== undefined)
      throw new ConfigError("PINATA_GATEWAY is set but PINATA_JWT is not: set both or neither");
    return new LocalContentStore(path.join(options.dataDir, "ipfs"));
  }
  if (gateway === undefined) {
    throw new ConfigError("PINATA_JWT is set but PINATA_GATEWAY is not: receipts are read back through the gateway");
  }
  return new PinataContentStore({
    jwt,
    gateway,
    ...(options.pinataEndpointUrl === undefined ? {} : { endpointUrl: options.pinataEndpointUrl }),
    ...(options.pinataUploadUrl === undefined ? {} : { uploadUrl: options.pinataUploadUrl }),
  });
}
