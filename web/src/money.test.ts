import { describe, expect, it } from "vitest";

import { formatGel, formatHotpot, parseGel } from "./money.ts";

describe("formatGel", () => {
  it("shows two decimals with the lari sign in each locale", () => {
    expect(formatGel(2500, "en")).toBe("₾25.00");
    expect(formatGel(2500n, "ka").replace(/\s/g, " ")).toBe("25,00 ₾");
    expect(formatGel(123456789, "ru").replace(/\s/g, " ")).toBe("1 234 567,89 ₾");
  });

  it("keeps every tetri of large amounts (no float rounding)", () => {
    expect(formatGel(9_007_199_254_740_993n, "en")).toBe("₾90,071,992,547,409.93");
  });
});

describe("formatHotpot", () => {
  it("shows at most two decimals, rounded down", () => {
    expect(formatHotpot("1259000000000000000", "en")).toBe("1.25 HOTPOT");
    expect(formatHotpot("25000000000000000000", "en")).toBe("25 HOTPOT");
    expect(formatHotpot(0n, "en")).toBe("0 HOTPOT");
  });

  it("never shows a tiny balance as zero", () => {
    expect(formatHotpot("1", "en")).toBe("< 0.01 HOTPOT");
  });

  it("groups thousands in the locale's way", () => {
    expect(formatHotpot(1234n * 10n ** 18n, "en")).toBe("1,234 HOTPOT");
  });
});

describe("parseGel", () => {
  it("accepts what people type and gives the API's form", () => {
    expect(parseGel("25.00")).toEqual({ ok: true, amount: "25.00", tetri: 2500 });
    expect(parseGel(" 25 ")).toEqual({ ok: true, amount: "25.00", tetri: 2500 });
    expect(parseGel("25,5")).toEqual({ ok: true, amount: "25.50", tetri: 2550 });
  });

  it("refuses malformed and out-of-range amounts", () => {
    for (const bad of ["", "abc", "25.001", "-5", "1e3", "25 00"])
      expect(parseGel(bad)).toEqual({ ok: false, reason: "format" });
    expect(parseGel("0.00")).toEqual({ ok: false, reason: "range" });
    expect(parseGel("1000000.01")).toEqual({ ok: false, reason: "range" });
  });
});
