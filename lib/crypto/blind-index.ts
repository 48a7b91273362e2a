/**
 * Keyed blind indexes: lookups by email or phone without storing either in plaintext.
 * HMAC-SHA256 under BLIND_INDEX_KEY over a normalised value, domain-separated per kind so an email
 * and a phone can never share an index value. Without the key the index cannot be brute-forced
 * from a list of likely emails or phone numbers.
 */
import { createHmac } from "node:crypto";

import { HotPotError } from "../errors.ts";

/** An email or phone that normalises to nothing usable. */
export class InvalidLookupValueError extends HotPotError {
  override readonly name = "InvalidLookupValueError";
}

export type BlindIndexKind = "email" | "phone";

/** Trimmed, lower-cased. */
export function normaliseEmail(email: string): string {
  const normalised = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(normalised)) throw new InvalidLookupValueError("not an email address");
  return normalised;
}

/** Digits only, with a leading "+": "+995 (555) 12-34-56" -> "+995555123456". */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 4 || digits.length > 15) {
    throw new InvalidLookupValueError("a phone number has 4 to 15 digits");
  }
  return `+${digits}`;
}

export function blindIndex(key: Uint8Array, kind: BlindIndexKind, normalised: string): string {
  return createHmac("sha256", key).update(`hotpot/blind-index/v1\0${kind}\0`).update(normalised, "utf8").digest("hex");
}

export const emailIndex = (key: Uint8Array, email: string): string => blindIndex(key, "email", normaliseEmail(email));

export const phoneIndex = (key: Uint8Array, phone: string): string => blindIndex(key, "phone", normalisePhone(phone));
