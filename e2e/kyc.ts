/** The customer's side of a KYC submission in the browser tests: details typed, documents chosen. */
import type { Page } from "@playwright/test";

/** A real 1×1 PNG: the officer's page must be able to show it once decrypted. */
export const SELFIE_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** A PDF of about `bytes` (a comment pads it), so an upload of it takes a while when throttled. */
export function passportPdf(bytes: number): Buffer {
  const head = "%PDF-1.4\n%";
  const tail = "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  return Buffer.from(head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail, "latin1");
}

export const DETAILS = {
  full_name: "Nino Beridze",
  email: "nino.e2e@example.ge",
  phone: "+995 555 12 34 56",
  address: "Tbilisi, Chavchavadze Ave 37",
  birth_date: "1990-04-21",
  nationality: "GE",
  document_number: "13AB45678",
} as const;

/** Types the details and chooses a passport (PDF) and a selfie (PNG) on the open /kyc form. */
export async function fillKycForm(
  page: Page,
  options: { email: string; passportBytes?: number; fullName?: string },
): Promise<void> {
  const details = { ...DETAILS, email: options.email, full_name: options.fullName ?? DETAILS.full_name };
  for (const [name, value] of Object.entries(details)) await page.fill(`[data-testid="kyc-${name}"]`, value);
  await page.setInputFiles('[data-testid="kyc-file-passport"]', {
    name: "passport.pdf",
    mimeType: "application/pdf",
    buffer: passportPdf(options.passportBytes ?? 4096),
  });
  await page.setInputFiles('[data-testid="kyc-file-selfie"]', {
    name: "selfie.png",
    mimeType: "image/png",
    buffer: SELFIE_PNG,
  });
}
