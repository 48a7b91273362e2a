import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { ApiProblem } from "../api/rest.ts";
import { EraseConfirmation } from "./EraseConfirmation.tsx";

describe("EraseConfirmation", () => {
  it("explains what erasure destroys and what stays, and confirms only once the person ticks that they understand", async () => {
    let confirmed = 0;
    render(<EraseConfirmation onConfirm={() => (confirmed += 1)} pending={false} error={undefined} />);
    const user = userEvent.setup();
    expect(screen.queryByTestId("erase-confirmation")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Delete my account…" }));
    const dialog = screen.getByRole("region", { name: "Delete your account for good?" });
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Delete your account for good?" }));
    expect(dialog.textContent).toContain("can never be decrypted again");
    expect(dialog.textContent).toContain("Your orders and what is recorded on the chain stay, under your address only");
    expect(dialog.textContent).toContain("You are signed out");

    const confirm = screen.getByRole<HTMLButtonElement>("button", { name: "Delete for good" });
    expect(confirm.disabled).toBe(true);
    await user.click(confirm);
    expect(confirmed).toBe(0);

    await user.click(screen.getByLabelText("I understand that this cannot be undone"));
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);
    expect(confirmed).toBe(1);
  });

  it("cancelling closes it and forgets the tick", async () => {
    render(<EraseConfirmation onConfirm={() => undefined} pending={false} error={undefined} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Delete my account…" }));
    await user.click(screen.getByLabelText("I understand that this cannot be undone"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("erase-confirmation")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Delete my account…" }));
    expect(screen.getByRole<HTMLInputElement>("checkbox").checked).toBe(false);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Delete for good" }).disabled).toBe(true);
  });

  it("keeps the button disabled while the request runs, and shows why it failed", async () => {
    const { rerender } = render(<EraseConfirmation onConfirm={() => undefined} pending={false} error={undefined} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Delete my account…" }));
    await user.click(screen.getByLabelText("I understand that this cannot be undone"));
    rerender(<EraseConfirmation onConfirm={() => undefined} pending error={undefined} />);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Delete for good" }).disabled).toBe(true);

    const refused = new ApiProblem(403, { error: "people erase their own data; admins anyone's" }, "403 Forbidden");
    rerender(<EraseConfirmation onConfirm={() => undefined} pending={false} error={refused} />);
    expect(screen.getByTestId("form-error").textContent).toBe("people erase their own data; admins anyone's");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Delete for good" }).disabled).toBe(false);
  });
});
