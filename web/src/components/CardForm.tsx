import { useMutation } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, call } from "../api/rest.ts";
import { checkCard, testPaymentMethod, type CardInput } from "./card.ts";
import { Field, FormError } from "./states.tsx";

/**
 * Paying an order by card in local mode: checks the card as Stripe Elements would, turns it into
 * the test PaymentMethod the local processor knows, and asks the API to confirm the order's
 * PaymentIntent with it. What was typed stays in the form when the payment fails.
 */
export function CardForm({ orderId, onPaid }: { orderId: string; onPaid: () => void }): ReactNode {
  const { t } = useTranslation();
  const [card, setCard] = useState<CardInput>({ number: "", expiry: "", cvc: "" });
  const [issues, setIssues] = useState<ReturnType<typeof checkCard>>({});
  const pay = useMutation({
    mutationFn: (paymentMethod: string) =>
      call(
        api.POST("/api/v1/orders/{id}/pay", {
          params: { path: { id: orderId } },
          body: { method: "card", payment_method: paymentMethod },
        }),
      ),
    onSuccess: onPaid,
  });
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const found = checkCard(card, new Date());
    setIssues(found);
    const paymentMethod = testPaymentMethod(card.number);
    if (Object.keys(found).length === 0 && paymentMethod !== undefined) pay.mutate(paymentMethod);
  };
  const message = (field: keyof CardInput): string | undefined => {
    const issue = issues[field];
    return issue === undefined ? undefined : t(`card.issues.${issue}`);
  };
  const set = (field: keyof CardInput) => (event: { target: { value: string } }) => {
    setCard((current) => ({ ...current, [field]: event.target.value }));
  };
  return (
    <form className="card-form" onSubmit={submit} noValidate aria-labelledby="card-form-title">
      <h2 id="card-form-title">{t("card.title")}</h2>
      <Field id="card-number" label={t("card.number")} error={message("number")} hint={t("card.testHint")}>
        {(aria) => (
          <input
            {...aria}
            data-testid="card-number"
            inputMode="numeric"
            autoComplete="cc-number"
            value={card.number}
            onChange={set("number")}
          />
        )}
      </Field>
      <div className="row">
        <Field id="card-expiry" label={t("card.expiry")} error={message("expiry")}>
          {(aria) => (
            <input
              {...aria}
              data-testid="card-expiry"
              placeholder={t("card.expiryPlaceholder")}
              autoComplete="cc-exp"
              value={card.expiry}
              onChange={set("expiry")}
            />
          )}
        </Field>
        <Field id="card-cvc" label={t("card.cvc")} error={message("cvc")}>
          {(aria) => (
            <input
              {...aria}
              data-testid="card-cvc"
              inputMode="numeric"
              autoComplete="cc-csc"
              value={card.cvc}
              onChange={set("cvc")}
            />
          )}
        </Field>
      </div>
      <button type="submit" data-testid="pay" disabled={pay.isPending}>
        {pay.isPending ? t("card.paying") : t("card.pay")}
      </button>
      <FormError error={pay.error} />
    </form>
  );
}
