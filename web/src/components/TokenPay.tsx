import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { sendTransaction, signTypedData } from "wagmi/actions";

import { api, ApiProblem, call } from "../api/rest.ts";
import { connectedAccount, wagmiConfig } from "../auth/wallet.ts";
import { permitTypedData, placeOrderTransaction } from "../payments/token.ts";
import { chosenDiscount, PointsDiscount, type PointsChoice } from "./PointsDiscount.tsx";
import { ErrorState, FormError, Loading } from "./states.tsx";

/** A wallet's refusal or failure, in the words it gave (viem's short message, not its whole report). */
function walletError(error: unknown): unknown {
  if (error instanceof Error && "shortMessage" in error && typeof error.shortMessage === "string") {
    return new Error(error.shortMessage);
  }
  return error;
}

/**
 * Paying with the stable token from the signed-in wallet: the API's quote, the permit signed in
 * the wallet, and one transaction (`placeOrderWithPermit`) sent by the wallet. The order's page
 * then follows the escrow and its settlement live, as for a card payment.
 */
export function TokenPay({
  orderId,
  totalTetri,
  onSent,
}: {
  orderId: string;
  totalTetri: number;
  onSent: () => void;
}): ReactNode {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<PointsChoice>({ use: false, amount: "" });
  // Read when the panel opens (the customer's balance and this order's cap), not at pay time, so the
  // discount is chosen knowing what it costs.
  const offer = useQuery({
    queryKey: ["order-points", orderId],
    queryFn: () => call(api.GET("/api/v1/orders/{id}/points", { params: { path: { id: orderId } } })),
  });
  const pay = useMutation({
    mutationFn: async (pointsDiscount: string | undefined) => {
      const payment = await call(
        api.POST("/api/v1/orders/{id}/pay", {
          params: { path: { id: orderId } },
          body:
            pointsDiscount === undefined ? { method: "token" } : { method: "token", points_discount: pointsDiscount },
        }),
      );
      if (payment.method !== "token") throw new Error(t("common.unexpected"));
      try {
        await connectedAccount();
        const typed = permitTypedData(payment);
        const owner = typed.message.owner;
        const signature = await signTypedData(wagmiConfig, { account: owner, ...typed });
        const chain = wagmiConfig.chains.find((known) => known.id === payment.chain_id);
        if (chain === undefined) throw new Error(t("tokenPay.unknownChain", { chainId: payment.chain_id }));
        return await sendTransaction(wagmiConfig, {
          account: owner,
          chainId: chain.id,
          ...placeOrderTransaction(payment, signature),
        });
      } catch (error) {
        throw walletError(error);
      }
    },
    onSuccess: onSent,
  });
  const problem = pay.error instanceof ApiProblem ? pay.error : undefined;
  const fieldError = problem?.fields.points_discount;
  const discount = chosenDiscount(choice);
  return (
    <section className="panel" aria-labelledby="token-pay-title">
      <h2 id="token-pay-title">{t("tokenPay.title")}</h2>
      <p className="muted">{t("tokenPay.explain")}</p>
      {pay.data === undefined && offer.isPending && <Loading />}
      {pay.data === undefined && offer.isError && <ErrorState error={offer.error} retry={() => void offer.refetch()} />}
      {pay.data === undefined && offer.data !== undefined && (
        <PointsDiscount
          offer={offer.data}
          totalTetri={totalTetri}
          choice={choice}
          onChange={(next) => {
            setChoice(next);
            // A refusal was about the amount sent; a new amount has not been refused yet.
            if (fieldError !== undefined) pay.reset();
          }}
          apiError={fieldError}
          disabled={pay.isPending}
        />
      )}
      {pay.data === undefined ? (
        <button
          type="button"
          data-testid="pay-with-token"
          disabled={pay.isPending || discount === undefined}
          onClick={() => {
            if (discount !== undefined) pay.mutate(discount.amount);
          }}
        >
          {pay.isPending ? t("tokenPay.signing") : t("tokenPay.pay")}
        </button>
      ) : (
        <p role="status">
          {t("tokenPay.sent")}{" "}
          <code className="hash" data-testid="token-payment-tx">
            {pay.data}
          </code>
        </p>
      )}
      <FormError error={fieldError === undefined ? (pay.error ?? undefined) : undefined} />
    </section>
  );
}
