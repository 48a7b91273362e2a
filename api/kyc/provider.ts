/**
 * Who verifies identities. Manual review by the platform's KYC officers is the default; a vendor
 * (Onfido) runs the checks itself and reports back by webhook. Both work on a case that is
 * already stored, so a vendor failure leaves the case waiting, never half-written.
 */
import type { UploadedDocument } from "./documents.ts";
import type { PersonalDetails } from "./details.ts";

export interface ProviderSubmission {
  readonly caseId: string;
  readonly userId: string;
  readonly details: PersonalDetails;
  readonly documents: readonly UploadedDocument[];
}

export interface KycProvider {
  readonly name: string;
  /** Hands a stored case to the verifier; returns the vendor's reference (none for manual review). */
  start(submission: ProviderSubmission): Promise<{ readonly providerRef: string | null }>;
}

/** The default: the case waits in the KYC officers' queue. */
export const manualReview: KycProvider = {
  name: "manual",
  start: () => Promise.resolve({ providerRef: null }),
};
