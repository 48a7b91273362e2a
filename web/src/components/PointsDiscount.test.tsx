import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState, type ReactNode } from "react";
import { describe, expect, it } from "vitest";

import { chosenDiscount, PointsDiscount, type PointsChoice, type PointsOffer } from "./PointsDiscount.tsx";

const HOTPOT = 10n ** 18n;

/** 100 HOTPOT at 100 HOTPOT per GEL: ₾1.00 of a ₾25.00 order, though the cap would allow ₾12.50. */
const OFFER: PointsOffer = {
  max_discount: "1.00",
  max_discount_tetri: 100,
  cap: "12.50",
  points_per_gel: (100n * HOTPOT).toString(),
  points_for_max: (100n * HOTPOT).toString(),
  balance: (100n * HOTPOT).toString(),
};

/** Holds the choice as TokenPay does, and shows what would be sent. */
function Holder({ offer = OFFER, apiError }: { offer?: PointsOffer; apiError?: string }): ReactNode {
  const [choice, setChoice] = useState<PointsChoice>({ use: false, amount: "" });
  const discount = chosenDiscount(choice);
  return (
    <>
      <PointsDiscount offer={offer} totalTetri={2500} choice={choice} onChange={setChoice} apiError={apiError} />
      <output data-testid="sent">{discount === undefined ? "nothing" : (discount.amount ?? "no discount")}</output>
    </>
  );
}

describe("PointsDiscount", () => {
  it("shows the balance and the most the points buy, and updates what is paid as the discount changes", async () => {
    const user = userEvent.setup();
    render(<Holder />);
    expect(screen.getByTestId("points-balance").textContent).toBe("Your points: 100 HOTPOT");
    expect(screen.getByTestId("points-max").textContent).toBe(
      "Up to ₾1.00 of this order can be paid with points (costs 100 HOTPOT).",
    );
    expect(screen.getByTestId("token-amount-due").textContent).toBe("You pay ₾25.00 with the token");
    expect(screen.getByTestId("sent").textContent).toBe("no discount");

    await user.click(screen.getByRole("checkbox", { name: "Pay part with points" }));
    const field = screen.getByLabelText<HTMLInputElement>("Discount paid with points (₾)");
    // The most the points buy is offered first.
    expect(field.value).toBe("1.00");
    expect(screen.getByTestId("token-amount-due").textContent).toBe("You pay ₾24.00 with the token");
    expect(screen.getByText("Costs 100 HOTPOT")).toBeTruthy();
    expect(screen.getByTestId("sent").textContent).toBe("1.00");

    await user.clear(field);
    await user.type(field, "0,6");
    expect(screen.getByTestId("token-amount-due").textContent).toBe("You pay ₾24.40 with the token");
    expect(screen.getByText("Costs 60 HOTPOT")).toBeTruthy();
    expect(screen.getByTestId("sent").textContent).toBe("0.60");

    await user.click(screen.getByRole("checkbox", { name: "Pay part with points" }));
    expect(screen.queryByLabelText("Discount paid with points (₾)")).toBeNull();
    expect(screen.getByTestId("token-amount-due").textContent).toBe("You pay ₾25.00 with the token");
  });

  it("says beside the field when the amount is not one, and sends nothing", async () => {
    const user = userEvent.setup();
    render(<Holder />);
    await user.click(screen.getByRole("checkbox", { name: "Pay part with points" }));
    const field = screen.getByLabelText("Discount paid with points (₾)");
    await user.clear(field);
    await user.type(field, "1.234");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("points-discount-error").textContent).toBe("Enter an amount like 5.00.");
    expect(screen.getByTestId("sent").textContent).toBe("nothing");
  });

  it("shows the API's refusal beside the field", async () => {
    const user = userEvent.setup();
    const message = "you have 100 HOTPOT; this discount needs 200";
    render(<Holder apiError={message} />);
    await user.click(screen.getByRole("checkbox", { name: "Pay part with points" }));
    const field = screen.getByLabelText("Discount paid with points (₾)");
    expect(field.getAttribute("aria-describedby")).toContain("points-discount-error");
    expect(screen.getByTestId("points-discount-error").textContent).toBe(message);
  });

  it("offers nothing to spend when the points buy no discount", () => {
    render(
      <Holder offer={{ ...OFFER, max_discount: "0.00", max_discount_tetri: 0, points_for_max: "0", balance: "0" }} />,
    );
    expect(screen.getByTestId("points-balance").textContent).toBe("Your points: 0 HOTPOT");
    expect(screen.getByTestId("points-none").textContent).toBe("Your points cannot pay any part of this order yet.");
    expect(screen.queryByRole("checkbox")).toBeNull();
    expect(screen.getByTestId("token-amount-due").textContent).toBe("You pay ₾25.00 with the token");
  });
});
