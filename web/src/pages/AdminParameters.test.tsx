import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { PlatformParametersQuery } from "../generated/gql/graphql.ts";
import { ParameterList } from "./AdminParameters.tsx";

const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

const answer: PlatformParametersQuery = {
  _meta: { blockNumber: 42, blockTimestamp: "2026-12-15T10:00:00.000Z" },
  platformParameters: {
    nodes: [
      { key: "cardRewardPerUnit", value: { epoch: 1, rate: "10000000000000000" }, updatedBlock: 7 },
      { key: `currency:${TOKEN}`, value: { allowed: true, maxDiscountBps: 2000 }, updatedBlock: 8 },
      { key: "paused:OrderSettlement", value: { paused: false }, updatedBlock: 30 },
      { key: "somethingNew", value: "0xabc", updatedBlock: 41 },
    ],
  },
};

describe("the platform parameters", () => {
  it("names each parameter, lists its fields and the block it was set at, as of the block the answer reflects", () => {
    render(<ParameterList data={answer} />);
    expect(screen.getByTestId("parameters-block").textContent).toBe(
      `As of block 42, ${new Date("2026-12-15T10:00:00.000Z").toLocaleString("en")}.`,
    );
    const cards = screen.getAllByTestId("parameter");
    expect(cards.map((card) => within(card).getByRole("heading").textContent)).toEqual([
      "Loyalty reward of card payments",
      `Payment token ${TOKEN}`,
      "OrderSettlement paused",
      "somethingNew",
    ]);
    const reward = cards[0];
    expect(reward?.textContent).toContain("rate10000000000000000");
    expect(reward?.querySelector('[data-testid="parameter-block"]')?.textContent).toBe("7");
    expect(cards[3]?.textContent).toContain("Value0xabc");
  });

  it("says when nothing is set yet, and when the mirror has no block yet", () => {
    render(
      <ParameterList
        data={{ _meta: { blockNumber: null, blockTimestamp: null }, platformParameters: { nodes: [] } }}
      />,
    );
    expect(screen.getByTestId("parameters-block").textContent).toBe("The mirror has not indexed a block yet.");
    expect(screen.getByText("No parameter has been set on chain yet.")).toBeTruthy();
  });
});
