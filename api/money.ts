/** GEL amounts: integers of tetri inside, "25.00"-style decimal strings in JSON for people. */
import * as z from "zod";

export function formatGel(tetri: bigint): string {
  const sign = tetri < 0n ? "-" : "";
  const abs = tetri < 0n ? -tetri : tetri;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** The largest price a menu item may have: 1,000,000 GEL. */
const MAX_PRICE_TETRI = 100_000_000n;

export const GelAmount = z
  .string()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, "a GEL amount like 25.00 (at most two decimals)")
  // Examples go on the string itself: the OpenAPI document describes the input before the transform.
  .meta({ examples: ["25.00"] })
  .transform((text, context) => {
    const [whole = "0", fraction = ""] = text.split(".");
    const tetri = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
    if (tetri <= 0n || tetri > MAX_PRICE_TETRI) {
      context.addIssue({ code: "custom", message: "must be more than 0 and at most 1000000.00 GEL" });
      return z.NEVER;
    }
    return tetri;
  })
  .meta({ description: "Amount in GEL, as a decimal string with at most two decimals" });
