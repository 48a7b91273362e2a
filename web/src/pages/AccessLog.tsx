import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { api, ApiProblem, call, type Schemas } from "../api/rest.ts";
import { NotAuditor, useAuditor } from "../audit/auditor.tsx";
import { Empty, ErrorState, Field, Loading } from "../components/states.tsx";

const PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIONS = ["read", "read_document", "write", "erase"] as const;
const ROLES = ["kyc_officer", "admin", "customer", "auditor", "system"] as const;

type Entry = Schemas["AccessLogEntry"];

const known = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** Who, whose data, what, why and when: one row per entry, oldest first. */
export function AccessLogTable({ entries }: { entries: readonly Entry[] }): ReactNode {
  const { t, i18n } = useTranslation();
  return (
    <div className="scroll-x">
      <table className="lines">
        <caption className="visually-hidden">{t("accessLog.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("accessLog.when")}</th>
            <th scope="col">{t("accessLog.who")}</th>
            <th scope="col">{t("accessLog.whose")}</th>
            <th scope="col">{t("accessLog.what")}</th>
            <th scope="col">{t("accessLog.why")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.id}
              data-testid="access-log-row"
              data-action={entry.action}
              data-subject-id={entry.subject_id}
            >
              <td>{new Date(entry.at).toLocaleString(i18n.language)}</td>
              <td>
                {known(ROLES, entry.actor_role) ? t(`accessLog.roles.${entry.actor_role}`) : entry.actor_role}
                <div className="hash">{entry.actor_id ?? t("accessLog.system")}</div>
              </td>
              <td className="hash">{entry.subject_id}</td>
              <td>{known(ACTIONS, entry.action) ? t(`accessLog.actions.${entry.action}`) : entry.action}</td>
              <td>{entry.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Walks the log's chain of hashes on the server: intact with its count and head hash, or where it breaks. */
export function VerifyChain(): ReactNode {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: () => call(api.GET("/api/v1/audit/access-log/verify")) });
  const problem = verify.error instanceof ApiProblem ? verify.error : undefined;
  return (
    <div className="panel">
      <button
        type="button"
        onClick={() => {
          verify.mutate();
        }}
        disabled={verify.isPending}
        data-testid="verify-chain"
      >
        {verify.isPending ? t("accessLog.verifying") : t("accessLog.verify")}
      </button>
      {verify.isSuccess && (
        <div role="status" data-testid="verify-result">
          <p>{t("accessLog.intact", { count: verify.data.count })}</p>
          <p>
            {t("accessLog.head")}: <code className="hash">{verify.data.head_hash}</code>
          </p>
        </div>
      )}
      {verify.isError &&
        (problem !== undefined && problem.status === 409 ? (
          <p role="alert" className="error-box" data-testid="verify-broken">
            {t("accessLog.broken", { message: problem.message })}
          </p>
        ) : (
          <ErrorState
            error={verify.error}
            retry={() => {
              verify.mutate();
            }}
          />
        ))}
    </div>
  );
}

/** The personal-data access log for auditors and admins, filtered by person, with its chain verification. */
export function AccessLog(): ReactNode {
  const { t } = useTranslation();
  const auditor = useAuditor();
  const [params, setParams] = useSearchParams();
  const subject = params.get("subject") ?? "";
  const [typed, setTyped] = useState(subject);
  const [invalid, setInvalid] = useState(false);
  const filtered = UUID.test(subject);
  const list = useInfiniteQuery({
    queryKey: ["access-log", filtered ? subject : ""],
    enabled: auditor,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/audit/access-log", {
          params: { query: { limit: PAGE, after: pageParam, ...(filtered ? { subject_id: subject } : {}) } },
        }),
      ),
    // The log is listed by id; a full page may have more after its last entry.
    getNextPageParam: (last) => (last.entries.length < PAGE ? undefined : last.entries.at(-1)?.id),
  });
  if (!auditor) return <NotAuditor title={t("accessLog.title")} />;
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const value = typed.trim();
    if (value !== "" && !UUID.test(value)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setParams(value === "" ? {} : { subject: value.toLowerCase() });
  };
  const entries = list.data?.pages.flatMap((page) => page.entries);
  return (
    <section>
      <h1>{t("accessLog.title")}</h1>
      <p className="muted">{t("accessLog.intro")}</p>
      <VerifyChain />
      <form onSubmit={submit} noValidate className="row range">
        <Field
          id="subject"
          label={t("accessLog.subject")}
          hint={t("accessLog.subjectHint")}
          error={invalid ? t("accessLog.subjectInvalid") : undefined}
        >
          {(aria) => (
            <input
              {...aria}
              value={typed}
              onChange={(event) => {
                setTyped(event.target.value);
              }}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <button type="submit" data-testid="filter-subject">
          {t("accessLog.filter")}
        </button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setTyped("");
              setParams({});
            }}
          >
            {t("accessLog.clear")}
          </button>
        )}
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : entries === undefined || entries.length === 0 ? (
        <Empty>{t("accessLog.empty")}</Empty>
      ) : (
        <>
          <AccessLogTable entries={entries} />
          {list.hasNextPage && (
            <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {t("accessLog.more")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
