import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { CardForm } from "./CardForm.tsx";

function renderForm(): void {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <CardForm orderId="3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2" onPaid={() => undefined} />
    </QueryClientProvider>,
  );
}

describe("CardForm", () => {
  it("shows each problem next to its field, tied to it for screen readers, and sends nothing", async () => {
    renderForm();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Card number"), "4242 4242 4242 4241");
    await user.type(screen.getByLabelText("Expiry (MM/YY)"), "13/40");
    await user.click(screen.getByRole("button", { name: "Pay" }));

    const number = screen.getByLabelText("Card number");
    expect(number.getAttribute("aria-invalid")).toBe("true");
    expect(number.getAttribute("aria-describedby")).toContain("card-number-error");
    expect(screen.getByTestId("card-number-error").textContent).toBe("This card number is not valid.");
    expect(screen.getByTestId("card-expiry-error").textContent).toBe("Enter a future expiry date as MM/YY.");
    expect(screen.getByTestId("card-cvc-error").textContent).toBe("Enter the 3 or 4 digits on the back of the card.");
    // Nothing was sent: no request error, and the button is ready again.
    expect(screen.queryByTestId("form-error")).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Pay" }).disabled).toBe(false);
    // What was typed stays.
    expect((number as HTMLInputElement).value).toBe("4242 4242 4242 4241");
  });
});
