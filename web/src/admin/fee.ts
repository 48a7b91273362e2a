/**
 * The platform fee as admins type it, a percentage ("10", "12.5", "7,25" with a decimal comma as
 * Georgian and Russian write it), in the basis points the API takes. FranchiseNFT caps it at 50 %.
 */
const PERCENT = /^(\d{1,2})(?:[.,](\d{1,2}))?$/;
export const MAX_FEE_BPS = 5000;

/** Basis points, or undefined when the text is not a percentage from 0 to 50 with at most two decimals. */
export function parseFeePercent(text: string): number | undefined {
  const match = PERCENT.exec(text.trim());
  if (match === null) return undefined;
  const bps = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bps <= MAX_FEE_BPS ? bps : undefined;
}
