import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { query } from "../api/graphql.ts";
import { formatArgument, parseAsOfBlock, parseAuditSearch, type AuditSearch } from "../audit/search.ts";
import { Empty, ErrorState, Field, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import type { AuditEventFragment } from "../generated/gql/graphql.ts";

/** The mirror answers at most 100 events a page; an audit reads the first 100 and says how many there are in all. */
const PAGE = 100;

graphql(`
  fragment AuditEvent on ChainEvent {
    id
    blockNumber
    blockTimestamp
    txHash
    logIndex
    contractName
    contract
    eventName
    args
  }
`);

const SubjectHistory = graphql(`
  query AuditSubjectHistory($where: ChainEventFilter!, $asOfBlock: Int, $first: Int!) {
    _meta {
      blockNumber
    }
    events(where: $where, asOfBlock: $asOfBlock, first: $first) {
      totalCount
      nodes {
        ...AuditEvent
      }
    }
  }
`);

const HashHistory = graphql(`
  query AuditHashHistory($hash: ID!, $txHash: String!, $asOfBlock: Int, $first: Int!) {
    _meta {
      blockNumber
    }
    byOrder: events(where: { orderId: $hash }, asOfBlock: $asOfBlock, first: $first) {
      totalCount
      nodes {
        ...AuditEvent
      }
    }
    byTransaction: events(where: { txHash: $txHash }, asOfBlock: $asOfBlock, first: $first) {
      totalCount
      nodes {
        ...AuditEvent
      }
    }
  }
`);

interface History {
  readonly head: number | null | undefined;
  readonly found: "order" | "transaction" | "account" | "restaurant" | undefined;
  readonly totalCount: number;
  readonly events: readonly AuditEventFragment[];
}

async function loadHistory(search: AuditSearch, asOfBlock: number | undefined): Promise<History> {
  if (search.kind === "hash") {
    const data = await query(HashHistory, { hash: search.hash, txHash: search.hash, asOfBlock, first: PAGE });
    const found = data.byOrder.totalCount > 0 ? "order" : data.byTransaction.totalCount > 0 ? "transaction" : undefined;
    const connection = found === "transaction" ? data.byTransaction : data.byOrder;
    return { head: data._meta.blockNumber, found, totalCount: connection.totalCount, events: connection.nodes };
  }
  const where = search.kind === "account" ? { account: search.account } : { restaurantId: search.restaurantId };
  const data = await query(SubjectHistory, { where, asOfBlock, first: PAGE });
  return {
    head: data._meta.blockNumber,
    found: data.events.totalCount > 0 ? search.kind : undefined,
    totalCount: data.events.totalCount,
    events: data.events.nodes,
  };
}

/**
 * The auditor's explorer: everything the platform's contracts logged about an order, an account, a
 * restaurant or a transaction, read from the chain mirror, as it stood at any block (time travel).
 * The search lives in the address (?q=&asOf=), so a finding can be linked and reopened.
 */
export function Audit(): ReactNode {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const asOf = params.get("asOf") ?? "";
  const [form, setForm] = useState({ q, asOf });
  const [touched, setTouched] = useState(false);

  const search = parseAuditSearch(q);
  const asOfBlock = parseAsOfBlock(asOf);
  const valid = typeof search === "object" && asOfBlock !== "invalid";
  const history = useQuery({
    queryKey: ["audit", q, asOf],
    queryFn: () => loadHistory(search as AuditSearch, asOfBlock as number | undefined),
    enabled: valid,
  });

  const formSearch = parseAuditSearch(form.q);
  const formBlock = parseAsOfBlock(form.asOf);
  const searchError =
    !touched || typeof formSearch === "object"
      ? undefined
      : formSearch === "empty"
        ? t("audit.searchRequired")
        : t("audit.searchUnrecognised");
  const blockError = touched && formBlock === "invalid" ? t("audit.blockInvalid") : undefined;

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setTouched(true);
    if (typeof formSearch !== "object" || formBlock === "invalid") return;
    const next: Record<string, string> = { q: form.q.trim() };
    if (form.asOf.trim() !== "") next.asOf = form.asOf.trim();
    setParams(next);
  };
  const dateTime = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "medium" });

  return (
    <section className="audit">
      <h1>{t("audit.title")}</h1>
      <p className="muted">{t("audit.intro")}</p>
      <form onSubmit={submit} noValidate className="row">
        <Field id="audit-search" label={t("audit.search")} error={searchError} hint={t("audit.searchHint")}>
          {(aria) => (
            <input
              {...aria}
              data-testid="audit-search"
              value={form.q}
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => {
                setForm({ ...form, q: event.target.value });
              }}
            />
          )}
        </Field>
        <Field id="audit-as-of" label={t("audit.asOfBlock")} error={blockError} hint={t("audit.asOfHint")}>
          {(aria) => (
            <input
              {...aria}
              data-testid="audit-as-of"
              inputMode="numeric"
              value={form.asOf}
              onChange={(event) => {
                setForm({ ...form, asOf: event.target.value });
              }}
            />
          )}
        </Field>
        <div className="field">
          <button type="submit" data-testid="audit-submit">
            {t("audit.submit")}
          </button>
        </div>
      </form>

      {!valid ? null : history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorState error={history.error} retry={() => void history.refetch()} />
      ) : (
        <>
          <p data-testid="audit-summary">
            {history.data.found === undefined
              ? null
              : t(`audit.found.${history.data.found}`, { count: history.data.totalCount })}{" "}
            {asOfBlock === undefined
              ? t("audit.atHead", { block: history.data.head ?? "—" })
              : t("audit.atBlock", { block: asOfBlock })}
          </p>
          {history.data.events.length === 0 ? (
            <Empty>{t("audit.empty")}</Empty>
          ) : (
            <ol className="events" aria-label={t("audit.history")}>
              {history.data.events.map((event) => (
                <li key={event.id} className="panel" data-testid="audit-event" data-event-name={event.eventName}>
                  <h2 className="event-name">
                    {event.eventName} <span className="muted">{event.contractName}</span>
                  </h2>
                  <dl className="facts">
                    <dt>{t("audit.block")}</dt>
                    <dd data-testid="audit-event-block">{event.blockNumber}</dd>
                    <dt>{t("audit.time")}</dt>
                    <dd>{dateTime.format(new Date(event.blockTimestamp))}</dd>
                    <dt>{t("audit.transaction")}</dt>
                    <dd className="hash" data-testid="audit-event-tx">
                      {event.txHash}
                    </dd>
                    <dt>{t("audit.logIndex")}</dt>
                    <dd data-testid="audit-event-log-index">{event.logIndex}</dd>
                    <dt>{t("audit.contract")}</dt>
                    <dd className="hash">{event.contract}</dd>
                  </dl>
                  <h3 className="visually-hidden">{t("audit.arguments")}</h3>
                  <dl className="facts args">
                    {Object.entries((event.args ?? {}) as Record<string, unknown>).map(([name, value]) => (
                      <div key={name} className="arg" data-testid={`audit-arg-${name}`}>
                        <dt>{name}</dt>
                        <dd className="hash">{formatArgument(value)}</dd>
                      </div>
                    ))}
                  </dl>
                </li>
              ))}
            </ol>
          )}
          {history.data.totalCount > history.data.events.length && (
            <p className="muted">
              {t("audit.more", { shown: history.data.events.length, count: history.data.totalCount })}
            </p>
          )}
        </>
      )}
    </section>
  );
}
