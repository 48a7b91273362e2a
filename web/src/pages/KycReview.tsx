import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api, call } from "../api/rest.ts";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { NotOfficer, useKycOfficer } from "../kyc/officer.tsx";

/** The review queue: cases waiting for a decision, oldest first, without personal data. */
export function KycReview(): ReactNode {
  const { t, i18n } = useTranslation();
  const officer = useKycOfficer();
  const queue = useQuery({
    queryKey: ["kyc-queue"],
    enabled: officer,
    queryFn: () => call(api.GET("/api/v1/kyc/cases", { params: { query: { limit: 100 } } })),
    refetchInterval: 10_000,
  });
  if (!officer) return <NotOfficer title={t("kycReview.title")} />;
  if (queue.isPending) return <Loading />;
  if (queue.isError) return <ErrorState error={queue.error} retry={() => void queue.refetch()} />;
  return (
    <section>
      <h1>{t("kycReview.title")}</h1>
      <p className="muted">{t("kycReview.intro")}</p>
      {queue.data.cases.length === 0 ? (
        <Empty>{t("kycReview.empty")}</Empty>
      ) : (
        <table className="lines">
          <caption className="visually-hidden">{t("kycReview.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("kycReview.case")}</th>
              <th scope="col">{t("kycReview.submitted")}</th>
              <th scope="col">{t("kyc.statusLabel")}</th>
              <th scope="col">{t("kycReview.documents")}</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.cases.map((kase) => (
              <tr key={kase.id} data-testid="kyc-queue-row" data-case-id={kase.id} data-user-id={kase.user_id}>
                <td>
                  <Link
                    to={`/kyc/review/${kase.id}`}
                    aria-label={t("kycReview.reviewCase", { id: kase.id.slice(0, 8) })}
                    data-testid="kyc-review-link"
                  >
                    <span className="hash">{kase.id.slice(0, 8)}</span>
                  </Link>
                </td>
                <td>{new Date(kase.submitted_at).toLocaleString(i18n.language)}</td>
                <td>{t(`kyc.status.${kase.status}`)}</td>
                <td>{kase.documents}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
