import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";

import { subscribe } from "../api/graphql.ts";
import { api, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { CardForm } from "../components/CardForm.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { formatGel, formatHotpot } from "../money.ts";
import { useCardConfig } from "../payments/config.ts";

const OrderUpdated = graphql(`
  subscription OrderUpdated($orderId: ID!) {
    orderUpdated(orderId: $orderId) {
      orderId
      status
      updatedBlock
    }
  }
`);

// Wallet code (wagmi, viem) loads only when a customer pays with the token.
const TokenPay = lazy(async () => ({ default: (await import("../components/TokenPay.tsx")).TokenPay }));

// Stripe's Elements (and Stripe.js behind them) load only when the server takes cards through Stripe.
const StripeCardForm = lazy(async () => ({
  default: (await import("../components/StripeCardForm.tsx")).StripeCardForm,
}));

/** The card form the server's settings call for: Stripe's Elements, or the local processor's form. */
function PayByCard({ orderId, onPaid }: { orderId: string; onPaid: () => void }): ReactNode {
  const config = useCardConfig();
  if (config.isPending) return <Loading />;
  if (config.isError) return <ErrorState error={config.error} retry={() => void config.refetch()} />;
  if (config.data.provider === "stripe") {
    return (
      <Suspense fallback={<Loading />}>
        <StripeCardForm orderId={orderId} publishableKey={config.data.publishable_key} onPaid={onPaid} />
      </Suspense>
    );
  }
  return <CardForm orderId={orderId} onPaid={onPaid} />;
}

const STEPS = ["placed", "paid", "settled", "fulfilled"] as const;

/** The order's page: follows it live (the chain's changes arrive as GraphQL subscription events). */
export function Order(): ReactNode {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const queries = useQueryClient();
  const { session } = useSession();
  const order = useQuery({
    queryKey: ["order", id],
    queryFn: () => call(api.GET("/api/v1/orders/{id}", { params: { path: { id } } })),
    // Paid (the card processor's webhook) and served (the restaurant's click) are off-chain changes the
    // subscription cannot tell: while the order waits for one of them, look again every few seconds.
    refetchInterval: (query) =>
      query.state.data?.status === "paid" || query.state.data?.status === "settled" ? 2_000 : false,
  });
  const chainOrderId = order.data?.chain.order_id;
  useEffect(() => {
    if (chainOrderId === undefined) return;
    return subscribe(OrderUpdated, { orderId: chainOrderId }, () => {
      void queries.invalidateQueries({ queryKey: ["order", id] });
    });
  }, [chainOrderId, id, queries]);

  if (order.isPending) return <Loading />;
  if (order.isError) return <ErrorState error={order.error} retry={() => void order.refetch()} />;
  const data = order.data;
  const reached = (step: (typeof STEPS)[number]): boolean =>
    data.status === "refunded" ? step === "placed" : STEPS.indexOf(step) <= STEPS.indexOf(data.status);
  return (
    <section>
      <h1>{t("order.title")}</h1>
      <p>
        {t("order.status")}:{" "}
        <strong data-testid="order-status" aria-live="polite">
          {t(`order.statuses.${data.status}`)}
        </strong>
      </p>
      {/* A card order refunded in part stays settled; the customer is told what came back so far. */}
      <p aria-live="polite" data-testid="order-refund-state">
        {data.refunded_tetri > 0 &&
          data.status !== "refunded" &&
          t("order.partlyRefunded", {
            refunded: formatGel(data.refunded_tetri, i18n.language),
            total: formatGel(data.total_tetri, i18n.language),
          })}
      </p>
      <ol className="steps" aria-label={t("order.progress")}>
        {STEPS.map((step) => (
          <li
            key={step}
            className={reached(step) ? "done" : ""}
            aria-current={data.status === step ? "step" : undefined}
          >
            {t(`order.statuses.${step}`)}
          </li>
        ))}
      </ol>
      <table className="lines">
        <caption className="visually-hidden">{t("order.items")}</caption>
        <tbody>
          {data.items.map((line) => (
            <tr key={line.id}>
              <td>{line.name}</td>
              <td>× {line.quantity}</td>
              <td>{formatGel(line.unit_price_tetri * line.quantity, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t("cart.total")}
            </th>
            <td data-testid="order-total">{formatGel(data.total_tetri, i18n.language)}</td>
          </tr>
          {data.refunded_tetri > 0 && (
            <tr>
              <th scope="row" colSpan={2}>
                {t("order.refunded")}
              </th>
              <td data-testid="order-refunded">{formatGel(data.refunded_tetri, i18n.language)}</td>
            </tr>
          )}
        </tfoot>
      </table>
      {data.status === "placed" && (
        <PayByCard orderId={data.id} onPaid={() => void queries.invalidateQueries({ queryKey: ["order", id] })} />
      )}
      {/* A wallet's own account may pay with the token; custodial accounts have no wallet to sign with. */}
      {data.status === "placed" && session?.user.custodial === false && (
        <Suspense fallback={<Loading />}>
          <TokenPay
            orderId={data.id}
            totalTetri={data.total_tetri}
            onSent={() => void queries.invalidateQueries({ queryKey: ["order", id] })}
          />
        </Suspense>
      )}
      <p>
        {t("order.chainOrderId")}:{" "}
        <code className="hash" data-testid="chain-order-id">
          {data.chain.order_id}
        </code>
      </p>
      {data.chain.tx_hash !== null && (
        <p>
          {t("order.settlementTx")}:{" "}
          <code className="hash" data-testid="settlement-tx">
            {data.chain.tx_hash}
          </code>
        </p>
      )}
      {data.chain.reward !== null && (
        <p data-testid="order-reward">
          {t("order.reward", { amount: formatHotpot(data.chain.reward, i18n.language) })}
        </p>
      )}
      {data.receipt_url !== null && (
        <p>
          <a href={data.receipt_url} target="_blank" rel="noreferrer" data-testid="receipt-link">
            {t("order.receipt")}
          </a>{" "}
          <span className="muted hash">({data.receipt_cid})</span>
        </p>
      )}
    </section>
  );
}
