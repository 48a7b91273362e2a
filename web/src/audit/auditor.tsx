/** Who may open the auditor's pages, and what everyone else sees there. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Refused } from "../auth/refused.tsx";
import { useSession } from "../auth/session.tsx";

/** Auditors and admins: the API refuses everyone else the access log and the reconciliation. */
export function useAuditor(): boolean {
  const { hasRole } = useSession();
  return hasRole("auditor") || hasRole("admin");
}

export function NotAuditor({ title }: { title: string }): ReactNode {
  const { t } = useTranslation();
  return <Refused title={title} message={t("auditors.only")} testId="not-auditor" />;
}
