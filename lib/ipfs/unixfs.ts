import { importBytes, type ImportContent, type ImporterOptions, type WritableStorage } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { ContentIntegrityError, InvalidCidError } from "./storage.ts";

export const RAW_CODE = raw.code; // 0x55
export const DAG_PB_CODE = 0x70;
const SHA2_256_CODE = sha256.code; // 0x12

/** The DAG parameters that decide a file's CID; Kubo names them Import.* in its config. */
export interface DagParameters {
  cidVersion: 0 | 1;
  rawLeaves: boolean;
  chunkSize: number;
  maxChildrenPerNode: number;
}

/**
 * What `ipfs add --cid-version 1` does in Kubo (and what Pinata's uploads produce): CIDv1
 * implies raw leaves; the chunker (size-262144) and the balanced layout's 174 links per node
 * stay at Kubo's defaults. The `unixfs-v1-2025` profile (1 MiB chunks, 1024 links) would give
 * other CIDs for files over 256 KiB, so the profile option of the importer is not used.
 */
export const KUBO_CID_V1: DagParameters = {
  cidVersion: 1,
  rawLeaves: true,
  chunkSize: 262_144,
  maxChildrenPerNode: 174,
};

/** Kubo's default without flags (the unixfs-v0-2015 profile): what `Qm…` CIDs were made with. */
export const KUBO_CID_V0: DagParameters = {
  cidVersion: 0,
  rawLeaves: false,
  chunkSize: 262_144,
  maxChildrenPerNode: 174,
};

export function importerOptions(parameters: DagParameters): ImporterOptions {
  return {
    cidVersion: parameters.cidVersion,
    rawLeaves: parameters.rawLeaves,
    chunker: fixedSize({ chunkSize: parameters.chunkSize }),
    layout: balanced({ maxChildrenPerNode: parameters.maxChildrenPerNode }),
    // a file of one chunk is that chunk: with raw leaves its CID is CIDv1(raw, sha256(bytes))
    reduceSingleLeafToSelf: true,
    leafType: "file",
    wrapWithDirectory: false,
  };
}

const DISCARD: WritableStorage = { put: (cid) => cid };

/** Imports `content` into `blockstore` (or only hashes it) and returns the root CID. */
export async function importContent(
  content: ImportContent,
  parameters: DagParameters = KUBO_CID_V1,
  blockstore: WritableStorage = DISCARD,
): Promise<CID> {
  const result = await importBytes(content, blockstore, importerOptions(parameters));
  return result.cid;
}

export function parseCid(text: string): CID {
  let cid: CID;
  try {
    cid = CID.parse(text.trim());
  } catch (error) {
    throw new InvalidCidError(`not a CID: ${JSON.stringify(text)}`, { cause: error });
  }
  if (cid.multihash.code !== SHA2_256_CODE) {
    throw new InvalidCidError(`unsupported hash function 0x${cid.multihash.code.toString(16)} in ${text}`);
  }
  if (cid.code !== RAW_CODE && cid.code !== DAG_PB_CODE) {
    throw new InvalidCidError(`unsupported codec 0x${cid.code.toString(16)} in ${text}: expected raw or dag-pb`);
  }
  return cid;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Whether one block's bytes hash to the multihash in its CID. */
export async function blockMatches(cid: CID, bytes: Uint8Array): Promise<boolean> {
  if (cid.multihash.code !== SHA2_256_CODE) return false;
  const digest = await sha256.digest(bytes);
  return sameBytes(digest.digest, cid.multihash.digest);
}

/**
 * Checks a whole file's bytes against its root CID by rebuilding the DAG with the parameters the
 * CID's version implies. A file that was chunked differently (another chunker or layout) cannot be
 * verified this way and is rejected rather than trusted.
 */
export async function verifyFile(cid: CID, bytes: Uint8Array): Promise<void> {
  const matches =
    cid.code === RAW_CODE
      ? await blockMatches(cid, bytes)
      : (await importContent(bytes, cid.version === 0 ? KUBO_CID_V0 : KUBO_CID_V1)).equals(cid);
  if (!matches) {
    throw new ContentIntegrityError(`content does not match ${cid.toString()} (${String(bytes.length)} bytes)`);
  }
}
