import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState, type ReactNode } from "react";
import { describe, expect, it } from "vitest";

import { OneTimeSecret } from "./OneTimeSecret.tsx";

const KEY = "hps_3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2_q9Zx3VbN7mK2pL5tR8wY1aC4dF6gH0jS3uE7iO9kT2n";

/** Holds the secret the way the pages do: until the person says they have kept it. */
function Holder(): ReactNode {
  const [secret, setSecret] = useState<string | undefined>(KEY);
  return secret === undefined ? (
    <p>gone</p>
  ) : (
    <OneTimeSecret
      title="The new key “front till”"
      fields={[{ label: "API key", value: secret, testId: "new-api-key" }]}
      onDone={() => {
        setSecret(undefined);
      }}
    />
  );
}

describe("OneTimeSecret", () => {
  it("shows the secret with a warning, copies it, and keeps nothing once put away", async () => {
    const user = userEvent.setup();
    render(<Holder />);
    expect(screen.getByRole("region", { name: "The new key “front till”" })).toBeTruthy();
    expect(screen.getByText("Copy it now: it is shown only this once.")).toBeTruthy();
    expect(screen.getByTestId("new-api-key").textContent).toBe(KEY);

    await user.click(screen.getByRole("button", { name: "Copy the API key" }));
    expect(await navigator.clipboard.readText()).toBe(KEY);
    expect(screen.getByRole("status").textContent).toBe("API key copied.");

    await user.click(screen.getByRole("button", { name: "I have kept it" }));
    expect(screen.queryByTestId("new-api-key")).toBeNull();
    expect(document.body.textContent).not.toContain(KEY);
  });

  it("says so when the clipboard refuses, leaving the secret on screen to copy by hand", async () => {
    const user = userEvent.setup();
    render(<Holder />);
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: () => Promise.reject(new Error("denied")) },
    });
    await user.click(screen.getByTestId("new-api-key-copy"));
    expect(screen.getByRole("status").textContent).toBe("Could not copy: select the text and copy it yourself.");
    expect(screen.getByTestId("new-api-key").textContent).toBe(KEY);
  });
});
