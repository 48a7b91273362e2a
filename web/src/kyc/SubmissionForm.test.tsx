import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { MAX_DOCUMENT_BYTES } from "./files.ts";
import { SubmissionForm } from "./SubmissionForm.tsx";

let sent = 0;

function renderForm(): ReturnType<typeof userEvent.setup> {
  sent = 0;
  render(
    <QueryClientProvider client={new QueryClient()}>
      <SubmissionForm onSent={() => (sent += 1)} />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const pdf = (name: string, size: number): File => {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  return new File([bytes], name, { type: "application/pdf" });
};

/** Nothing was uploaded: no progress, no answer, no failure. */
function expectNothingSent(): void {
  expect(screen.queryByTestId("upload-progress")).toBeNull();
  expect(screen.queryByTestId("form-error")).toBeNull();
  expect(sent).toBe(0);
}

describe("SubmissionForm", () => {
  it("refuses a file that only claims to be a PNG beside its field, and sends nothing", async () => {
    const user = renderForm();
    const fake = new File(["just some text"], "passport.png", { type: "image/png" });
    await user.upload(screen.getByLabelText("Passport"), fake);
    const error = await screen.findByTestId("kyc-file-passport-error");
    expect(error.textContent).toBe("This file is not a PDF, JPEG or PNG.");
    expect(screen.getByLabelText("Passport").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Passport").getAttribute("aria-describedby")).toContain("kyc-file-passport-error");

    await user.click(screen.getByRole("button", { name: "Send for review" }));
    expectNothingSent();
  });

  it("refuses a document over the API's limit and asks for at least one", async () => {
    const user = renderForm();
    await user.click(screen.getByRole("button", { name: "Send for review" }));
    expect(screen.getByTestId("kyc-documents-error").textContent).toBe("Attach at least one document.");
    expectNothingSent();

    await user.upload(screen.getByLabelText("ID card"), pdf("id.pdf", MAX_DOCUMENT_BYTES + 1));
    expect((await screen.findByTestId("kyc-file-id_card-error")).textContent).toBe("This file is larger than 10 MB.");
    // Choosing again clears the form-wide message until the next attempt.
    expect(screen.queryByTestId("kyc-documents-error")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Send for review" }));
    expectNothingSent();
  });

  it("shows what was chosen, and removing it clears the choice and its problem", async () => {
    const user = renderForm();
    await user.upload(screen.getByLabelText("Selfie"), new File(["GIF89a"], "selfie.png", { type: "image/png" }));
    await screen.findByTestId("kyc-file-selfie-error");
    await user.upload(screen.getByLabelText("Selfie"), pdf("selfie.pdf", 3 * 1024));
    expect((await screen.findByTestId("kyc-chosen-selfie")).textContent).toContain("Chosen: selfie.pdf (3 kB)");
    expect(screen.queryByTestId("kyc-file-selfie-error")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Remove the Selfie file" }));
    expect(screen.queryByTestId("kyc-chosen-selfie")).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>("Selfie").files?.length ?? 0).toBe(0);
  });
});
