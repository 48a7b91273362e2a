import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { sendTransaction, signTypedData } from "wagmi/actions";

import { api, call } from "../api/rest.ts";
import { connectedAccount, wagmiConfig } from "../auth/wallet.ts";
import { permitTypedData, placeOrderTransaction } from "../payments/token.ts";
import { FormError } from "./states.tsx";

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
export function TokenPay({ orderId, onSent }: { orderId: string; onSent: () => void }): ReactNode {
  const { t } = useTranslation();
  const pay = useMutation({
    mutationFn: async () => {
      const payment = await call(
        api.POST("/api/v1/orders/{id}/pay", { params: { path: { id: orderId } }, body: { method: "token" } }),
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
  return (
    <section className="panel" aria-labelledby="token-pay-title">
      <h2 id="token-pay-title">{t("tokenPay.title")}</h2>
      <p className="muted">{t("tokenPay.explain")}</p>
      {pay.data === undefined ? (
        <button
          type="button"
          data-testid="pay-with-token"
          disabled={pay.isPending}
          onClick={() => {
            pay.mutate();
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
      <FormError error={pay.error ?? undefined} />
    </section>
  );
}
