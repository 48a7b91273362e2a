import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { query, subscribe } from "../api/graphql.ts";
import { RevenueByDay, type RevenueDay } from "../components/RevenueByDay.tsx";
import { Empty, ErrorState, Field, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { formatGel, formatHotpot } from "../money.ts";
import { ManagedRestaurantPage } from "./managed.tsx";

const RevenueByDayQuery = graphql(`
  query RevenueByDay($id: BigInt!, $from: String!, $to: String!) {
    _meta {
      blockNumber
    }
    restaurant(id: $id) {
      totals {
        orderCount
        revenue
        platformFees
      }
      dailyTotals(from: $from, to: $to) {
        date
        orderCount
        revenue
        refunds
        platformFees
        rewards
      }
    }
  }
`);

const RevenueOrderUpdated = graphql(`
  subscription RevenueOrderUpdated($restaurantId: BigInt!) {
    orderUpdated(restaurantId: $restaurantId) {
      orderId
    }
  }
`);

/** The API's own bound (Restaurant.dailyTotals): a year, leap day included. */
const MAX_DAYS = 366;
const MS_PER_DAY = 86_400_000;
const DEFAULT_DAYS = 30;

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface Range {
  readonly from: string;
  readonly to: string;
}

type RangeIssues = Partial<Record<keyof Range, string>>;

/** The last DEFAULT_DAYS days up to today (UTC, the days the API counts in). */
function defaultRange(): Range {
  const today = Date.parse(utcDay(Date.now()));
  return { from: utcDay(today - (DEFAULT_DAYS - 1) * MS_PER_DAY), to: utcDay(today) };
}

/** The franchisee's revenue: totals and the chosen days from the chain mirror, as a chart and a table. */
export function Revenue(): ReactNode {
  const { t } = useTranslation();
  return (
    <ManagedRestaurantPage title={t("revenue.title")}>
      {(restaurant) => <RestaurantRevenue restaurantId={restaurant.id} />}
    </ManagedRestaurantPage>
  );
}

function RestaurantRevenue({ restaurantId }: { restaurantId: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [typed, setTyped] = useState<Range>(defaultRange);
  const [range, setRange] = useState<Range>(typed);
  const [issues, setIssues] = useState<RangeIssues>({});
  const revenue = useQuery({
    queryKey: ["revenue", restaurantId, range.from, range.to],
    queryFn: () => query(RevenueByDayQuery, { id: restaurantId, ...range }),
  });
  // A settlement, fulfilment or refund of one of the restaurant's orders changes the figures.
  useEffect(
    () =>
      subscribe(RevenueOrderUpdated, { restaurantId }, () => {
        void queries.invalidateQueries({ queryKey: ["revenue", restaurantId] });
      }),
    [restaurantId, queries],
  );

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const found = rangeIssues(typed);
    setIssues(Object.fromEntries(Object.entries(found).map(([field, key]) => [field, t(key, { max: MAX_DAYS })])));
    if (Object.keys(found).length === 0) setRange(typed);
  };
  const set = (field: keyof Range) => (event: { target: { value: string } }) => {
    setTyped((current) => ({ ...current, [field]: event.target.value }));
  };
  const gel = (tetri: string | bigint): string => formatGel(BigInt(tetri), i18n.language);

  return (
    <>
      <p className="muted">{t("revenue.explain")}</p>
      <form className="row range" onSubmit={submit} noValidate aria-label={t("revenue.rangeLabel")}>
        <Field id="revenue-from" label={t("revenue.from")} error={issues.from}>
          {(aria) => (
            <input {...aria} type="date" data-testid="revenue-from" value={typed.from} onChange={set("from")} />
          )}
        </Field>
        <Field id="revenue-to" label={t("revenue.to")} error={issues.to}>
          {(aria) => <input {...aria} type="date" data-testid="revenue-to" value={typed.to} onChange={set("to")} />}
        </Field>
        <div className="field">
          <button type="submit" data-testid="revenue-show">
            {t("revenue.show")}
          </button>
        </div>
      </form>
      {revenue.isPending ? (
        <Loading />
      ) : revenue.isError ? (
        <ErrorState error={revenue.error} retry={() => void revenue.refetch()} />
      ) : revenue.data.restaurant === null ? (
        <Empty>{t("revenue.notIndexed")}</Empty>
      ) : (
        <>
          <p className="muted" data-testid="revenue-as-of">
            {t("revenue.asOf", { block: revenue.data._meta.blockNumber ?? "—" })}
          </p>
          <RangeTotals days={revenue.data.restaurant.dailyTotals} />
          <h3>{t("revenue.allTime")}</h3>
          <dl className="facts" data-testid="revenue-all-time">
            <dt>{t("revenue.orders")}</dt>
            <dd data-testid="all-time-orders">{revenue.data.restaurant.totals.orderCount}</dd>
            <dt>{t("revenue.netRevenue")}</dt>
            <dd data-testid="all-time-revenue">{gel(revenue.data.restaurant.totals.revenue)}</dd>
            <dt>{t("revenue.fees")}</dt>
            <dd data-testid="all-time-fees">{gel(revenue.data.restaurant.totals.platformFees)}</dd>
          </dl>
          <h3>{t("revenue.byDay")}</h3>
          {revenue.data.restaurant.dailyTotals.every((day) => day.orderCount === 0 && day.refunds === "0") ? (
            <Empty>{t("revenue.empty")}</Empty>
          ) : (
            <RevenueByDay days={revenue.data.restaurant.dailyTotals} />
          )}
        </>
      )}
    </>
  );
}

/** Translation keys of what is wrong with the typed range, by field (the API's own rules, checked before asking). */
export function rangeIssues(
  range: Range,
): Partial<Record<keyof Range, "revenue.dayRequired" | "revenue.toBeforeFrom" | "revenue.tooLong">> {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  if (Number.isNaN(from) || Number.isNaN(to)) {
    return {
      ...(Number.isNaN(from) ? { from: "revenue.dayRequired" } : {}),
      ...(Number.isNaN(to) ? { to: "revenue.dayRequired" } : {}),
    };
  }
  if (to < from) return { to: "revenue.toBeforeFrom" };
  if ((to - from) / MS_PER_DAY + 1 > MAX_DAYS) return { to: "revenue.tooLong" };
  return {};
}

/** What the chosen days add up to. */
function RangeTotals({ days }: { days: readonly RevenueDay[] }): ReactNode {
  const { t, i18n } = useTranslation();
  const sum = (field: "revenue" | "refunds" | "platformFees" | "rewards"): bigint =>
    days.reduce((total, day) => total + BigInt(day[field]), 0n);
  const gel = (tetri: bigint): string => formatGel(tetri, i18n.language);
  return (
    <>
      <h3>{t("revenue.inRange", { from: days[0]?.date, to: days.at(-1)?.date })}</h3>
      <dl className="facts" data-testid="revenue-range-totals">
        <dt>{t("revenue.orders")}</dt>
        <dd data-testid="range-orders">{days.reduce((count, day) => count + day.orderCount, 0)}</dd>
        <dt>{t("revenue.revenue")}</dt>
        <dd data-testid="range-revenue">{gel(sum("revenue"))}</dd>
        <dt>{t("revenue.refunds")}</dt>
        <dd data-testid="range-refunds">{gel(sum("refunds"))}</dd>
        <dt>{t("revenue.fees")}</dt>
        <dd data-testid="range-fees">{gel(sum("platformFees"))}</dd>
        <dt>{t("revenue.rewards")}</dt>
        <dd data-testid="range-rewards">{formatHotpot(sum("rewards"), i18n.language)}</dd>
      </dl>
    </>
  );
}
