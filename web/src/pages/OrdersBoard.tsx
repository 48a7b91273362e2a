import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { subscribe } from "../api/graphql.ts";
import { api, ApiProblem, call, type Schemas } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { graphql } from "../generated/gql/index.ts";
import { formatGel, parseGel } from "../money.ts";
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
  const [refunding, setRefunding] = useState<string>();
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
  const fulfil = useMutation({
    mutationFn: (id: string) => call(api.POST("/api/v1/orders/{id}/fulfill", { params: { path: { id } } })),
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
      <FormError error={fulfil.error} />
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
              <Fragment key={order.id}>
                <tr data-testid="order-row" data-order-id={order.id}>
                  <td>
                    <Link to={`/order/${order.id}`}>
                      {new Date(order.created_at).toLocaleTimeString(i18n.language)}
                    </Link>
                  </td>
                  <td>{order.items.map((line) => `${line.name} × ${line.quantity}`).join(", ")}</td>
                  <td>
                    {formatGel(order.total_tetri, i18n.language)}
                    {order.refunded_tetri > 0 && (
                      <small className="muted" data-testid="order-row-refunded">
                        {" "}
                        {t("board.refunded", { amount: formatGel(order.refunded_tetri, i18n.language) })}
                      </small>
                    )}
                  </td>
                  <td data-testid="order-row-status">{t(`order.statuses.${order.status}`)}</td>
                  <td className="actions">
                    {order.status === "settled" && (
                      <button
                        type="button"
                        data-testid="fulfil"
                        disabled={fulfil.isPending}
                        onClick={() => {
                          fulfil.mutate(order.id);
                        }}
                      >
                        {t("board.fulfil")}
                      </button>
                    )}
                    {refundable(order) && (
                      <button
                        type="button"
                        className="secondary"
                        data-testid="refund"
                        aria-expanded={refunding === order.id}
                        onClick={() => {
                          setRefunding(refunding === order.id ? undefined : order.id);
                        }}
                      >
                        {t("board.refund")}
                      </button>
                    )}
                  </td>
                </tr>
                {refunding === order.id && (
                  <tr>
                    <td colSpan={5}>
                      <RefundForm
                        order={order}
                        onDone={() => {
                          setRefunding(undefined);
                          void queries.invalidateQueries({ queryKey: ["board", restaurantId] });
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
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

/** Card orders can be refunded in parts until nothing remains; token orders in full while in escrow. */
function refundable(order: Schemas["Order"]): boolean {
  if (order.status === "refunded" || order.status === "placed") return false;
  if (order.payment_method === "card") return order.refunded_tetri < order.total_tetri;
  return order.status === "paid";
}

/**
 * How much to refund: empty means all that remains. A card order may be refunded in parts; the
 * processor refunds it and the chain records it, after which the board shows the amount refunded.
 */
function RefundForm({ order, onDone }: { order: Schemas["Order"]; onDone: () => void }): ReactNode {
  const { t, i18n } = useTranslation();
  const [amount, setAmount] = useState("");
  const [amountIssue, setAmountIssue] = useState<string>();
  // One key per refund the person means: a retry after a lost answer cannot refund twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const card = order.payment_method === "card";
  const remaining = order.total_tetri - order.refunded_tetri;
  const refund = useMutation({
    mutationFn: (tetriText: string | undefined) =>
      call(
        api.POST("/api/v1/orders/{id}/refund", {
          params: { path: { id: order.id } },
          body: tetriText === undefined ? {} : { amount: tetriText },
          headers: { "Idempotency-Key": idempotencyKey },
        }),
      ),
    onSuccess: onDone,
    onError: (error) => {
      // Refused (not lost): the next attempt is another request.
      if (error instanceof ApiProblem && !error.network) setIdempotencyKey(crypto.randomUUID());
    },
  });
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (amount.trim() === "") {
      setAmountIssue(undefined);
      refund.mutate(undefined);
      return;
    }
    const parsed = parseGel(amount);
    if (!parsed.ok) {
      setAmountIssue(t(parsed.reason === "format" ? "board.refundFormat" : "board.refundRange"));
      return;
    }
    // The API refuses it too (422); said here in the person's words and money, before anything is sent.
    if (card && parsed.tetri > remaining) {
      setAmountIssue(t("board.refundTooMuch", { amount: formatGel(remaining, i18n.language) }));
      return;
    }
    setAmountIssue(undefined);
    refund.mutate(parsed.amount);
  };
  const fields = refund.error instanceof ApiProblem ? refund.error.fields : {};
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={t("board.refundTitle")} data-testid="refund-form">
      {card ? (
        <Field
          id="refund-amount"
          label={t("board.refundAmount")}
          hint={t("board.refundHint", { amount: formatGel(remaining, i18n.language) })}
          error={amountIssue ?? fields.amount}
        >
          {(aria) => (
            <input
              {...aria}
              data-testid="refund-amount"
              inputMode="decimal"
              value={amount}
              onChange={(event) => {
                setAmount(event.target.value);
              }}
            />
          )}
        </Field>
      ) : (
        <p>{t("board.refundInFull", { amount: formatGel(order.total_tetri, i18n.language) })}</p>
      )}
      <button type="submit" data-testid="refund-submit" disabled={refund.isPending}>
        {t("board.refundSubmit")}
      </button>{" "}
      <button type="button" className="secondary" onClick={onDone}>
        {t("common.cancel")}
      </button>
      {fields.amount === undefined && <FormError error={refund.error} />}
    </form>
  );
}
