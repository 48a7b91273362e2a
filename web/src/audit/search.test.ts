import { describe, expect, it } from "vitest";

import { formatArgument, parseAsOfBlock, parseAuditSearch } from "./search.ts";

describe("parseAuditSearch", () => {
  it("reads an address as an account, lower-cased as the mirror keeps it", () => {
    expect(parseAuditSearch(" 0xAbCdEf0123456789aBcDeF0123456789AbCdEf01 ")).toEqual({
      kind: "account",
      account: "0xabcdef0123456789abcdef0123456789abcdef01",
    });
  });

  it("reads 32 bytes of hex as an order id or transaction hash", () => {
    const hash = `0x${"Ab".repeat(32)}`;
    expect(parseAuditSearch(hash)).toEqual({ kind: "hash", hash: hash.toLowerCase() });
  });

  it("reads a number as a restaurant id", () => {
    expect(parseAuditSearch("0042")).toEqual({ kind: "restaurant", restaurantId: "42" });
  });

  it("refuses what is none of them", () => {
    expect(parseAuditSearch("   ")).toBe("empty");
    expect(parseAuditSearch("0x1234")).toBe("unrecognised");
    expect(parseAuditSearch(`0x${"g".repeat(64)}`)).toBe("unrecognised");
    expect(parseAuditSearch("-1")).toBe("unrecognised");
  });
});

describe("parseAsOfBlock", () => {
  it("is the head when empty and a block number otherwise", () => {
    expect(parseAsOfBlock("")).toBeUndefined();
    expect(parseAsOfBlock(" 17 ")).toBe(17);
  });

  it("refuses what the API's Int cannot carry", () => {
    expect(parseAsOfBlock("1.5")).toBe("invalid");
    expect(parseAsOfBlock("-3")).toBe("invalid");
    expect(parseAsOfBlock("2147483648")).toBe("invalid");
  });
});

describe("formatArgument", () => {
  it("keeps decimal strings and writes structures as JSON", () => {
    expect(formatArgument("25000000000000000000")).toBe("25000000000000000000");
    expect(formatArgument(true)).toBe("true");
    expect(formatArgument(["0x01", 2])).toBe('["0x01",2]');
  });
});
