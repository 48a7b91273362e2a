// No server answers here: the pages meet a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderAs } from "../test-session.tsx";
import { AdminPage } from "./admin.tsx";
import { AdminApplications } from "./AdminApplications.tsx";
import { AdminParameters } from "./AdminParameters.tsx";
import { AdminRoles } from "./AdminRoles.tsx";

const content = <p data-testid="admin-content">for admins</p>;

describe("the admin pages' gate", () => {
  it("shows an admin the page and the admin pages' navigation", () => {
    renderAs(["admin"], <AdminPage title="Roles">{content}</AdminPage>);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Roles");
    expect(screen.getByTestId("admin-content")).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Administration" });
    expect([...nav.querySelectorAll("a")].map((link) => link.getAttribute("href"))).toEqual([
      "/admin/applications",
      "/admin/restaurants",
      "/admin/roles",
      "/admin/parameters",
    ]);
  });

  it("refuses everyone else, and renders nothing of the page for them", () => {
    renderAs(["auditor", "kyc_officer"], <AdminPage title="Roles">{content}</AdminPage>);
    expect(screen.getByRole("alert").textContent).toBe("Only admins can open this page.");
    expect(screen.queryByTestId("admin-content")).toBeNull();
    expect(screen.queryByRole("navigation", { name: "Administration" })).toBeNull();
  });

  it("offers the ways in to someone signed out", () => {
    renderAs("signed out", <AdminPage title="Roles">{content}</AdminPage>);
    expect(screen.getByTestId("sign-in-wallet")).toBeTruthy();
    expect(screen.queryByTestId("admin-content")).toBeNull();
  });
});

describe("an admin page when the server cannot be reached", () => {
  for (const [name, page] of [
    ["applications", <AdminApplications key="applications" />],
    ["roles", <AdminRoles key="roles" />],
    ["parameters", <AdminParameters key="parameters" />],
  ] as const) {
    it(`${name}: says so and offers to try again`, async () => {
      renderAs(["admin"], page);
      expect(screen.getByText("Loading…")).toBeTruthy();
      const alert = await screen.findByText("The server could not be reached.");
      expect(alert.closest('[role="alert"]')).not.toBeNull();
      expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
    });
  }
});
