import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { formatGel } from "../money.ts";
import { SignInChoices } from "./SignIn.tsx";

export function MyOrders(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const orders = useQuery({
    queryKey: ["my-orders", session?.user.id],
    enabled: session !== undefined,
    queryFn: () => call(api.GET("/api/v1/orders", { params: { query: { limit: 50 } } })),
  });
  if (session === undefined) return <SignInChoices />;
  if (orders.isPending) return <Loading />;
  if (orders.isError) return <ErrorState error={orders.error} retry={() => void orders.refetch()} />;
  return (
    <section>
      <h1>{t("nav.myOrders")}</h1>
      {orders.data.orders.length === 0 ? (
        <Empty>{t("board.empty")}</Empty>
      ) : (
        <ul className="cards">
          {orders.data.orders.map((order) => (
            <li key={order.id} className="card">
              <Link to={`/order/${order.id}`}>{new Date(order.created_at).toLocaleString(i18n.language)}</Link>{" "}
              {formatGel(order.total_tetri, i18n.language)} · {t(`order.statuses.${order.status}`)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
