const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32, lower case, no padding: the `b` multibase IPFS uses for CIDv1. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((buffer >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((buffer << (5 - bits)) & 31);
  return out;
}

// CIDv1 = <version 0x01><codec raw 0x55><multihash: sha2-256 0x12, length 0x20, digest>
const CID_PREFIX = [0x01, 0x55, 0x12, 0x20];

/**
 * The receipt's IPFS CID from the sha2-256 digest the chain records: receipts are stored as
 * one raw block, so the digest is the whole content address. A zero digest means "no receipt".
 */
export function receiptCid(digest: string): string | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw new Error(`not a 32-byte digest: ${digest}`);
  if (/^0x0{64}$/.test(digest)) return null;
  const bytes = new Uint8Array(36);
  bytes.set(CID_PREFIX);
  bytes.set(Buffer.from(digest.slice(2), "hex"), 4);
  return `b${base32(bytes)}`;
}
