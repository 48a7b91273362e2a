import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import type { StripeElementLocale } from "@stripe/stripe-js";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { api, call } from "../api/rest.ts";
import { stripeFor } from "../payments/stripe.ts";
import { ErrorState, Loading } from "./states.tsx";

/**
 * Paying an order by card with Stripe's own Elements (Stripe mode). The API creates the order's
 * PaymentIntent (one per order, however often this is asked) and hands back its client secret;
 * the PaymentElement collects the card inside Stripe's frames and stripe.confirmPayment confirms
 * the intent from the browser, 3-D Secure included. The order becomes paid when Stripe's webhook
 * reaches the API, as in local mode. This file is its own chunk: local mode never downloads it.
 */
export function StripeCardForm({
  orderId,
  publishableKey,
  onPaid,
}: {
  orderId: string;
  publishableKey: string;
  onPaid: () => void;
}): ReactNode {
  const { t, i18n } = useTranslation();
  const intent = useQuery({
    queryKey: ["card-intent", orderId],
    queryFn: async () => {
      const payment = await call(
        api.POST("/api/v1/orders/{id}/pay", { params: { path: { id: orderId } }, body: { method: "card" } }),
      );
      if (payment.method !== "card" || payment.client_secret === null) throw new Error("no client secret");
      return payment.client_secret;
    },
    staleTime: Infinity,
  });
  const stripe = useQuery({
    queryKey: ["stripe", publishableKey],
    queryFn: () => stripeFor(publishableKey),
    staleTime: Infinity,
  });
  if (intent.isPending || stripe.isPending) return <Loading />;
  if (intent.isError) return <ErrorState error={intent.error} retry={() => void intent.refetch()} />;
  if (stripe.isError || stripe.data === null) {
    return <ErrorState error={stripe.error ?? t("card.stripeUnavailable")} retry={() => void stripe.refetch()} />;
  }
  return (
    <section className="card-form" aria-labelledby="card-form-title" data-testid="stripe-card-form">
      <h2 id="card-form-title">{t("card.title")}</h2>
      <Elements stripe={stripe.data} options={{ clientSecret: intent.data, locale: stripeLocale(i18n.language) }}>
        <ConfirmPayment onPaid={onPaid} />
      </Elements>
    </section>
  );
}

/** Elements speaks English and Russian but not Georgian: there it follows the browser's language. */
function stripeLocale(language: string): StripeElementLocale {
  return language === "en" || language === "ru" ? language : "auto";
}

function ConfirmPayment({ onPaid }: { onPaid: () => void }): ReactNode {
  const { t } = useTranslation();
  const stripe = useStripe();
  const elements = useElements();
  const [paying, setPaying] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (stripe === null || elements === null) return;
    setPaying(true);
    setMessage(undefined);
    const result = await stripe.confirmPayment({
      elements,
      // Cards confirm in place; a method that must leave the page comes back to this order.
      confirmParams: { return_url: window.location.href },
      redirect: "if_required",
    });
    setPaying(false);
    // Stripe's own message, in the page's language: the card's problem shows inside its frame too.
    if (result.error !== undefined) setMessage(result.error.message ?? t("card.stripeFailed"));
    else onPaid();
  };
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <PaymentElement />
      <button type="submit" data-testid="pay" disabled={stripe === null || elements === null || paying}>
        {paying ? t("card.paying") : t("card.pay")}
      </button>
      {message !== undefined && (
        <p role="alert" className="field-error" data-testid="form-error">
          {message}
        </p>
      )}
    </form>
  );
}
