import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api, call } from "../api/rest.ts";
import { LiveBadge } from "../components/KitchenLive.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { useLiveKitchens } from "../kitchen.ts";

export function Restaurants(): ReactNode {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ["restaurants"],
    queryFn: () => call(api.GET("/api/v1/restaurants", { params: { query: { limit: 100 } } })),
  });
  // The badge is an extra: while it loads or if it fails, the list shows without it.
  const live = useLiveKitchens().data;
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  const open = list.data.restaurants.filter((restaurant) => restaurant.status === "active");
  return (
    <section>
      <h1>{t("restaurants.title")}</h1>
      {open.length === 0 ? (
        <Empty>{t("restaurants.empty")}</Empty>
      ) : (
        <ul className="cards">
          {open.map((restaurant) => (
            <li key={restaurant.id} className="card" data-testid="restaurant-card" data-restaurant-id={restaurant.id}>
              <h2>
                <Link to={`/restaurants/${restaurant.id}`}>
                  {restaurant.name ?? t("restaurants.unnamed", { id: restaurant.id })}
                </Link>
              </h2>
              <p className="muted">{restaurant.location}</p>
              {live?.has(restaurant.id) === true && <LiveBadge />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
