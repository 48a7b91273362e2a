import { useQuery } from "@tanstack/react-query";
import { Fragment, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, call, type Schemas } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, Loading } from "../components/states.tsx";
import { SignInChoices } from "./SignIn.tsx";

/**
 * The restaurants the signed-in person runs: those whose franchise NFT they own (as indexed), or
 * for an admin every restaurant. With more than one, a picker chooses which the page is about.
 */
export function useManagedRestaurant(): {
  restaurants: Schemas["Restaurant"][] | undefined;
  selected: Schemas["Restaurant"] | undefined;
  picker: ReactNode;
  pending: boolean;
} {
  const { t } = useTranslation();
  const { me, hasRole } = useSession();
  const [choice, setChoice] = useState<string>();
  const all = useQuery({
    queryKey: ["restaurants", "all"],
    enabled: me !== undefined,
    queryFn: () => call(api.GET("/api/v1/restaurants", { params: { query: { limit: 100 } } })),
  });
  const owned = new Set(me?.restaurant_ids ?? []);
  const restaurants = all.data?.restaurants.filter((restaurant) =>
    hasRole("admin") ? restaurant.status !== "registering" : owned.has(restaurant.id),
  );
  const selected = restaurants?.find((restaurant) => restaurant.id === choice) ?? restaurants?.[0];
  const picker =
    restaurants !== undefined && restaurants.length > 1 ? (
      <label className="field inline">
        {t("manage.restaurant")}{" "}
        <select
          value={selected?.id}
          onChange={(event) => {
            setChoice(event.target.value);
          }}
          data-testid="restaurant-picker"
        >
          {restaurants.map((restaurant) => (
            <option key={restaurant.id} value={restaurant.id}>
              {restaurant.name ?? restaurant.id}
            </option>
          ))}
        </select>
      </label>
    ) : null;
  return { restaurants, selected, picker, pending: me === undefined || all.isPending };
}

/**
 * A franchise page's frame: sign-in first, then the restaurant the page is about (with the picker),
 * or why there is none. `children` is keyed by the restaurant, so switching resets what it holds.
 */
export function ManagedRestaurantPage({
  title,
  children,
}: {
  title: string;
  children: (restaurant: Schemas["Restaurant"]) => ReactNode;
}): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  const { selected, picker, pending } = useManagedRestaurant();
  if (session === undefined) return <SignInChoices />;
  if (pending) return <Loading />;
  return (
    <section>
      <h1>{title}</h1>
      {selected === undefined ? (
        <Empty>{t("manage.noRestaurant")}</Empty>
      ) : (
        <>
          {picker}
          <h2>{selected.name}</h2>
          <Fragment key={selected.id}>{children(selected)}</Fragment>
        </>
      )}
    </section>
  );
}
