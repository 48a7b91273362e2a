import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { Schemas } from "../api/rest.ts";
import { formatGel, formatHotpot, parseGel } from "../money.ts";
import { Field } from "./states.tsx";

export type PointsOffer = Schemas["PointsOffer"];

/** The customer's choice: whether to pay part with points, and the discount as typed. */
export interface PointsChoice {
  readonly use: boolean;
  readonly amount: string;
}

/**
 * The discount a choice asks for: tetri 0 (and nothing to send) when points are not used, the
 * API's "5.00" form when they are, undefined when what was typed is not an amount (the form says
 * so beside the field and sends nothing).
 */
export function chosenDiscount(choice: PointsChoice): { tetri: number; amount?: string } | undefined {
  if (!choice.use) return { tetri: 0 };
  const parsed = parseGel(choice.amount);
  return parsed.ok ? { tetri: parsed.tetri, amount: parsed.amount } : undefined;
}

/**
 * "Pay part with points" on a token payment: the balance, the largest discount the points buy
 * for this order and what it costs, the discount to take, and what is left to pay. The API checks
 * the discount against the currency's cap and the balance; its message (`apiError`) shows here.
 */
export function PointsDiscount(props: {
  offer: PointsOffer;
  totalTetri: number;
  choice: PointsChoice;
  onChange: (choice: PointsChoice) => void;
  apiError?: string | undefined;
  disabled?: boolean;
}): ReactNode {
  const { t, i18n } = useTranslation();
  const { offer, totalTetri, choice, onChange } = props;
  const locale = i18n.language;
  const tetri = chosenDiscount(choice)?.tetri;
  const pointsPerGel = BigInt(offer.points_per_gel);
  const error = tetri === undefined ? t("pointsDiscount.invalid") : props.apiError;
  const nothingToSpend = offer.max_discount_tetri === 0;
  return (
    <fieldset className="points-discount" data-testid="points-discount">
      <legend>{t("pointsDiscount.title")}</legend>
      <p data-testid="points-balance">
        {t("pointsDiscount.balance", { balance: formatHotpot(offer.balance, locale) })}
      </p>
      {nothingToSpend ? (
        <p className="muted" data-testid="points-none">
          {t("pointsDiscount.none")}
        </p>
      ) : (
        <>
          <p className="muted" data-testid="points-max">
            {t("pointsDiscount.max", {
              amount: formatGel(offer.max_discount_tetri, locale),
              points: formatHotpot(offer.points_for_max, locale),
            })}
          </p>
          <label>
            <input
              type="checkbox"
              data-testid="use-points"
              checked={choice.use}
              disabled={props.disabled === true}
              onChange={(event) => {
                onChange({
                  use: event.target.checked,
                  // Offer the most the points buy; the customer may lower it.
                  amount: choice.amount === "" ? offer.max_discount : choice.amount,
                });
              }}
            />{" "}
            {t("pointsDiscount.use")}
          </label>
          {choice.use && (
            <Field
              id="points-discount"
              label={t("pointsDiscount.amount")}
              error={error}
              {...(tetri === undefined
                ? {}
                : {
                    hint: t("pointsDiscount.costs", {
                      points: formatHotpot((BigInt(tetri) * pointsPerGel) / 100n, locale),
                    }),
                  })}
            >
              {(aria) => (
                <input
                  {...aria}
                  inputMode="decimal"
                  value={choice.amount}
                  disabled={props.disabled === true}
                  onChange={(event) => {
                    onChange({ use: true, amount: event.target.value });
                  }}
                />
              )}
            </Field>
          )}
        </>
      )}
      <p data-testid="token-amount-due">
        {t("pointsDiscount.due", {
          amount: formatGel(Math.max(totalTetri - (tetri ?? 0), 0), locale),
        })}
      </p>
    </fieldset>
  );
}
