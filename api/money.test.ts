import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatGel, GelAmount } from "./money.ts";

describe("formatGel", () => {
  it("writes tetri as GEL with two decimals", () => {
    assert.equal(formatGel(2500n), "25.00");
    assert.equal(formatGel(2550n), "25.50");
    assert.equal(formatGel(1n), "0.01");
    assert.equal(formatGel(10n), "0.10");
    assert.equal(formatGel(100n), "1.00");
  });

  it("writes zero as 0.00", () => {
    assert.equal(formatGel(0n), "0.00");
    assert.equal(formatGel(-0n), "0.00");
  });

  it("puts the sign in front of negatives, including amounts under one GEL", () => {
    assert.equal(formatGel(-1n), "-0.01");
    assert.equal(formatGel(-99n), "-0.99");
    assert.equal(formatGel(-2550n), "-25.50");
    assert.equal(formatGel(-100_000_000n), "-1000000.00");
  });

  it("keeps every digit of amounts beyond Number's safe range", () => {
    assert.equal(formatGel(100_000_000n), "1000000.00");
    assert.equal(formatGel(123_456_789_012_345_678_901n), "1234567890123456789.01");
    assert.equal(formatGel(-(2n ** 70n)), `-${2n ** 70n / 100n}.${String(2n ** 70n % 100n).padStart(2, "0")}`);
  });
});

describe("GelAmount", () => {
  it("parses whole GEL and one or two decimals to tetri", () => {
    assert.equal(GelAmount.parse("25"), 2500n);
    assert.equal(GelAmount.parse("25.5"), 2550n);
    assert.equal(GelAmount.parse("25.50"), 2550n);
    assert.equal(GelAmount.parse("25.05"), 2505n);
    assert.equal(GelAmount.parse("0.01"), 1n);
    assert.equal(GelAmount.parse("007.00"), 700n);
  });

  it("accepts exactly the maximum, 1000000.00 GEL", () => {
    assert.equal(GelAmount.parse("1000000"), 100_000_000n);
    assert.equal(GelAmount.parse("1000000.00"), 100_000_000n);
  });

  it("round-trips through formatGel", () => {
    for (const text of ["0.01", "0.10", "1.00", "25.50", "999999.99", "1000000.00"]) {
      assert.equal(formatGel(GelAmount.parse(text)), text);
    }
  });

  it("rejects zero and amounts over the maximum with the range message", () => {
    for (const text of ["0", "0.0", "0.00", "1000000.01", "1000001", "9999999.99"]) {
      const result = GelAmount.safeParse(text);
      assert.equal(result.success, false, text);
      assert.match(result.error.issues[0]?.message ?? "", /more than 0 and at most 1000000\.00 GEL/, text);
    }
  });

  it("rejects more than two decimals, signs, words and malformed numbers with the format message", () => {
    for (const text of ["1.234", "-1", "+1", "abc", "", " 25", "25 ", "25.", ".5", "1e3", "1,5", "12345678", "0x10"]) {
      const result = GelAmount.safeParse(text);
      assert.equal(result.success, false, JSON.stringify(text));
      assert.match(result.error.issues[0]?.message ?? "", /a GEL amount like 25\.00/, JSON.stringify(text));
    }
  });

  it("rejects what is not a string", () => {
    for (const value of [25, 25n, null, undefined, { amount: "25" }]) {
      assert.equal(
        GelAmount.safeParse(value).success,
        false,
        JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? `${item}n` : item)),
      );
    }
  });
});
