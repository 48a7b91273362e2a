import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { api, ApiProblem, call, type Schemas } from "../api/rest.ts";
import { ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import type { paths } from "../generated/openapi.ts";
import { DETAIL_NAMES, formatSize } from "../kyc/files.ts";
import { NotOfficer, useKycOfficer } from "../kyc/officer.tsx";

type Opened = paths["/api/v1/kyc/cases/{id}/open"]["post"]["responses"][200]["content"]["application/json"];
type CaseDocument = Opened["documents"][number];
type KycCaseView = Schemas["KycCase"];

/** Field messages of a refused request, and the rest of it for the form's own line (none when a field has it). */
function problemsOf(
  error: unknown,
  shown: readonly string[],
): { fields: Readonly<Record<string, string>>; form: unknown } {
  const fields = error instanceof ApiProblem ? error.fields : {};
  return { fields, form: shown.some((name) => fields[name] !== undefined) ? undefined : error };
}

/**
 * One case for a KYC officer. Nothing personal is fetched until the officer says why they open
 * it: the API writes that reason to the access log with every read of the details and documents.
 */
export function KycCase(): ReactNode {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const officer = useKycOfficer();
  const [reason, setReason] = useState("");
  const open = useMutation({
    mutationFn: (why: string) =>
      call(api.POST("/api/v1/kyc/cases/{id}/open", { params: { path: { id } }, body: { reason: why } })),
  });
  const title = t("kycReview.caseTitle", { id: id.slice(0, 8) });
  if (!officer) return <NotOfficer title={title} />;
  if (open.data !== undefined) return <OpenedCase title={title} opened={open.data} reason={open.variables} />;
  const problems = problemsOf(open.error, ["reason"]);
  return (
    <section>
      <p>
        <Link to="/kyc/review">{t("kycReview.back")}</Link>
      </p>
      <h1>{title}</h1>
      <form
        className="panel"
        noValidate
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          open.mutate(reason);
        }}
      >
        <p>{t("kycReview.openIntro")}</p>
        <Field
          id="kyc-open-reason"
          label={t("kycReview.openReason")}
          hint={t("kycReview.openReasonHint")}
          error={problems.fields.reason}
        >
          {(aria) => (
            <input
              {...aria}
              data-testid="kyc-open-reason"
              value={reason}
              onChange={(event) => {
                setReason(event.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" data-testid="kyc-open" disabled={open.isPending}>
          {t("kycReview.open")}
        </button>
        <FormError error={problems.form} />
      </form>
    </section>
  );
}

function OpenedCase(props: { title: string; opened: Opened; reason: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const [kase, setKase] = useState(props.opened.case);
  const { details, documents } = props.opened;
  const when = (iso: string | null): string => (iso === null ? "—" : new Date(iso).toLocaleString(i18n.language));
  const undecided = kase.status === "submitted" || kase.status === "in_review";
  return (
    <section>
      <p>
        <Link to="/kyc/review">{t("kycReview.back")}</Link>
      </p>
      <h1>{props.title}</h1>
      <dl className="facts">
        <dt>{t("kyc.statusLabel")}</dt>
        <dd data-testid="kyc-case-status">{t(`kyc.status.${kase.status}`)}</dd>
        <dt>{t("kyc.level")}</dt>
        <dd>{kase.level}</dd>
        <dt>{t("kycReview.submitted")}</dt>
        <dd>{when(kase.submitted_at)}</dd>
        {kase.reason !== null && (
          <>
            <dt>{t("kycReview.decisionReason")}</dt>
            <dd data-testid="kyc-case-reason">{kase.reason}</dd>
          </>
        )}
      </dl>
      <h2>{t("kycReview.details")}</h2>
      <dl className="facts" data-testid="kyc-details">
        {DETAIL_NAMES.map((name) => (
          <div className="arg" key={name}>
            <dt>{t(`kyc.field.${name}`)}</dt>
            <dd data-testid={`kyc-detail-${name}`}>{details[name] ?? "—"}</dd>
          </div>
        ))}
      </dl>
      <h2>{t("kycReview.documentsTitle")}</h2>
      {documents.length === 0 ? (
        <p className="empty">{t("kycReview.noDocuments")}</p>
      ) : (
        <ul className="documents">
          {documents.map((document) => (
            <DocumentView key={document.id} caseId={kase.id} document={document} reason={props.reason} />
          ))}
        </ul>
      )}
      {undecided && <DecisionForm kase={kase} onDecided={setKase} />}
      {kase.status === "approved" && <RevokeForm kase={kase} onRevoked={setKase} />}
      {!undecided && (
        <p role="status" data-testid="kyc-decided">
          {t("kycReview.decided", { status: t(`kyc.status.${kase.status}`) })}
        </p>
      )}
    </section>
  );
}

/** A blob as a URL the page can show, released when the blob changes or the view goes. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (blob === undefined) return undefined;
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => {
      URL.revokeObjectURL(created);
      setUrl(undefined);
    };
  }, [blob]);
  return url;
}

/**
 * One decrypted document, fetched with the officer's bearer token (an <img src> could not send
 * it): images shown in the page, PDFs opened in the browser's viewer.
 */
function DocumentView(props: { caseId: string; document: CaseDocument; reason: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const { document } = props;
  const kind = t(`kyc.kind.${document.kind}`);
  const content = useQuery({
    queryKey: ["kyc-document", props.caseId, document.id],
    // Decrypted documents are dropped as soon as the case is left; opening it again reads (and logs) anew.
    gcTime: 0,
    staleTime: Infinity,
    queryFn: () =>
      call(
        api.GET("/api/v1/kyc/cases/{id}/documents/{document_id}", {
          params: { path: { id: props.caseId, document_id: document.id }, query: { reason: props.reason } },
          parseAs: "blob",
        }),
      ),
  });
  const url = useObjectUrl(content.data);
  return (
    <li className="document" data-testid="kyc-document" data-kind={document.kind} data-document-id={document.id}>
      <h3>{kind}</h3>
      <p className="muted">
        {document.content_type}, {formatSize(document.size, i18n.language)}
      </p>
      {content.isError ? (
        <ErrorState error={content.error} retry={() => void content.refetch()} />
      ) : url === undefined ? (
        <Loading />
      ) : document.content_type.startsWith("image/") ? (
        <img src={url} alt={t("kycReview.documentAlt", { kind })} data-testid="kyc-document-image" />
      ) : (
        <a href={url} target="_blank" rel="noreferrer" data-testid="kyc-document-link">
          {t("kycReview.openPdf", { kind })}
        </a>
      )}
    </li>
  );
}

function DecisionForm(props: { kase: KycCaseView; onDecided: (decided: KycCaseView) => void }): ReactNode {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [reason, setReason] = useState("");
  const [level, setLevel] = useState(String(props.kase.level));
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      call(
        api.POST("/api/v1/kyc/cases/{id}/decision", {
          params: { path: { id: props.kase.id } },
          // A mistyped level goes as it is (NaN is sent as null), so the API's message names it.
          body: approve ? { approve, reason, level: Number(level) } : { approve, reason },
        }),
      ),
    onSuccess: (decided) => {
      props.onDecided(decided);
      void queries.invalidateQueries({ queryKey: ["kyc-queue"] });
    },
  });
  const problems = problemsOf(decide.error, ["reason", "level"]);
  return (
    <form
      className="panel"
      noValidate
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
      }}
    >
      <h2>{t("kycReview.decision")}</h2>
      <Field
        id="kyc-decision-reason"
        label={t("kycReview.decisionReason")}
        hint={t("kycReview.decisionReasonHint")}
        error={problems.fields.reason}
      >
        {(aria) => (
          <textarea
            {...aria}
            data-testid="kyc-decision-reason"
            rows={2}
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
            }}
          />
        )}
      </Field>
      <Field id="kyc-level" label={t("kycReview.level")} error={problems.fields.level}>
        {(aria) => (
          <input
            {...aria}
            data-testid="kyc-level"
            inputMode="numeric"
            value={level}
            onChange={(event) => {
              setLevel(event.target.value);
            }}
          />
        )}
      </Field>
      <div className="row actions">
        <button
          type="button"
          data-testid="kyc-approve"
          disabled={decide.isPending}
          onClick={() => {
            decide.mutate(true);
          }}
        >
          {t("kycReview.approve")}
        </button>
        <button
          type="button"
          className="danger"
          data-testid="kyc-reject"
          disabled={decide.isPending}
          onClick={() => {
            decide.mutate(false);
          }}
        >
          {t("kycReview.reject")}
        </button>
      </div>
      <FormError error={problems.form} />
    </form>
  );
}

function RevokeForm(props: { kase: KycCaseView; onRevoked: (revoked: KycCaseView) => void }): ReactNode {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const revoke = useMutation({
    mutationFn: () =>
      call(api.POST("/api/v1/kyc/cases/{id}/revoke", { params: { path: { id: props.kase.id } }, body: { reason } })),
    onSuccess: props.onRevoked,
  });
  const problems = problemsOf(revoke.error, ["reason"]);
  return (
    <form
      className="panel"
      noValidate
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        revoke.mutate();
      }}
    >
      <h2>{t("kycReview.revokeTitle")}</h2>
      <Field id="kyc-revoke-reason" label={t("kycReview.revokeReason")} error={problems.fields.reason}>
        {(aria) => (
          <input
            {...aria}
            data-testid="kyc-revoke-reason"
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
            }}
          />
        )}
      </Field>
      <button type="submit" className="danger" data-testid="kyc-revoke" disabled={revoke.isPending}>
        {t("kycReview.revoke")}
      </button>
      <FormError error={problems.form} />
    </form>
  );
}
