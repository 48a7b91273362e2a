import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, ApiProblem, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Empty, ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { formatGel, parseGel } from "../money.ts";
import { useManagedRestaurant } from "./managed.tsx";
import { SignInChoices } from "./SignIn.tsx";

/** The franchisee's menu: its items with prices and availability, a form to add one or change one. */
export function Menu(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const queries = useQueryClient();
  const { selected, picker, pending } = useManagedRestaurant();
  const restaurantId = selected?.id ?? "";
  // The form is open for a new item ("new") or for changing the item with this id.
  const [editing, setEditing] = useState<{ id: string; name: string } | "new">();
  const [form, setForm] = useState({ name: "", price: "", description: "" });
  const [priceIssue, setPriceIssue] = useState<string>();
  // Unavailable items too: taken off the customers' menu, they stay here to be put back.
  const menu = useQuery({
    queryKey: ["menu", restaurantId, "all"],
    enabled: restaurantId !== "",
    queryFn: () =>
      call(
        api.GET("/api/v1/restaurants/{id}/menu", {
          params: { path: { id: restaurantId }, query: { include_unavailable: "true" } },
        }),
      ),
  });
  const save = useMutation({
    mutationFn: (price: string) =>
      editing === undefined || editing === "new"
        ? call(
            api.POST("/api/v1/restaurants/{id}/menu", {
              params: { path: { id: restaurantId } },
              body: { name: form.name, price, description: form.description, available: true },
            }),
          )
        : call(
            api.PATCH("/api/v1/restaurants/{id}/menu/{item_id}", {
              params: { path: { id: restaurantId, item_id: editing.id } },
              body: { name: form.name, price, description: form.description },
            }),
          ),
    onSuccess: async () => {
      setForm({ name: "", price: "", description: "" });
      setEditing(undefined);
      await queries.invalidateQueries({ queryKey: ["menu", restaurantId] });
    },
  });
  const toggle = useMutation({
    mutationFn: (item: { id: string; available: boolean }) =>
      call(
        api.PATCH("/api/v1/restaurants/{id}/menu/{item_id}", {
          params: { path: { id: restaurantId, item_id: item.id } },
          body: { available: !item.available },
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: ["menu", restaurantId] }),
  });

  if (session === undefined) return <SignInChoices />;
  if (pending) return <Loading />;
  if (selected === undefined) {
    return (
      <section>
        <h1>{t("manage.menuTitle")}</h1>
        <Empty>{t("manage.noRestaurant")}</Empty>
      </section>
    );
  }
  const fields = save.error instanceof ApiProblem ? save.error.fields : {};
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const parsed = parseGel(form.price);
    if (!parsed.ok) {
      setPriceIssue(t(parsed.reason === "format" ? "manage.priceFormat" : "manage.priceRange"));
      return;
    }
    setPriceIssue(undefined);
    save.mutate(parsed.amount);
  };
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
  };
  const open = (target: typeof editing, values: typeof form): void => {
    save.reset();
    setPriceIssue(undefined);
    setForm(values);
    setEditing(target);
  };
  return (
    <section>
      <h1>{t("manage.menuTitle")}</h1>
      {picker}
      <h2>{selected.name}</h2>
      {menu.isPending ? (
        <Loading />
      ) : menu.isError ? (
        <ErrorState error={menu.error} retry={() => void menu.refetch()} />
      ) : menu.data.items.length === 0 ? (
        <Empty>{t("menu.empty")}</Empty>
      ) : (
        <ul className="menu">
          {menu.data.items.map((item) => (
            <li key={item.id} className="menu-item" data-testid={`menu-item-${item.name}`}>
              <strong>{item.name}</strong>
              <span className="price">{formatGel(item.price_tetri, i18n.language)}</span>
              <label className="inline">
                <input
                  type="checkbox"
                  checked={item.available}
                  onChange={() => {
                    toggle.mutate(item);
                  }}
                />{" "}
                {t("manage.available")}
              </label>
              <button
                type="button"
                className="secondary"
                data-testid={`edit-item-${item.name}`}
                aria-label={t("manage.editItemLabel", { name: item.name })}
                onClick={() => {
                  open(
                    { id: item.id, name: item.name },
                    {
                      name: item.name,
                      price: item.price,
                      description: item.description,
                    },
                  );
                }}
              >
                {t("manage.editItem")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormError error={toggle.error} />
      {editing === undefined ? (
        <button
          type="button"
          data-testid="add-item"
          onClick={() => {
            open("new", { name: "", price: "", description: "" });
          }}
        >
          {t("manage.addItem")}
        </button>
      ) : (
        <form onSubmit={submit} noValidate aria-labelledby="new-item-title" className="panel">
          <h3 id="new-item-title">
            {editing === "new" ? t("manage.newItem") : t("manage.editingItem", { name: editing.name })}
          </h3>
          <Field id="item-name" label={t("manage.itemName")} error={fields.name}>
            {(aria) => <input {...aria} data-testid="item-name" value={form.name} onChange={set("name")} />}
          </Field>
          <Field
            id="item-price"
            label={t("manage.itemPrice")}
            error={priceIssue ?? fields.price}
            hint={t("manage.priceHint")}
          >
            {(aria) => (
              <input
                {...aria}
                data-testid="item-price"
                inputMode="decimal"
                value={form.price}
                onChange={set("price")}
              />
            )}
          </Field>
          <Field id="item-description" label={t("manage.itemDescription")} error={fields.description}>
            {(aria) => (
              <textarea
                {...aria}
                data-testid="item-description"
                value={form.description}
                onChange={set("description")}
              />
            )}
          </Field>
          <button type="submit" data-testid="save-item" disabled={save.isPending}>
            {t("manage.saveItem")}
          </button>{" "}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setEditing(undefined);
            }}
          >
            {t("common.cancel")}
          </button>
          {Object.keys(fields).length === 0 && <FormError error={save.error} />}
        </form>
      )}
    </section>
  );
}
