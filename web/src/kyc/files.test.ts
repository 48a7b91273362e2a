import { describe, expect, it } from "vitest";

import { checkDocument, checkSelection, formatSize, MAX_DOCUMENT_BYTES, MAX_UPLOAD_BYTES } from "./files.ts";

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff, 0xe0];
const PDF = [...new TextEncoder().encode("%PDF-1.7\n")];

/** A file of `size` bytes that starts with `head`. */
function fileOf(head: readonly number[], size: number, name: string, type = ""): File {
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  return new File([bytes], name, { type });
}

describe("checkDocument", () => {
  it("takes PDF, JPEG and PNG files, judged by their first bytes", async () => {
    expect(await checkDocument(fileOf(PDF, 2048, "passport.pdf", "application/pdf"))).toBeUndefined();
    expect(await checkDocument(fileOf(JPEG, 2048, "selfie.jpg", "image/jpeg"))).toBeUndefined();
    // The name and the browser's guess do not matter: the content does.
    expect(await checkDocument(fileOf(PNG, 2048, "scan.dat", "application/octet-stream"))).toBeUndefined();
  });

  it("refuses other content even when its name and declared type say PNG", async () => {
    const text = [...new TextEncoder().encode("not really a picture")];
    expect(await checkDocument(fileOf(text, 2048, "passport.png", "image/png"))).toBe("type");
    // GIF is an image, but not one the API takes.
    expect(await checkDocument(fileOf([...new TextEncoder().encode("GIF89a")], 64, "selfie.gif"))).toBe("type");
    // A file shorter than the PNG signature cannot be one.
    expect(await checkDocument(fileOf(PNG.slice(0, 4), 4, "cut.png"))).toBe("type");
  });

  it("refuses an empty file and one over the API's 10 MiB, and takes exactly 10 MiB", async () => {
    expect(await checkDocument(fileOf([], 0, "empty.pdf"))).toBe("empty");
    expect(await checkDocument(fileOf(PDF, MAX_DOCUMENT_BYTES + 1, "big.pdf"))).toBe("tooLarge");
    expect(await checkDocument(fileOf(PDF, MAX_DOCUMENT_BYTES, "limit.pdf"))).toBeUndefined();
  });
});

describe("checkSelection", () => {
  it("needs at least one document", () => {
    expect(checkSelection([])).toBe("none");
  });

  it("refuses files that together would make the request larger than the API's 25 MiB", () => {
    const nine = fileOf(PDF, 9 * 1024 * 1024, "a.pdf");
    expect(checkSelection([nine, nine])).toBeUndefined();
    expect(checkSelection([nine, nine, nine])).toBe("total");
    // The text fields and the multipart boundaries need room too.
    expect(checkSelection([fileOf(PDF, MAX_UPLOAD_BYTES - 100, "a.pdf")])).toBe("total");
  });
});

describe("formatSize", () => {
  it("reads sizes in the person's language", () => {
    expect(formatSize(350 * 1024, "en")).toBe("350 kB");
    expect(formatSize(2.45 * 1024 * 1024, "en")).toBe("2.5 MB");
    expect(formatSize(2.45 * 1024 * 1024, "ru")).toBe("2,5 МБ");
  });
});
