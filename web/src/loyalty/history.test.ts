import { describe, expect, it } from "vitest";

import { loyaltyHistory } from "./history.ts";

const ME = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const FRIEND = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const ZERO = "0x0000000000000000000000000000000000000000";
const at = "2026-12-01T10:00:00.000Z";

describe("loyaltyHistory", () => {
  it("lists rewards, redemptions and transfers newest first in chain order, with signed changes", () => {
    const history = loyaltyHistory(ME, {
      rewards: [{ id: "10-2", blockTimestamp: at, txHash: "0xa", orderId: "0x01", amount: "40" }],
      redemptions: [
        { id: "12-0", blockTimestamp: at, txHash: "0xb", orderId: "0x01", amount: "15", reason: "clawback" },
        { id: "11-5", blockTimestamp: at, txHash: "0xc", orderId: "0x02", amount: "5", reason: "discount" },
      ],
      transfers: [
        { id: "11-7", blockTimestamp: at, txHash: "0xd", from: FRIEND, to: ME.toLowerCase(), value: "3" },
        { id: "13-1", blockTimestamp: at, txHash: "0xe", from: ME, to: FRIEND, value: "2" },
      ],
    });
    expect(history.map((entry) => [entry.id, entry.kind, entry.change])).toEqual([
      ["13-1", "sent", -2n],
      ["12-0", "clawback", -15n],
      ["11-7", "received", 3n],
      ["11-5", "discount", -5n],
      ["10-2", "reward", 40n],
    ]);
    expect(history[0]?.counterparty).toBe(FRIEND);
    expect(history[2]?.counterparty).toBe(FRIEND);
    expect(history[4]?.orderId).toBe("0x01");
  });

  it("leaves out the mint and burn transfers that the rewards and redemptions already show", () => {
    const history = loyaltyHistory(ME, {
      rewards: [{ id: "10-2", blockTimestamp: at, txHash: "0xa", orderId: null, amount: "40" }],
      redemptions: [],
      transfers: [
        { id: "10-1", blockTimestamp: at, txHash: "0xa", from: ZERO, to: ME, value: "40" },
        { id: "14-0", blockTimestamp: at, txHash: "0xf", from: ME, to: ZERO, value: "1" },
      ],
    });
    expect(history.map((entry) => entry.kind)).toEqual(["reward"]);
    expect(history[0]?.orderId).toBeUndefined();
  });
});
