import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { query } from "../api/graphql.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { loyaltyHistory, type HistoryEntry } from "../loyalty/history.ts";
import { formatHotpot } from "../money.ts";
import { SignInChoices } from "./SignIn.tsx";

/** How many of each kind of fact the history shows (the latest ones). */
const HISTORY = 20;

const LoyaltyAccount = graphql(`
  query LoyaltyAccount($address: String!, $history: Int!) {
    account(address: $address) {
      balance
      totalEarned
      totalRedeemed
      pointsDebt
      rewards(orderBy: block, orderDirection: desc, first: $history) {
        nodes {
          id
          blockTimestamp
          txHash
          orderId
          amount
        }
      }
      redemptions(orderBy: block, orderDirection: desc, first: $history) {
        nodes {
          id
          blockTimestamp
          txHash
          orderId
          amount
          reason
        }
      }
      transfers(orderBy: block, orderDirection: desc, first: $history) {
        nodes {
          id
          blockTimestamp
          txHash
          from
          to
          value
        }
      }
    }
  }
`);

/** The balance's changes, newest first: what earned points, what spent them, who sent or got them. */
export function LoyaltyHistory({ entries }: { entries: readonly HistoryEntry[] }): ReactNode {
  const { t, i18n } = useTranslation();
  if (entries.length === 0) return <Empty>{t("loyalty.historyEmpty")}</Empty>;
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  return (
    <table className="lines" data-testid="loyalty-history">
      <caption>{t("loyalty.historyTitle")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("loyalty.when")}</th>
          <th scope="col">{t("loyalty.what")}</th>
          <th scope="col" className="num">
            {t("loyalty.change")}
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id} data-testid="loyalty-entry" data-kind={entry.kind}>
            <td>{when.format(new Date(entry.at))}</td>
            <td>
              {t(`loyalty.kinds.${entry.kind}`)}
              {entry.counterparty !== undefined && (
                <>
                  {" "}
                  <code>{entry.counterparty}</code>
                </>
              )}
            </td>
            <td className="num">
              {entry.change > 0n ? "+" : ""}
              {formatHotpot(entry.change, i18n.language)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Loyalty(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const address = session?.user.address ?? "";
  const account = useQuery({
    queryKey: ["loyalty", address],
    enabled: address !== "",
    queryFn: () => query(LoyaltyAccount, { address, history: HISTORY }),
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
      {state != null && (
        <LoyaltyHistory
          entries={loyaltyHistory(address, {
            rewards: state.rewards.nodes,
            redemptions: state.redemptions.nodes,
            transfers: state.transfers.nodes,
          })}
        />
      )}
    </section>
  );
}
