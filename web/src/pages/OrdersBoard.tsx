import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { subscribe } from "../api/graphql.ts";
import { api, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, FormError, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { formatGel } from "../money.ts";
import { useManagedRestaurant } from "./managed.tsx";
import { SignInChoices } from "./SignIn.tsx";

const RestaurantOrderUpdated = graphql(`
  subscription RestaurantOrderUpdated($restaurantId: BigInt!) {
    orderUpdated(restaurantId: $restaurantId) {
      orderId
      status
    }
  }
`);

/**
 * The restaurant's live board: on-chain changes arrive through the GraphQL subscription, and
 * orders placed or paid off chain (not yet on chain) through a refresh every few seconds.
 */
export function OrdersBoard(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const queries = useQueryClient();
  const { selected, picker, pending } = useManagedRestaurant();
  const restaurantId = selected?.id ?? "";
  const [taking, setTaking] = useState(false);
  const orders = useQuery({
    queryKey: ["board", restaurantId],
    enabled: restaurantId !== "",
    queryFn: () => call(api.GET("/api/v1/orders", { params: { query: { restaurant_id: restaurantId, limit: 50 } } })),
    refetchInterval: 3_000,
  });
  useEffect(() => {
    if (restaurantId === "") return;
    return subscribe(RestaurantOrderUpdated, { restaurantId }, () => {
      void queries.invalidateQueries({ queryKey: ["board", restaurantId] });
    });
  }, [restaurantId, queries]);
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "fulfil" | "refund" }): Promise<void> => {
      if (action === "fulfil") await call(api.POST("/api/v1/orders/{id}/fulfill", { params: { path: { id } } }));
      else await call(api.POST("/api/v1/orders/{id}/refund", { params: { path: { id } }, body: {} }));
    },
    onSettled: () => queries.invalidateQueries({ queryKey: ["board", restaurantId] }),
  });

  if (session === undefined) return <SignInChoices />;
  if (pending) return <Loading />;
  if (selected === undefined) {
    return (
      <section>
        <h1>{t("board.title")}</h1>
        <Empty>{t("manage.noRestaurant")}</Empty>
      </section>
    );
  }
  return (
    <section>
      <h1>{t("board.title")}</h1>
      {picker}
      <h2>{selected.name}</h2>
      <button
        type="button"
        data-testid="new-order"
        onClick={() => {
          setTaking(true);
        }}
        disabled={taking}
      >
        {t("board.newOrder")}
      </button>
      {taking && (
        <TillOrder
          restaurantId={restaurantId}
          onDone={() => {
            setTaking(false);
            void queries.invalidateQueries({ queryKey: ["board", restaurantId] });
          }}
        />
      )}
      <FormError error={act.error} />
      {orders.isPending ? (
        <Loading />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : orders.data.orders.length === 0 ? (
        <Empty>{t("board.empty")}</Empty>
      ) : (
        <table className="lines board">
          <caption className="visually-hidden">{t("board.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("board.placedAt")}</th>
              <th scope="col">{t("order.items")}</th>
              <th scope="col">{t("cart.total")}</th>
              <th scope="col">{t("order.status")}</th>
              <th scope="col">{t("board.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.orders.map((order) => (
              <tr key={order.id} data-testid="order-row" data-order-id={order.id}>
                <td>
                  <Link to={`/order/${order.id}`}>{new Date(order.created_at).toLocaleTimeString(i18n.language)}</Link>
                </td>
                <td>{order.items.map((line) => `${line.name} × ${line.quantity}`).join(", ")}</td>
                <td>{formatGel(order.total_tetri, i18n.language)}</td>
                <td data-testid="order-row-status">{t(`order.statuses.${order.status}`)}</td>
                <td className="actions">
                  {order.status === "settled" && (
                    <button
                      type="button"
                      data-testid="fulfil"
                      disabled={act.isPending}
                      onClick={() => {
                        act.mutate({ id: order.id, action: "fulfil" });
                      }}
                    >
                      {t("board.fulfil")}
                    </button>
                  )}
                  {(order.status === "paid" || order.status === "settled") && (
                    <button
                      type="button"
                      className="secondary"
                      data-testid="refund"
                      disabled={act.isPending}
                      onClick={() => {
                        if (window.confirm(t("board.confirmRefund"))) act.mutate({ id: order.id, action: "refund" });
                      }}
                    >
                      {t("board.refund")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** An order taken at the till: quantities of the available items, placed for the restaurant. */
function TillOrder({ restaurantId, onDone }: { restaurantId: string; onDone: () => void }): ReactNode {
  const { t, i18n } = useTranslation();
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const menu = useQuery({
    queryKey: ["menu", restaurantId],
    queryFn: () => call(api.GET("/api/v1/restaurants/{id}/menu", { params: { path: { id: restaurantId } } })),
  });
  const place = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/v1/orders", {
          body: {
            restaurant_id: restaurantId,
            items: Object.entries(quantities)
              .filter(([, quantity]) => quantity > 0)
              .map(([id, quantity]) => ({ id, quantity })),
          },
        }),
      ),
    onSuccess: onDone,
  });
  if (menu.isPending) return <Loading />;
  if (menu.isError) return <ErrorState error={menu.error} retry={() => void menu.refetch()} />;
  const items = menu.data.items.filter((item) => item.available);
  const any = Object.values(quantities).some((quantity) => quantity > 0);
  return (
    <form
      className="panel"
      aria-labelledby="till-title"
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        place.mutate();
      }}
    >
      <h3 id="till-title">{t("board.tillTitle")}</h3>
      {items.length === 0 && <Empty>{t("menu.empty")}</Empty>}
      {items.map((item) => (
        <div className="field inline" key={item.id}>
          <label htmlFor={`till-${item.id}`}>
            {item.name} ({formatGel(item.price_tetri, i18n.language)})
          </label>
          <input
            id={`till-${item.id}`}
            data-testid={`till-quantity-${item.name}`}
            type="number"
            min={0}
            max={99}
            value={quantities[item.id] ?? 0}
            onChange={(event) => {
              setQuantities((current) => ({
                ...current,
                [item.id]: Math.max(0, Math.min(99, Number(event.target.value) || 0)),
              }));
            }}
          />
        </div>
      ))}
      <button type="submit" data-testid="place-till-order" disabled={!any || place.isPending}>
        {t("board.placeTillOrder")}
      </button>{" "}
      <button type="button" className="secondary" onClick={onDone}>
        {t("common.cancel")}
      </button>
      <FormError error={place.error} />
    </form>
  );
}
