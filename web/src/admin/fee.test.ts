import { describe, expect, it } from "vitest";

import { parseFeePercent } from "./fee.ts";

describe("parseFeePercent", () => {
  it("turns a percentage into basis points, exactly", () => {
    expect(parseFeePercent("10")).toBe(1000);
    expect(parseFeePercent(" 12.5 ")).toBe(1250);
    expect(parseFeePercent("7,25")).toBe(725);
    expect(parseFeePercent("0")).toBe(0);
    expect(parseFeePercent("0.01")).toBe(1);
    expect(parseFeePercent("50")).toBe(5000);
  });

  it("refuses what FranchiseNFT would refuse or what is not a percentage", () => {
    for (const text of ["", "50.01", "51", "100", "-1", "1.234", "ten", "1e1", "10%", ".5"]) {
      expect(parseFeePercent(text), text).toBeUndefined();
    }
  });
});
