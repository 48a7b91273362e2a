import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { GraphQLError } from "graphql";

import { startTestApi, type TestApi } from "../../test/support/harness.ts";
import { HEAD_BLOCK, seededOrders } from "../../test/support/seed.ts";
import { MAX_DAYS, parseDayRange } from "./revenue.ts";

function refusal(run: () => unknown): { message: string; argument: unknown } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GraphQLError);
    assert.equal(error.extensions.code, "BAD_USER_INPUT");
    return { message: error.message, argument: error.extensions.argument };
  }
  assert.fail("accepted");
}

describe("parseDayRange", () => {
  it("accepts real days in order, a single day and a leap year's 366 days", () => {
    assert.deepEqual(parseDayRange("2026-03-01", "2026-03-31"), { from: "2026-03-01", to: "2026-03-31" });
    assert.deepEqual(parseDayRange("2026-03-01", "2026-03-01"), { from: "2026-03-01", to: "2026-03-01" });
    assert.deepEqual(parseDayRange("2028-01-01", "2028-12-31"), { from: "2028-01-01", to: "2028-12-31" });
  });

  it("names the argument that is not a day", () => {
    assert.deepEqual(
      refusal(() => parseDayRange("2026-02-30", "2026-03-01")),
      {
        message: "from must be a day written YYYY-MM-DD",
        argument: "from",
      },
    );
    for (const to of ["2026-3-1", "2026-03-01T00:00:00Z", "", "yesterday", "2026-13-01"]) {
      assert.equal(refusal(() => parseDayRange("2026-03-01", to)).argument, "to", to);
    }
  });

  it("refuses a range that runs backwards or is longer than a year", () => {
    assert.equal(
      refusal(() => parseDayRange("2026-03-02", "2026-03-01")).message,
      "to (2026-03-01) must not be before from (2026-03-02)",
    );
    assert.equal(
      refusal(() => parseDayRange("2026-01-01", "2027-01-02")).message,
      `at most ${String(MAX_DAYS)} days at a time; 2026-01-01 to 2027-01-02 is 367`,
    );
  });
});

describe("Restaurant.dailyTotals over HTTP", () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.stop();
  });

  interface Days {
    restaurant: { dailyTotals: { date: string; orderCount: number; revenue: string }[] } | null;
  }
  const QUERY = /* GraphQL */ `
    query Days($from: String!, $to: String!) {
      restaurant(id: 1) {
        dailyTotals(from: $from, to: $to) {
          date
          orderCount
          revenue
        }
      }
    }
  `;

  it("lists every day of the range, oldest first, quiet days as zeros", async () => {
    const response = await api.query<Days>(QUERY, { from: "2025-12-30", to: "2026-01-02" });
    assert.equal(response.errors, undefined);
    const days = response.data?.restaurant?.dailyTotals ?? [];
    assert.deepEqual(
      days.map((day) => day.date),
      ["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"],
    );
    assert.deepEqual(days[0], { date: "2025-12-30", orderCount: 0, revenue: "0" });
  });

  it("counts the orders settled by the restaurant's block, and what they paid", async () => {
    // The seed's blocks all fall on 2026-01-01 (UTC).
    for (const block of [6, 12, HEAD_BLOCK]) {
      const settled = seededOrders().filter((order) => {
        const status = order.versions.findLast(([from]) => from <= block)?.[1];
        return order.restaurantId === 1 && (order.kind === "card" ? status !== undefined : status === "fulfilled");
      });
      const response = await api.query<Days>(
        QUERY.replace("restaurant(id: 1)", `restaurant(id: 1, asOfBlock: ${String(block)})`),
        {
          from: "2026-01-01",
          to: "2026-01-01",
        },
      );
      assert.equal(response.errors, undefined);
      assert.deepEqual(
        response.data?.restaurant?.dailyTotals,
        [
          {
            date: "2026-01-01",
            orderCount: settled.length,
            revenue: settled.reduce((sum, order) => sum + order.price, 0n).toString(),
          },
        ],
        `as of block ${String(block)}`,
      );
    }
  });

  it("answers a bad range with BAD_USER_INPUT naming the argument", async () => {
    const response = await api.query<Days>(QUERY, { from: "2026-01-01", to: "2025-01-01" });
    const [error] = response.errors ?? [];
    assert.ok(error !== undefined, "refused");
    assert.equal(error.extensions?.code, "BAD_USER_INPUT");
    assert.equal(error.extensions.argument, "to");
    assert.match(error.message, /must not be before from/);
  });
});
