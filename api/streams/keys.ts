/** Stream keys: 32 random bytes shown once; only their SHA-256 is stored and compared. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newStreamKey(): string {
  return randomBytes(32).toString("base64url");
}

export function hashStreamKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatches(key: string, storedHash: string | null | undefined): boolean {
  if (storedHash === null || storedHash === undefined) return false;
  const presented = Buffer.from(hashStreamKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
