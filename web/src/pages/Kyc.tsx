import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { query } from "../api/graphql.ts";
import { api, call, type Schemas } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import type { KycOnChainQuery } from "../generated/gql/graphql.ts";
import { SubmissionForm } from "../kyc/SubmissionForm.tsx";
import { SignInChoices } from "./SignIn.tsx";

const KycOnChain = graphql(`
  query KycOnChain($account: String!) {
    kycStatus(account: $account) {
      level
      evidenceHash
      verified
    }
  }
`);

type Status = Schemas["KycCase"]["status"];

/** A case an officer has still to decide: the page follows it by itself meanwhile. */
const waiting = (status: Status | undefined): boolean => status === "submitted" || status === "in_review";

/**
 * The customer's identity check: where it stands, and the upload of details and documents (again
 * after a rejection, a revocation or an expiry).
 */
export function Kyc(): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  const status = useQuery({
    queryKey: ["kyc-status", session?.user.id],
    enabled: session !== undefined,
    queryFn: () => call(api.GET("/api/v1/kyc/status")),
    refetchInterval: (current) => (waiting(current.state.data?.status) ? 5_000 : false),
  });
  if (session === undefined) {
    return (
      <section>
        <h1>{t("kyc.title")}</h1>
        <SignInChoices />
      </section>
    );
  }
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const { status: state, case: latest } = status.data;
  return (
    <section>
      <h1>{t("kyc.title")}</h1>
      <p className="muted">{t("kyc.intro")}</p>
      <StatusPanel state={state} latest={latest} address={session.user.address} />
      {!waiting(state) && state !== "approved" && <SubmissionForm onSent={() => void status.refetch()} />}
    </section>
  );
}

function StatusPanel(props: { state: Status; latest: Schemas["KycCase"] | null; address: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const { state, latest } = props;
  const date = (iso: string | null | undefined): string =>
    iso == null ? "—" : new Date(iso).toLocaleDateString(i18n.language, { dateStyle: "long" });
  return (
    <div className="panel" data-testid="kyc-panel">
      <p>
        {t("kyc.statusLabel")}: <strong data-testid="kyc-status">{t(`kyc.status.${state}`)}</strong>
      </p>
      {state === "not_started" && <Empty>{t("kyc.notStarted")}</Empty>}
      {waiting(state) && <p>{t("kyc.waiting", { date: date(latest?.submitted_at) })}</p>}
      {state === "approved" && latest !== null && (
        <>
          <p data-testid="kyc-approved">{t("kyc.approved", { level: latest.level, date: date(latest.expires_at) })}</p>
          <OnChainAttestation address={props.address} evidenceHash={latest.evidence_hash} />
        </>
      )}
      {(state === "rejected" || state === "revoked") && (
        <>
          <p>{t(`kyc.${state}`)}</p>
          <blockquote data-testid="kyc-reason">{latest?.reason ?? "—"}</blockquote>
          <p className="muted">{t("kyc.resubmit")}</p>
        </>
      )}
      {state === "expired" && <p>{t("kyc.expired", { date: date(latest?.expires_at) })}</p>}
    </div>
  );
}

/** The approval as the chain has it (the relayer writes it shortly after the officer decides). */
function OnChainAttestation(props: { address: string; evidenceHash: string | null }): ReactNode {
  const { t } = useTranslation();
  const recorded = (data: KycOnChainQuery | undefined): boolean =>
    data?.kycStatus?.verified === true && data.kycStatus.evidenceHash === props.evidenceHash?.toLowerCase();
  const chain = useQuery({
    queryKey: ["kyc-on-chain", props.address, props.evidenceHash],
    queryFn: () => query(KycOnChain, { account: props.address }),
    refetchInterval: (current) => (recorded(current.state.data) ? false : 2_000),
  });
  if (chain.isError) return <ErrorState error={chain.error} retry={() => void chain.refetch()} />;
  if (!recorded(chain.data)) {
    return (
      <p role="status" className="muted">
        {t("kyc.onChainPending")}
      </p>
    );
  }
  return <p data-testid="kyc-on-chain">{t("kyc.onChain", { level: chain.data?.kycStatus?.level })}</p>;
}
