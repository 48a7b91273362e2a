import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { barHeight, chartScale, RevenueByDay, type RevenueDay } from "./RevenueByDay.tsx";

const HOTPOT = 10n ** 18n;

function day(date: string, revenueTetri: number, extra: Partial<RevenueDay> = {}): RevenueDay {
  return {
    date,
    orderCount: revenueTetri > 0 ? 1 : 0,
    revenue: String(revenueTetri),
    refunds: "0",
    platformFees: "0",
    rewards: "0",
    ...extra,
  };
}

describe("chartScale", () => {
  it("rounds the top up to 1, 2 or 5 times a power of ten, in at most four steps", () => {
    expect(chartScale(2_500n)).toEqual({ top: 3_000n, ticks: [0n, 1_000n, 2_000n, 3_000n] });
    expect(chartScale(7_450n)).toEqual({ top: 8_000n, ticks: [0n, 2_000n, 4_000n, 6_000n, 8_000n] });
    expect(chartScale(100_000n)).toEqual({ top: 100_000n, ticks: [0n, 50_000n, 100_000n] });
  });

  it("keeps an axis when nothing was sold, and copes with more than a float holds", () => {
    expect(chartScale(0n)).toEqual({ top: 100n, ticks: [0n, 50n, 100n] });
    const huge = 9_007_199_254_740_993n;
    const scale = chartScale(huge);
    expect(scale.top >= huge).toBe(true);
    expect(scale.ticks.length).toBeLessThanOrEqual(5);
    expect(scale.ticks.at(-1)).toBe(scale.top);
  });
});

describe("barHeight", () => {
  it("is proportional: zero at zero, the full plot at the top", () => {
    expect(barHeight(0n, 3_000n, 200)).toBe(0);
    expect(barHeight(3_000n, 3_000n, 200)).toBe(200);
    expect(barHeight(1_500n, 3_000n, 200)).toBe(100);
    expect(barHeight(9_007_199_254_740_993n, 10_000_000_000_000_000n, 100)).toBeCloseTo(90.07, 2);
  });
});

describe("RevenueByDay", () => {
  const days = [
    day("2026-03-01", 2_500),
    day("2026-03-02", 0),
    day("2026-03-03", 7_450, { orderCount: 3, refunds: "1000", platformFees: "745", rewards: String(5n * HOTPOT) }),
  ];

  it("draws one bar a day, as tall as its revenue, and names the chart with a summary", () => {
    render(<RevenueByDay days={days} />);
    const chart = screen.getByRole("img", { name: /Revenue by day/ });
    expect(chart.getAttribute("aria-labelledby")).toBeTruthy();
    expect(screen.getByText("3 days from 2026-03-01 to 2026-03-03; the most, ₾74.50, on 2026-03-03.")).toBeTruthy();
    const heights = screen.getAllByTestId("revenue-bar").map((bar) => Number(bar.getAttribute("height")));
    expect(heights).toHaveLength(3);
    expect(heights[1]).toBe(0);
    // 2,500 and 7,450 tetri against a top of 8,000.
    expect((heights[0] ?? 0) / (heights[2] ?? 1)).toBeCloseTo(2_500 / 7_450, 3);
    expect(within(chart).getByText("₾80.00")).toBeTruthy();
  });

  it("keeps every figure in a table for screen readers, and shows it on request", async () => {
    render(<RevenueByDay days={days} />);
    const table = screen.getByTestId("revenue-table");
    expect(table.className).toContain("visually-hidden");
    const row = screen.getAllByTestId("revenue-row")[2];
    expect(row?.textContent).toBe("2026-03-033₾74.50₾10.00₾7.455 HOTPOT");

    const toggle = screen.getByRole("button", { name: "Show as a table" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    await userEvent.setup().click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("revenue-table").className).not.toContain("visually-hidden");
    expect(screen.queryByTestId("revenue-chart")).toBeNull();
  });

  it("says so when the days had no revenue", () => {
    render(<RevenueByDay days={[day("2026-03-01", 0), day("2026-03-02", 0)]} />);
    expect(screen.getByText("2 days without revenue.")).toBeTruthy();
    expect(screen.getAllByTestId("revenue-bar").every((bar) => bar.getAttribute("height") === "0")).toBe(true);
  });
});
