/** Who may review identity cases, and what everyone else sees on the officer pages. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { useSession } from "../auth/session.tsx";
import { SignInChoices } from "../pages/SignIn.tsx";

/** KYC officers (and admins, whom the API lets review too). */
export function useKycOfficer(): boolean {
  const { hasRole } = useSession();
  return hasRole("kyc_officer") || hasRole("admin");
}

/** The page of someone who may not review: the server would refuse them as well. */
export function NotOfficer({ title }: { title: string }): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  return (
    <section>
      <h1>{title}</h1>
      {session === undefined ? (
        <SignInChoices />
      ) : (
        <p role="alert" className="error-box" data-testid="not-officer">
          {t("kycReview.notOfficer")}
        </p>
      )}
    </section>
  );
}
