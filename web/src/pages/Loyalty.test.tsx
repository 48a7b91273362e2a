import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderAs } from "../test-session.tsx";
import { LoyaltyHistory } from "./Loyalty.tsx";

const HOTPOT = 10n ** 18n;
const at = "2026-12-01T10:00:00.000Z";

describe("the loyalty history", () => {
  it("shows each change with its sign, its kind in words and the other person of a transfer", () => {
    renderAs(
      [],
      <LoyaltyHistory
        entries={[
          { id: "13-1", kind: "sent", at, txHash: "0xe", change: -2n * HOTPOT, counterparty: "0x7099…79c8" },
          { id: "12-0", kind: "clawback", at, txHash: "0xb", change: -15n * HOTPOT },
          { id: "10-2", kind: "reward", at, txHash: "0xa", change: 40n * HOTPOT, orderId: "0x01" },
        ]}
      />,
    );
    const rows = screen.getAllByTestId("loyalty-entry");
    expect(rows.map((row) => row.dataset.kind)).toEqual(["sent", "clawback", "reward"]);
    const [sent, clawback, reward] = rows;
    expect(within(sent as HTMLElement).getByText("Sent to")).toBeTruthy();
    expect(within(sent as HTMLElement).getByText("0x7099…79c8")).toBeTruthy();
    expect(sent?.textContent).toContain("-2 HOTPOT");
    expect(clawback?.textContent).toContain("Taken back by a refund");
    expect(reward?.textContent).toContain("+40 HOTPOT");
  });

  it("says so when nothing happened to the points yet", () => {
    renderAs([], <LoyaltyHistory entries={[]} />);
    expect(screen.getByText("Nothing has happened to your points yet.")).toBeTruthy();
  });
});
