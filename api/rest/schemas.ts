/** Schema pieces every REST resource uses (ids, addresses, pages). */
import * as z from "zod";

/** Postgres bigint's largest value: ids above it cannot exist. */
const MAX_ID = 2n ** 63n - 1n;

export const RestaurantIdText = z
  .string()
  .regex(/^[1-9]\d{0,18}$/, "a restaurant id: a positive integer as a string")
  // Refinements run even after the pattern failed: only compare what is a number.
  .refine((text) => !/^\d+$/.test(text) || BigInt(text) <= MAX_ID, "no restaurant has an id this large")
  .meta({ description: "Restaurant id (its franchise NFT id on chain)", examples: ["1"] });

export const RestaurantId = RestaurantIdText.transform((text) => BigInt(text));

export const Uuid = z.uuid("a UUID").meta({ examples: ["3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2"] });

export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "a 0x-prefixed 20-byte hex address")
  .meta({ description: "EVM address", examples: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"] });

export const Limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .meta({ description: "Page size (at most 100)", examples: [20] });

export const Timestamp = z.string().meta({ description: "ISO 8601 time", examples: ["2026-11-26T12:00:00.000Z"] });
