/**
 * A restaurant's days as a bar chart of revenue (SVG drawn here, no chart library) and as a table
 * of every figure. Screen readers get the table always (the chart is one image with a summary);
 * sighted people switch between the two.
 */
import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { formatGel, formatHotpot } from "../money.ts";

export interface RevenueDay {
  readonly date: string;
  readonly orderCount: number;
  /** GEL tetri and HOTPOT wei, as decimal strings (GraphQL's BigInt). */
  readonly revenue: string;
  readonly refunds: string;
  readonly platformFees: string;
  readonly rewards: string;
}

export interface ChartScale {
  /** The value at the top of the plot: a round number at least as large as every bar. */
  readonly top: bigint;
  /** Gridlines from 0 to top, evenly spaced. */
  readonly ticks: readonly bigint[];
}

/** At most this many steps between gridlines, so their labels never crowd. */
const MAX_STEPS = 4n;

/**
 * Round gridlines for values up to `max`: the step is 1, 2 or 5 times a power of ten, the smallest
 * that covers `max` in MAX_STEPS steps. Below `floor` (nothing sold) the plot still spans `floor`,
 * so an empty chart has an axis rather than a division by zero.
 */
export function chartScale(max: bigint, floor = 100n): ChartScale {
  const span = max > floor ? max : floor;
  const rough = (span + MAX_STEPS - 1n) / MAX_STEPS;
  let power = 1n;
  while (power * 10n <= rough) power *= 10n;
  const step = [1n, 2n, 5n, 10n].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? power * 10n;
  const steps = (span + step - 1n) / step;
  return { top: steps * step, ticks: Array.from({ length: Number(steps) + 1 }, (_, index) => BigInt(index) * step) };
}

/** A bar's height in plot units: proportional to its value, exact at 0 and at the top. */
export function barHeight(value: bigint, top: bigint, plotHeight: number): number {
  if (value <= 0n || top <= 0n) return 0;
  // Scaled in integers first: tetri sums can exceed what a float holds exactly.
  return Number((value * 10_000n) / top) * (plotHeight / 10_000);
}

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 84;
const BOTTOM = 28;
const TOP = 10;
const PLOT_WIDTH = WIDTH - LEFT - 8;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
/** Day labels under the axis: about this many, evenly spaced. */
const DATE_LABELS = 6;

export function RevenueByDay({ days }: { days: readonly RevenueDay[] }): ReactNode {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [asTable, setAsTable] = useState(false);
  const gel = (tetri: string | bigint): string => formatGel(BigInt(tetri), i18n.language);
  const values = days.map((day) => BigInt(day.revenue));
  const max = values.reduce((highest, value) => (value > highest ? value : highest), 0n);
  const best = days[values.indexOf(max)];
  const scale = chartScale(max);
  const slot = PLOT_WIDTH / Math.max(days.length, 1);
  const labelEvery = Math.max(1, Math.ceil(days.length / DATE_LABELS));
  const y = (value: bigint): number => TOP + PLOT_HEIGHT - barHeight(value, scale.top, PLOT_HEIGHT);
  const summary =
    best === undefined || max === 0n
      ? t("revenue.chartEmpty", { count: days.length })
      : t("revenue.chartSummary", {
          count: days.length,
          from: days[0]?.date,
          to: days.at(-1)?.date,
          max: gel(max),
          day: best.date,
        });

  return (
    <div className="revenue-by-day">
      <button
        type="button"
        className="secondary"
        aria-pressed={asTable}
        data-testid="revenue-view-toggle"
        onClick={() => {
          setAsTable(!asTable);
        }}
      >
        {t("revenue.showTable")}
      </button>
      {!asTable && (
        <svg
          className="chart"
          viewBox={`0 0 ${String(WIDTH)} ${String(HEIGHT)}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          data-testid="revenue-chart"
        >
          <title id={`${id}-title`}>{t("revenue.chartTitle")}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {scale.ticks.map((tick) => (
            <g key={tick.toString()} className="tick">
              <line x1={LEFT} x2={WIDTH - 8} y1={y(tick)} y2={y(tick)} />
              <text x={LEFT - 6} y={y(tick)} dy="0.32em" textAnchor="end">
                {gel(tick)}
              </text>
            </g>
          ))}
          {days.map((day, index) => {
            const value = values[index] ?? 0n;
            const height = barHeight(value, scale.top, PLOT_HEIGHT);
            const x = LEFT + index * slot;
            return (
              <g key={day.date}>
                <rect
                  className="bar"
                  x={x + slot * 0.15}
                  width={slot * 0.7}
                  y={TOP + PLOT_HEIGHT - height}
                  height={height}
                  data-testid="revenue-bar"
                  data-date={day.date}
                >
                  <title>{t("revenue.barLabel", { day: day.date, amount: gel(value) })}</title>
                </rect>
                {index % labelEvery === 0 && (
                  <text x={x + slot / 2} y={HEIGHT - 8} textAnchor="middle" className="day">
                    {day.date.slice(5)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
      <table className={asTable ? "lines" : "lines visually-hidden"} data-testid="revenue-table">
        <caption>{t("revenue.tableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("revenue.day")}</th>
            <th scope="col">{t("revenue.orders")}</th>
            <th scope="col">{t("revenue.revenue")}</th>
            <th scope="col">{t("revenue.refunds")}</th>
            <th scope="col">{t("revenue.fees")}</th>
            <th scope="col">{t("revenue.rewards")}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date} data-testid="revenue-row" data-date={day.date}>
              <th scope="row">{day.date}</th>
              <td data-testid="revenue-row-orders">{day.orderCount}</td>
              <td data-testid="revenue-row-revenue">{gel(day.revenue)}</td>
              <td data-testid="revenue-row-refunds">{gel(day.refunds)}</td>
              <td data-testid="revenue-row-fees">{gel(day.platformFees)}</td>
              <td data-testid="revenue-row-rewards">{formatHotpot(day.rewards, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
