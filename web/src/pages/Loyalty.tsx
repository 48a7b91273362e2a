import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { query } from "../api/graphql.ts";
import { useSession } from "../auth/session.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { formatHotpot } from "../money.ts";
import { SignInChoices } from "./SignIn.tsx";

const LoyaltyAccount = graphql(`
  query LoyaltyAccount($address: String!) {
    account(address: $address) {
      balance
      totalEarned
      totalRedeemed
      pointsDebt
    }
  }
`);

export function Loyalty(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const address = session?.user.address ?? "";
  const account = useQuery({
    queryKey: ["loyalty", address],
    enabled: address !== "",
    queryFn: () => query(LoyaltyAccount, { address }),
  });
  if (session === undefined) {
    return (
      <section>
        <h1>{t("loyalty.title")}</h1>
        <SignInChoices />
      </section>
    );
  }
  if (account.isPending) return <Loading />;
  if (account.isError) return <ErrorState error={account.error} retry={() => void account.refetch()} />;
  const state = account.data.account;
  return (
    <section>
      <h1>{t("loyalty.title")}</h1>
      <p className="balance">
        {t("loyalty.balance")}:{" "}
        <strong data-testid="loyalty-balance">{formatHotpot(state?.balance ?? "0", i18n.language)}</strong>
      </p>
      {state == null ? (
        <p className="empty">{t("loyalty.none")}</p>
      ) : (
        <dl className="facts">
          <dt>{t("loyalty.earned")}</dt>
          <dd>{formatHotpot(state.totalEarned, i18n.language)}</dd>
          <dt>{t("loyalty.redeemed")}</dt>
          <dd>{formatHotpot(state.totalRedeemed, i18n.language)}</dd>
          {state.pointsDebt !== "0" && (
            <>
              <dt>{t("loyalty.debt")}</dt>
              <dd>{formatHotpot(state.pointsDebt, i18n.language)}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
