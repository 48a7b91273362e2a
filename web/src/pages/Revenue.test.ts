import { describe, expect, it } from "vitest";

import { rangeIssues } from "./Revenue.tsx";

describe("rangeIssues", () => {
  it("accepts a single day and up to 366 days, as the API does", () => {
    expect(rangeIssues({ from: "2026-03-01", to: "2026-03-01" })).toEqual({});
    expect(rangeIssues({ from: "2028-01-01", to: "2028-12-31" })).toEqual({});
  });

  it("names the field that is wrong", () => {
    expect(rangeIssues({ from: "", to: "2026-03-01" })).toEqual({ from: "revenue.dayRequired" });
    expect(rangeIssues({ from: "", to: "" })).toEqual({ from: "revenue.dayRequired", to: "revenue.dayRequired" });
    expect(rangeIssues({ from: "2026-03-02", to: "2026-03-01" })).toEqual({ to: "revenue.toBeforeFrom" });
    expect(rangeIssues({ from: "2026-01-01", to: "2027-01-02" })).toEqual({ to: "revenue.tooLong" });
  });
});
