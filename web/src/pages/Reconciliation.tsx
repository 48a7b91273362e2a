import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { api, call, type Schemas } from "../api/rest.ts";
import { NotAuditor, useAuditor } from "../audit/auditor.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { formatGel } from "../money.ts";

const PAGE = 50;

type Row = Schemas["ReconciliationRow"];

const short = (text: string): string => (text.length > 14 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text);

/** The summary's counts per state and per reason. */
export function ReconciliationSummaryView({ summary }: { summary: Schemas["ReconciliationSummary"] }): ReactNode {
  const { t } = useTranslation();
  const reasons = Object.entries(summary.by_reason).filter(([, count]) => count > 0);
  return (
    <section className="panel" aria-labelledby="reconciliation-summary" data-testid="reconciliation-summary">
      <h2 id="reconciliation-summary">{t("reconciliation.summary")}</h2>
      <p>{t("reconciliation.total", { count: summary.total })}</p>
      <dl className="facts">
        {(["reconciled", "pending", "unpaid", "mismatch"] as const).map((state) => (
          <div className="arg" key={state}>
            <dt>{t(`reconciliation.states.${state}`)}</dt>
            <dd data-testid={`summary-${state}`}>{summary.by_state[state] ?? 0}</dd>
          </div>
        ))}
      </dl>
      {reasons.length > 0 && (
        <ul>
          {reasons.map(([reason, count]) => (
            <li key={reason} data-testid={`summary-reason-${reason}`}>
              {t(`reconciliation.reasons.${reason as Row["mismatches"][number]}`)} — {count}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One row per card order; a mismatch is marked and says why in words. */
export function ReconciliationTable({ rows }: { rows: readonly Row[] }): ReactNode {
  const { t, i18n } = useTranslation();
  return (
    <div className="scroll-x">
      <table className="lines reconciliation">
        <caption className="visually-hidden">{t("reconciliation.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reconciliation.state")}</th>
            <th scope="col">{t("reconciliation.order")}</th>
            <th scope="col">{t("reconciliation.payment")}</th>
            <th scope="col">{t("reconciliation.chain")}</th>
            <th scope="col">{t("reconciliation.receipt")}</th>
            <th scope="col">{t("reconciliation.refunds")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.chain_order_id}
              className={row.state === "mismatch" ? "mismatch" : undefined}
              data-testid="reconciliation-row"
              data-state={row.state}
              data-order-id={row.order?.id ?? ""}
              data-chain-order-id={row.chain_order_id}
            >
              <td>
                <strong className={`state ${row.state}`}>{t(`reconciliation.states.${row.state}`)}</strong>
                {row.mismatches.length > 0 && (
                  <ul className="reasons" data-testid="mismatch-reasons">
                    {row.mismatches.map((reason) => (
                      <li key={reason} data-reason={reason}>
                        {t(`reconciliation.reasons.${reason}`)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <div>{new Date(row.at).toLocaleString(i18n.language)}</div>
                {row.order === null ? (
                  <span className="muted">{t("reconciliation.none")}</span>
                ) : (
                  <>
                    <Link to={`/order/${row.order.id}`} className="hash">
                      {short(row.order.id)}
                    </Link>
                    <div className="price">{formatGel(BigInt(row.order.total_tetri), i18n.language)}</div>
                  </>
                )}
              </td>
              <td>
                {row.payment === null ? (
                  <span className="muted">{t("reconciliation.none")}</span>
                ) : (
                  <>
                    <div className="hash">{row.payment.payment_intent_id}</div>
                    <div>
                      <span className="price">{formatGel(BigInt(row.payment.amount_tetri), i18n.language)}</span>{" "}
                      {row.payment.status}
                    </div>
                  </>
                )}
              </td>
              <td>
                {row.chain === null ? (
                  <span className="muted">{t("reconciliation.none")}</span>
                ) : (
                  <>
                    <div>
                      <span className="price">{formatGel(BigInt(row.chain.paid_tetri), i18n.language)}</span>{" "}
                      {row.chain.status}
                    </div>
                    <div className="muted">#{row.chain.block}</div>
                  </>
                )}
                <Link to={`/audit?q=${row.chain_order_id}`} data-testid="history-link">
                  {t("reconciliation.history")}
                </Link>
              </td>
              <td>
                <Receipt row={row} />
              </td>
              <td>
                {t("reconciliation.refundsValue", {
                  card: formatGel(BigInt(row.refunds.processor_tetri), i18n.language),
                  chain: formatGel(BigInt(row.chain?.refunded_tetri ?? "0"), i18n.language),
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Receipt({ row }: { row: Row }): ReactNode {
  const { t } = useTranslation();
  const api = row.order?.receipt_cid ?? null;
  const chain = row.chain?.receipt_cid ?? null;
  if (api === null && chain === null) return <span className="muted">{t("reconciliation.none")}</span>;
  if (api === chain || row.chain === null || row.order === null) {
    const cid = (chain ?? api) as string;
    return (
      <>
        <a href={`/ipfs/${cid}`} className="hash">
          {short(cid)}
        </a>
        {api === chain && <div className="muted">{t("reconciliation.receiptsMatch")}</div>}
      </>
    );
  }
  return (
    <span className="hash">
      {t("reconciliation.receiptsDiffer", {
        api: api === null ? "—" : short(api),
        chain: chain === null ? "—" : short(chain),
      })}
    </span>
  );
}

/** Card payments ↔ on-chain settlements ↔ receipts, for auditors and admins. */
export function Reconciliation(): ReactNode {
  const { t } = useTranslation();
  const auditor = useAuditor();
  const [params, setParams] = useSearchParams();
  const onlyMismatches = params.get("only") === "mismatches";
  const summary = useQuery({
    queryKey: ["reconciliation-summary"],
    enabled: auditor,
    queryFn: () => call(api.GET("/api/v1/audit/reconciliation/summary")),
  });
  const list = useInfiniteQuery({
    queryKey: ["reconciliation", onlyMismatches],
    enabled: auditor,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/audit/reconciliation", {
          params: {
            query: { limit: PAGE, before: pageParam, ...(onlyMismatches ? { only: "mismatches" as const } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
  if (!auditor) return <NotAuditor title={t("reconciliation.title")} />;
  const rows = list.data?.pages.flatMap((page) => page.rows);
  const grace = list.data?.pages[0]?.grace_seconds ?? summary.data?.grace_seconds;
  return (
    <section>
      <h1>{t("reconciliation.title")}</h1>
      <p className="muted">{t("reconciliation.intro")}</p>
      {grace !== undefined && <p className="muted">{t("reconciliation.grace", { minutes: Math.round(grace / 60) })}</p>}
      {summary.isError ? (
        <ErrorState error={summary.error} retry={() => void summary.refetch()} />
      ) : summary.data === undefined ? null : (
        <ReconciliationSummaryView summary={summary.data} />
      )}
      <label className="field inline">
        <input
          type="checkbox"
          checked={onlyMismatches}
          onChange={(event) => {
            setParams(event.target.checked ? { only: "mismatches" } : {});
          }}
          data-testid="only-mismatches"
        />{" "}
        {t("reconciliation.onlyMismatches")}
      </label>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : rows === undefined || rows.length === 0 ? (
        <Empty>{onlyMismatches ? t("reconciliation.emptyMismatches") : t("reconciliation.empty")}</Empty>
      ) : (
        <>
          <ReconciliationTable rows={rows} />
          {list.hasNextPage && (
            <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {t("reconciliation.more")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
