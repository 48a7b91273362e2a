// No server answers here: a decision that passes the form's checks meets a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { ApplicationCard } from "./AdminApplications.tsx";

const pending: Schemas["RestaurantApplication"] = {
  id: "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e",
  status: "pending",
  name: "Test Restaurant",
  location: "Tbilisi, Rustaveli Ave 1",
  note: "Twelve years of dumplings.",
  applicant_id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  applicant_address: "0x976ea74026e726554db657fa54763abd0c3a0aa9",
  applicant_kyc_verified: false,
  fee_bps: null,
  restaurant_id: null,
  restaurant_status: null,
  rejection_reason: null,
  created_at: "2026-12-15T10:00:00.000Z",
  decided_at: null,
};

function renderCard(application: Schemas["RestaurantApplication"]): string[] {
  const decisions: string[] = [];
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ul>
        <ApplicationCard application={application} onDecided={(message) => decisions.push(message)} />
      </ul>
    </QueryClientProvider>,
  );
  return decisions;
}

describe("an application's card", () => {
  it("shows what the admin decides on, with the applicant's KYC", () => {
    renderCard(pending);
    const card = screen.getByTestId("application");
    expect(within(card).getByRole("heading").textContent).toBe("Test Restaurant");
    expect(card.textContent).toContain("0x976ea74026e726554db657fa54763abd0c3a0aa9");
    expect(card.textContent).toContain("Twelve years of dumplings.");
    expect(screen.getByTestId("application-kyc").textContent).toBe(
      "not verified: approval waits until the applicant is",
    );
    expect(screen.getByTestId("application-status").textContent).toBe("waiting for a decision");
    expect(screen.getByLabelText<HTMLInputElement>("Platform fee (%)").value).toBe("10");
  });

  it("refuses a fee FranchiseNFT would refuse beside the field, sending nothing; a good one is sent", async () => {
    const decisions = renderCard(pending);
    const user = userEvent.setup();
    const fee = screen.getByLabelText<HTMLInputElement>("Platform fee (%)");
    await user.clear(fee);
    await user.type(fee, "60");
    await user.click(screen.getByTestId("approve"));
    expect(fee.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Enter a fee from 0 to 50 %, with at most two decimals.").id).toBe(
      fee.getAttribute("aria-describedby"),
    );
    expect(screen.queryByTestId("form-error")).toBeNull();

    await user.clear(fee);
    await user.type(fee, "12,5");
    await user.click(screen.getByTestId("approve"));
    expect((await screen.findByTestId("form-error")).textContent).toBe(
      "The server could not be reached; what you typed is kept, try again.",
    );
    expect(fee.getAttribute("aria-invalid")).toBe("false");
    expect(fee.value).toBe("12,5");
    expect(decisions).toEqual([]);
  });

  it("follows an approved application's restaurant, and offers no decision any more", () => {
    renderCard({
      ...pending,
      status: "approved",
      applicant_kyc_verified: true,
      fee_bps: 1000,
      restaurant_id: "4",
      restaurant_status: "registering",
    });
    expect(screen.getByTestId("application-restaurant").textContent).toBe("Restaurant 4: being registered on chain");
    expect(screen.getByTestId("application-kyc").textContent).toBe("verified");
    expect(screen.queryByTestId("approve")).toBeNull();
    expect(screen.queryByTestId("reject")).toBeNull();
  });

  it("shows why a rejected application was rejected", () => {
    renderCard({ ...pending, status: "rejected", rejection_reason: "We already have one on this street." });
    expect(screen.getByTestId("application-status").textContent).toBe("rejected");
    expect(screen.getByText("Rejected: We already have one on this street.")).toBeTruthy();
    expect(screen.queryByTestId("approve")).toBeNull();
  });
});
