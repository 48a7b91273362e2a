import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, call } from "../api/rest.ts";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { AdminPage } from "./admin.tsx";

/** Every restaurant with where its registration stands: queued for the chain, active, or deactivated. */
export function AdminRestaurants(): ReactNode {
  const { t } = useTranslation();
  return (
    <AdminPage title={t("admin.title")}>
      <RestaurantList />
    </AdminPage>
  );
}

function RestaurantList(): ReactNode {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ["restaurants", "all"],
    queryFn: () => call(api.GET("/api/v1/restaurants", { params: { query: { limit: 100 } } })),
    refetchInterval: (query) =>
      query.state.data?.restaurants.some((r) => r.status === "registering") === true ? 2_000 : false,
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  return list.data.restaurants.length === 0 ? (
    <Empty>{t("restaurants.empty")}</Empty>
  ) : (
    <table className="lines">
      <caption className="visually-hidden">{t("admin.title")}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{t("register.name")}</th>
          <th scope="col">{t("register.owner")}</th>
          <th scope="col">{t("admin.status")}</th>
        </tr>
      </thead>
      <tbody>
        {list.data.restaurants.map((restaurant) => (
          <tr key={restaurant.id} data-testid={`admin-restaurant-${restaurant.id}`}>
            <td>{restaurant.id}</td>
            <td>{restaurant.name}</td>
            <td className="hash">{restaurant.owner ?? "—"}</td>
            <td>{t(`restaurantStatus.${restaurant.status}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
