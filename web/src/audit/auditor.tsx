/** Who may open the auditor's pages, and what everyone else sees there. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { useSession } from "../auth/session.tsx";
import { SignInChoices } from "../pages/SignIn.tsx";

/** Auditors and admins: the API refuses everyone else the access log and the reconciliation. */
export function useAuditor(): boolean {
  const { hasRole } = useSession();
  return hasRole("auditor") || hasRole("admin");
}

/** The page of someone who may not audit: the server would refuse them as well. */
export function NotAuditor({ title }: { title: string }): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  return (
    <section>
      <h1>{title}</h1>
      {session === undefined ? (
        <SignInChoices />
      ) : (
        <p role="alert" className="error-box" data-testid="not-auditor">
          {t("auditors.only")}
        </p>
      )}
    </section>
  );
}
