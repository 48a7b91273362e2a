import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { UploadProgressBar } from "./UploadProgressBar.tsx";

const MiB = 1024 * 1024;

describe("UploadProgressBar", () => {
  it("shows the share sent as a labelled progress bar and in words", () => {
    render(<UploadProgressBar progress={{ loaded: 1.5 * MiB, total: 4 * MiB }} />);
    const bar = screen.getByRole<HTMLProgressElement>("progressbar", { name: "Upload progress" });
    expect(bar.value).toBe(37);
    expect(bar.max).toBe(100);
    expect(screen.getByTestId("upload-progress").dataset.percent).toBe("37");
    expect(screen.getByText("37 % sent (1.5 MB of 4 MB)")).toBeTruthy();
  });

  it("never shows more than all of it, nor divides by an unknown total", () => {
    const { rerender } = render(<UploadProgressBar progress={{ loaded: 5 * MiB, total: 4 * MiB }} />);
    expect(screen.getByRole<HTMLProgressElement>("progressbar").value).toBe(100);
    rerender(<UploadProgressBar progress={{ loaded: 0, total: 0 }} />);
    expect(screen.getByRole<HTMLProgressElement>("progressbar").value).toBe(0);
    expect(screen.getByTestId("upload-progress").dataset.percent).toBe("0");
  });
});
