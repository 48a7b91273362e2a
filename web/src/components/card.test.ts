import { describe, expect, it } from "vitest";

import { checkCard, luhnValid, testPaymentMethod } from "./card.ts";

const NOW = new Date("2026-12-02T00:00:00Z");

describe("the local card form's checks", () => {
  it("accepts Stripe's test Visa and names its PaymentMethod", () => {
    expect(checkCard({ number: "4242 4242 4242 4242", expiry: "12/30", cvc: "123" }, NOW)).toEqual({});
    expect(testPaymentMethod("4242-4242-4242-4242")).toBe("pm_card_visa");
    expect(testPaymentMethod("4000 0000 0000 0002")).toBe("pm_card_chargeDeclined");
  });

  it("refuses a mistyped number, a past or malformed expiry, a short CVC", () => {
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(checkCard({ number: "4242 4242 4242 4241", expiry: "11/26", cvc: "12" }, NOW)).toEqual({
      number: "number",
      expiry: "expiry",
      cvc: "cvc",
    });
    expect(checkCard({ number: "4242424242424242", expiry: "13/30", cvc: "1234" }, NOW)).toEqual({ expiry: "expiry" });
    expect(checkCard({ number: "4242424242424242", expiry: "12/26", cvc: "123" }, NOW)).toEqual({});
  });

  it("tells a valid card that is not a test card apart (local mode charges only test cards)", () => {
    expect(checkCard({ number: "4111 1111 1111 1111", expiry: "12/30", cvc: "123" }, NOW)).toEqual({
      number: "unknownTestCard",
    });
  });
});
