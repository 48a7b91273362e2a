import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { sniffContentType } from "./documents.ts";
import { evidenceHashOf } from "./service.ts";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe("KYC documents", () => {
  it("judges PDF, JPEG and PNG by their first bytes, whatever they are called", () => {
    assert.equal(sniffContentType(new TextEncoder().encode("%PDF-1.7\n…")), "application/pdf");
    assert.equal(sniffContentType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)), "image/jpeg");
    assert.equal(sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)), "image/png");
  });

  it("refuses anything else: text, executables, truncated headers, empty files", () => {
    assert.equal(sniffContentType(new TextEncoder().encode("passport.pdf")), undefined);
    assert.equal(sniffContentType(bytes(0x4d, 0x5a, 0x90, 0)), undefined);
    assert.equal(sniffContentType(new TextEncoder().encode("%PD")), undefined);
    assert.equal(sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47)), undefined);
    assert.equal(sniffContentType(new Uint8Array()), undefined);
  });

  it("commits the evidence hash to the case and its documents' CIDs, in any order", () => {
    const a = evidenceHashOf("case-1", ["bafkreia", "bafkreib"]);
    assert.match(a, /^0x[0-9a-f]{64}$/);
    assert.equal(evidenceHashOf("case-1", ["bafkreib", "bafkreia"]), a);
    assert.notEqual(evidenceHashOf("case-2", ["bafkreia", "bafkreib"]), a);
    assert.notEqual(evidenceHashOf("case-1", ["bafkreia"]), a);
  });
});
