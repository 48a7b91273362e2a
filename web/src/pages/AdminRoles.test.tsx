// No server answers here: saving meets a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { UserCard } from "./AdminRoles.tsx";

const auditor: Schemas["User"] = {
  id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  address: "0x976ea74026e726554db657fa54763abd0c3a0aa9",
  custodial: true,
  roles: ["auditor"],
  created_at: "2026-12-01T09:00:00.000Z",
};

describe("a person's roles", () => {
  it("shows the roles held as ticked boxes, grouped under the person's address", () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ul>
          <UserCard user={auditor} onSaved={() => undefined} />
        </ul>
      </QueryClientProvider>,
    );
    const group = screen.getByRole("group", { name: `Roles of ${auditor.address}` });
    expect(group.textContent).toContain("custodial account");
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "Auditor" }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "Admin" }).checked).toBe(false);
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "KYC officer" }).checked).toBe(false);
  });

  it("keeps the boxes as ticked when saving fails, and says why", async () => {
    const saved: string[] = [];
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ul>
          <UserCard user={auditor} onSaved={(message) => saved.push(message)} />
        </ul>
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole("checkbox", { name: "KYC officer" }));
    await user.click(screen.getByRole("checkbox", { name: "Auditor" }));
    await user.click(screen.getByRole("button", { name: "Save roles" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe(
      "The server could not be reached; what you typed is kept, try again.",
    );
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "KYC officer" }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "Auditor" }).checked).toBe(false);
    expect(saved).toEqual([]);
  });
});
