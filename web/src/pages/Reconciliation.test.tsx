// No server answers here: the page's own requests meet a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { renderAs } from "../test-session.tsx";
import { Reconciliation, ReconciliationSummaryView, ReconciliationTable } from "./Reconciliation.tsx";

const chainOrderId = `0x${"ab".repeat(32)}`;
const order = {
  id: "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e",
  status: "paid",
  total_tetri: "5850",
  receipt_cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
  paid_at: "2026-12-01T10:00:01.000Z",
};
const chain = {
  status: "settled",
  paid_tetri: "5850",
  refunded_tetri: "0",
  payment_ref: `0x${"cd".repeat(32)}`,
  receipt_cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
  block: "42",
  settlement_tx: `0x${"ef".repeat(32)}`,
  last_tx: null,
};
const reconciled: Schemas["ReconciliationRow"] = {
  chain_order_id: chainOrderId,
  at: "2026-12-01T10:00:00.000Z",
  state: "reconciled",
  mismatches: [],
  order,
  payment: { payment_intent_id: "pi_123", amount_tetri: "5850", status: "succeeded" },
  chain,
  refunds: { processor_tetri: "0", chain_events_tetri: "0", chain_events: 0 },
};
const mismatched: Schemas["ReconciliationRow"] = {
  ...reconciled,
  chain_order_id: `0x${"12".repeat(32)}`,
  state: "mismatch",
  mismatches: ["amount_differs", "receipt_differs"],
  order: { ...order, receipt_cid: "bafkreiother" },
  chain: { ...chain, paid_tetri: "5851" },
};

/** The two elements a test expects, or a failure saying there were not two. */
function two(elements: HTMLElement[]): [HTMLElement, HTMLElement] {
  const [first, second] = elements;
  if (first === undefined || second === undefined || elements.length !== 2) {
    throw new Error(`expected two rows, found ${elements.length}`);
  }
  return [first, second];
}

describe("the reconciliation", () => {
  it("marks a mismatch and says why in words; a reconciled row is not marked", () => {
    renderAs(["auditor"], <ReconciliationTable rows={[reconciled, mismatched]} />);
    const [first, second] = two(screen.getAllByTestId("reconciliation-row"));
    expect(first.className).not.toContain("mismatch");
    expect(within(first).getByText("Reconciled")).toBeTruthy();
    expect(within(first).getByText("same on both sides")).toBeTruthy();
    expect(second.className).toContain("mismatch");
    expect(within(second).getByText("Mismatch")).toBeTruthy();
    const reasons = within(second).getByTestId("mismatch-reasons");
    expect(reasons.textContent).toContain("The order total, the card payment and the settled amount differ.");
    expect(reasons.textContent).toContain("The receipt the customer got is not the one the chain records.");
    expect(within(second).getByText("₾58.51", { exact: false })).toBeTruthy();
  });

  it("links each order to its on-chain history in the explorer", () => {
    renderAs(["auditor"], <ReconciliationTable rows={[reconciled]} />);
    const link = screen.getByRole("link", { name: "On-chain history" });
    expect(link.getAttribute("href")).toBe(`/audit?q=${chainOrderId}`);
  });

  it("counts rows per state and lists only the reasons that occur", () => {
    renderAs(
      ["auditor"],
      <ReconciliationSummaryView
        summary={{
          total: 3,
          by_state: { reconciled: 2, pending: 0, unpaid: 0, mismatch: 1 },
          by_reason: {
            not_settled: 1,
            settled_without_payment: 0,
            amount_differs: 0,
            payment_ref_differs: 0,
            receipt_differs: 0,
            refund_differs: 0,
          },
          grace_seconds: 600,
          as_of: "2026-12-01T10:00:00.000Z",
        }}
      />,
    );
    expect(screen.getByTestId("summary-reconciled").textContent).toBe("2");
    expect(screen.getByTestId("summary-mismatch").textContent).toBe("1");
    expect(screen.getByTestId("summary-reason-not_settled").textContent).toContain("no settlement is on chain");
    expect(screen.queryByTestId("summary-reason-amount_differs")).toBeNull();
  });

  it("refuses a customer, as the server would", () => {
    renderAs([], <Reconciliation />);
    expect(screen.getByTestId("not-auditor").textContent).toBe("Only auditors and admins can open this page.");
    expect(screen.queryByTestId("reconciliation-row")).toBeNull();
  });

  it("offers a retry when the server cannot be reached", async () => {
    renderAs(["auditor"], <Reconciliation />);
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.some((alert) => alert.textContent.includes("could not be reached"))).toBe(true);
    expect(screen.getAllByRole("button", { name: "Try again" }).length).toBeGreaterThan(0);
  });
});
