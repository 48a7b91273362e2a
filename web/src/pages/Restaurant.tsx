import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { api, call } from "../api/rest.ts";
import { useCart } from "../cart.tsx";
import { KitchenLive } from "../components/KitchenLive.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { formatGel } from "../money.ts";

export function Restaurant(): ReactNode {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const { cart, change } = useCart();
  const restaurant = useQuery({
    queryKey: ["restaurant", id],
    queryFn: () => call(api.GET("/api/v1/restaurants/{id}", { params: { path: { id } } })),
  });
  const menu = useQuery({
    queryKey: ["menu", id],
    queryFn: () => call(api.GET("/api/v1/restaurants/{id}/menu", { params: { path: { id } } })),
  });
  if (restaurant.isPending || menu.isPending) return <Loading />;
  if (restaurant.isError) return <ErrorState error={restaurant.error} retry={() => void restaurant.refetch()} />;
  if (menu.isError) return <ErrorState error={menu.error} retry={() => void menu.refetch()} />;
  const items = menu.data.items.filter((item) => item.available);
  const inCart = (itemId: string): number =>
    cart.restaurantId === id ? (cart.lines.find((line) => line.itemId === itemId)?.quantity ?? 0) : 0;
  return (
    <section>
      <h1>{restaurant.data.name}</h1>
      <p className="muted">{restaurant.data.location}</p>
      <KitchenLive restaurantId={id} name={restaurant.data.name ?? id} />
      <h2>{t("menu.title")}</h2>
      {items.length === 0 ? (
        <Empty>{t("menu.empty")}</Empty>
      ) : (
        <ul className="menu">
          {items.map((item) => (
            <li key={item.id} className="menu-item">
              <div>
                <strong>{item.name}</strong>
                {item.description !== "" && <p className="muted">{item.description}</p>}
              </div>
              <span className="price">{formatGel(item.price_tetri, i18n.language)}</span>
              <div className="quantity">
                {inCart(item.id) > 0 && (
                  <>
                    <button
                      type="button"
                      aria-label={t("cart.less", { name: item.name })}
                      onClick={() => {
                        change(id, { itemId: item.id, name: item.name, priceTetri: item.price_tetri }, -1);
                      }}
                    >
                      −
                    </button>
                    <span aria-live="polite">{inCart(item.id)}</span>
                  </>
                )}
                <button
                  type="button"
                  data-testid={`add-to-cart-${item.name}`}
                  aria-label={t("cart.add", { name: item.name })}
                  onClick={() => {
                    change(id, { itemId: item.id, name: item.name, priceTetri: item.price_tetri }, 1);
                  }}
                >
                  +
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {cart.restaurantId === id && cart.lines.length > 0 && (
        <p>
          <Link to="/cart" className="button" data-testid="go-to-cart">
            {t("cart.checkout")}
          </Link>
        </p>
      )}
    </section>
  );
}
