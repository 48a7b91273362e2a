import { describe, expect, it } from "vitest";

import { parameterFields, parameterLabel } from "./parameters.ts";

describe("parameterLabel", () => {
  it("names the parameters the indexer writes", () => {
    expect(parameterLabel("treasury")).toEqual({ key: "parameters.names.treasury" });
    expect(parameterLabel("cardRewardPerUnit")).toEqual({ key: "parameters.names.cardRewardPerUnit" });
    expect(parameterLabel("requiredKycLevel")).toEqual({ key: "parameters.names.requiredKycLevel" });
    expect(parameterLabel("paused:OrderSettlement")).toEqual({
      key: "parameters.names.paused",
      contract: "OrderSettlement",
    });
    expect(parameterLabel("currency:0x5fbdb2315678afecb367f032d93f642f64180aa3")).toEqual({
      key: "parameters.names.currency",
      token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    });
  });

  it("leaves keys it does not know to be shown as they are", () => {
    for (const key of ["somethingNew", "paused:", "currency", "other:thing"])
      expect(parameterLabel(key)).toBeUndefined();
  });
});

describe("parameterFields", () => {
  it("lists an object's fields, big integers kept as the exact strings the mirror stores", () => {
    expect(parameterFields({ epoch: 1, rate: "10000000000000000" })).toEqual([
      ["epoch", "1"],
      ["rate", "10000000000000000"],
    ]);
    expect(parameterFields({ allowed: true, maxDiscountBps: 2000 })).toEqual([
      ["allowed", "true"],
      ["maxDiscountBps", "2000"],
    ]);
  });

  it("shows anything else as one text", () => {
    expect(parameterFields("0xabc")).toBe("0xabc");
    expect(parameterFields(3)).toBe("3");
    expect(parameterFields([1, 2])).toBe("[1,2]");
    expect(parameterFields(null)).toBe("null");
  });
});
