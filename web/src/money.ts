/**
 * Money as people read it: GEL with two decimals in the reader's locale (Intl.NumberFormat, fed
 * decimal strings so no amount ever passes through a float), HOTPOT loyalty points from their 18
 * decimals down to at most two, and the GEL the forms accept.
 */
const HOTPOT_DECIMALS = 18n;
const WEI_PER_HOTPOT = 10n ** HOTPOT_DECIMALS;

/** Intl.NumberFormat formats exact decimal strings (ES2023); its types still say number | bigint. */
type DecimalString = `${number}`;
const decimal = (text: string): number => text as DecimalString as unknown as number;

function tetriText(tetri: bigint): string {
  const sign = tetri < 0n ? "-" : "";
  const abs = tetri < 0n ? -tetri : tetri;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/**
 * 2500 → "₾25.00" (en), "25,00 ₾" (ka, ru): the locale places the sign and groups the digits, the
 * sign is always the lari's ₾ (some locales' data still has the older "ლ" or "GEL").
 */
export function formatGel(tetri: number | bigint, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: "GEL",
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
    .formatToParts(decimal(tetriText(BigInt(tetri))))
    .map((part) => (part.type === "currency" ? "₾" : part.value))
    .join("");
}

/**
 * HOTPOT in wei (a decimal string, as GraphQL sends BigInt) → "1.25 HOTPOT". At most two decimals,
 * rounded down so a balance is never shown larger than it is; a balance above zero but below 0.01
 * reads "< 0.01" rather than a misleading 0.
 */
export function formatHotpot(wei: string | bigint, locale: string): string {
  const value = BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const hundredths = abs / (WEI_PER_HOTPOT / 100n);
  const number = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  if (abs > 0n && hundredths === 0n) return `< ${number.format(decimal("0.01"))} HOTPOT`;
  const text = `${negative ? "-" : ""}${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}`;
  return `${number.format(decimal(text))} HOTPOT`;
}

export type ParsedGel = { ok: true; amount: string; tetri: number } | { ok: false; reason: "format" | "range" };

/**
 * What a person types as a price: "25", "25.5", "25.00", or with a decimal comma ("25,00", as
 * Georgian and Russian write it) → the API's "25.00" form. More than two decimals, signs, spaces
 * inside or letters are refused, as are zero and more than 1,000,000.00 (the API's own bounds).
 */
export function parseGel(input: string): ParsedGel {
  const text = input.trim().replace(",", ".");
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (match === null) return { ok: false, reason: "format" };
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").padEnd(2, "0");
  const tetri = Number(whole) * 100 + Number(fraction);
  if (tetri <= 0 || tetri > 100_000_000) return { ok: false, reason: "range" };
  return { ok: true, amount: tetriText(BigInt(tetri)), tetri };
}
