/** Who may review identity cases, and what everyone else sees on the officer pages. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Refused } from "../auth/refused.tsx";
import { useSession } from "../auth/session.tsx";

/** KYC officers (and admins, whom the API lets review too). */
export function useKycOfficer(): boolean {
  const { hasRole } = useSession();
  return hasRole("kyc_officer") || hasRole("admin");
}

export function NotOfficer({ title }: { title: string }): ReactNode {
  const { t } = useTranslation();
  return <Refused title={title} message={t("kycReview.notOfficer")} testId="not-officer" />;
}
