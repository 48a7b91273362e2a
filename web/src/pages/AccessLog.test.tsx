// No server answers here: verification meets a real network failure.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { renderAs } from "../test-session.tsx";
import { AccessLog, AccessLogTable, VerifyChain } from "./AccessLog.tsx";

const entry: Schemas["AccessLogEntry"] = {
  id: "7",
  actor_id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  actor_role: "kyc_officer",
  subject_id: "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e",
  action: "read_document",
  reason: "KYC case 3f1c1a52 review",
  at: "2026-12-01T10:00:00.000Z",
  prev_hash: "0".repeat(64),
  hash: "a".repeat(64),
};

/** The two elements a test expects, or a failure saying there were not two. */
function two(elements: HTMLElement[]): [HTMLElement, HTMLElement] {
  const [first, second] = elements;
  if (first === undefined || second === undefined || elements.length !== 2) {
    throw new Error(`expected two rows, found ${elements.length}`);
  }
  return [first, second];
}

describe("the access log", () => {
  it("shows who read whose data, what, why and when", () => {
    renderAs(["auditor"], <AccessLogTable entries={[entry, { ...entry, id: "8", actor_id: null, action: "purge" }]} />);
    const [first, second] = two(screen.getAllByTestId("access-log-row"));
    expect(within(first).getByText("KYC officer")).toBeTruthy();
    expect(within(first).getByText("3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c")).toBeTruthy();
    expect(within(first).getByText(entry.subject_id)).toBeTruthy();
    expect(within(first).getByText("read a document")).toBeTruthy();
    expect(within(first).getByText("KYC case 3f1c1a52 review")).toBeTruthy();
    // An action this page has no words for is shown as the server named it.
    expect(within(second).getByText("purge")).toBeTruthy();
    expect(within(second).getByText("the system")).toBeTruthy();
  });

  it("says so when the chain cannot be verified for want of a server, and offers a retry", async () => {
    renderAs(["auditor"], <VerifyChain />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Verify chain" }));
    expect((await screen.findByRole("alert")).textContent).toContain("could not be reached");
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });

  it("asks for a UUID before filtering by person, naming the field", async () => {
    renderAs(["auditor"], <AccessLog />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Person (id)"), "not-a-uuid");
    await user.click(screen.getByRole("button", { name: "Filter" }));
    expect(screen.getByTestId("subject-error").textContent).toContain("Enter a person's id");
    expect(screen.getByLabelText<HTMLInputElement>("Person (id)").value).toBe("not-a-uuid");
  });

  it("refuses a customer, as the server would", () => {
    renderAs([], <AccessLog />);
    expect(screen.getByTestId("not-auditor")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Verify chain" })).toBeNull();
  });
});
