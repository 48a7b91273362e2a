import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { api, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { cartTotalTetri, useCart } from "../cart.tsx";
import { SignInChoices } from "./SignIn.tsx";
import { Empty, FormError } from "../components/states.tsx";
import { formatGel } from "../money.ts";

export function CartPage(): ReactNode {
  const { t, i18n } = useTranslation();
  const { cart, change, clear } = useCart();
  const { session } = useSession();
  const navigate = useNavigate();
  const place = useMutation({
    mutationFn: async () => {
      if (cart.restaurantId === undefined) throw new Error(t("cart.empty"));
      return call(
        api.POST("/api/v1/orders", {
          body: {
            restaurant_id: cart.restaurantId,
            items: cart.lines.map((line) => ({ id: line.itemId, quantity: line.quantity })),
          },
        }),
      );
    },
    onSuccess: async (order) => {
      clear();
      await navigate(`/order/${order.id}`);
    },
  });
  if (cart.lines.length === 0) {
    return (
      <section>
        <h1>{t("cart.title")}</h1>
        <Empty>
          {t("cart.empty")} <Link to="/">{t("cart.browse")}</Link>
        </Empty>
      </section>
    );
  }
  const restaurantId = cart.restaurantId ?? "";
  return (
    <section>
      <h1>{t("cart.title")}</h1>
      <table className="lines">
        <caption className="visually-hidden">{t("cart.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("cart.item")}</th>
            <th scope="col">{t("cart.quantity")}</th>
            <th scope="col">{t("cart.lineTotal")}</th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.itemId}>
              <td>{line.name}</td>
              <td className="quantity">
                <button
                  type="button"
                  aria-label={t("cart.less", { name: line.name })}
                  onClick={() => {
                    change(restaurantId, line, -1);
                  }}
                >
                  −
                </button>
                <span>{line.quantity}</span>
                <button
                  type="button"
                  aria-label={t("cart.add", { name: line.name })}
                  onClick={() => {
                    change(restaurantId, line, 1);
                  }}
                >
                  +
                </button>
              </td>
              <td>{formatGel(line.priceTetri * line.quantity, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t("cart.total")}
            </th>
            <td data-testid="cart-total">{formatGel(cartTotalTetri(cart), i18n.language)}</td>
          </tr>
        </tfoot>
      </table>
      {session === undefined ? (
        <>
          <p>{t("cart.signInFirst")}</p>
          <SignInChoices />
        </>
      ) : (
        <>
          <button
            type="button"
            data-testid="place-order"
            disabled={place.isPending}
            onClick={() => {
              place.mutate();
            }}
          >
            {place.isPending ? t("cart.placing") : t("cart.placeOrder")}
          </button>
          <FormError error={place.error} />
        </>
      )}
    </section>
  );
}
