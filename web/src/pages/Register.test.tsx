// No server answers here: a submission meets a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { ApplicationForm, Standing } from "./Register.tsx";

const pending: Schemas["RestaurantApplication"] = {
  id: "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e",
  status: "pending",
  name: "Test Restaurant",
  location: "Tbilisi, Rustaveli Ave 1",
  note: null,
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

function wrap(node: ReactNode): ReactNode {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>{node}</MemoryRouter>
    </QueryClientProvider>
  );
}

describe("where the application stands", () => {
  it("says a pending application waits, and that approval needs KYC while the applicant has none", () => {
    const { rerender } = render(wrap(<Standing application={pending} />));
    expect(screen.getByTestId("application-status").textContent).toBe(
      "Your application for Test Restaurant (Tbilisi, Rustaveli Ave 1) is waiting for an admin's decision.",
    );
    expect(screen.getByTestId("application-needs-kyc").textContent).toContain("KYC");
    rerender(wrap(<Standing application={{ ...pending, applicant_kyc_verified: true }} />));
    expect(screen.queryByTestId("application-needs-kyc")).toBeNull();
  });

  it("follows the approved restaurant, in the same live region, and leads to the menu once it is active", () => {
    const approved = { ...pending, status: "approved" as const, fee_bps: 1000, restaurant_id: "4" };
    const { rerender } = render(wrap(<Standing application={{ ...approved, restaurant_status: "registering" }} />));
    const status = screen.getByRole("status");
    expect(status.textContent).toBe("Approved: Test Restaurant is restaurant 4: being registered on chain");
    expect(screen.queryByTestId("open-menu")).toBeNull();

    rerender(wrap(<Standing application={{ ...approved, restaurant_status: "active" }} />));
    expect(screen.getByRole("status")).toBe(status);
    expect(screen.getByTestId("restaurant-status").textContent).toBe("active");
    expect(screen.getByRole("link", { name: "Build your menu" }).getAttribute("href")).toBe("/menu");
  });

  it("shows why an application was rejected", () => {
    render(
      wrap(
        <Standing
          application={{ ...pending, status: "rejected", rejection_reason: "We already have one on this street." }}
        />,
      ),
    );
    expect(screen.getByTestId("application-status").textContent).toBe(
      "Your application for Test Restaurant was rejected: We already have one on this street. You may apply again.",
    );
  });
});

describe("the application form", () => {
  it("has the seed's test hooks on labelled fields, and keeps what was typed when the server cannot be reached", async () => {
    let applied = false;
    render(
      wrap(
        <ApplicationForm
          onApplied={() => {
            applied = true;
          }}
        />,
      ),
    );
    const user = userEvent.setup();
    expect(screen.getByLabelText("Restaurant name")).toBe(screen.getByTestId("restaurant-name"));
    await user.type(screen.getByTestId("restaurant-name"), "Test Restaurant");
    await user.type(screen.getByLabelText("Location"), "Tbilisi");
    await user.type(screen.getByLabelText("Note for the admins (optional)"), "Twelve years of dumplings.");
    await user.click(screen.getByTestId("submit"));

    expect((await screen.findByTestId("form-error")).textContent).toBe(
      "The server could not be reached; what you typed is kept, try again.",
    );
    expect(applied).toBe(false);
    expect(screen.getByTestId<HTMLInputElement>("restaurant-name").value).toBe("Test Restaurant");
    expect(screen.getByTestId<HTMLTextAreaElement>("restaurant-note").value).toBe("Twelve years of dumplings.");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Apply" }).disabled).toBe(false);
  });
});
