import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, ApiProblem, call } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Field, FormError } from "../components/states.tsx";
import { SignInChoices } from "./SignIn.tsx";

/**
 * Registering a restaurant: the platform (an admin) names it, where it is and its franchisee,
 * who must be KYC-verified; the franchise NFT is then minted to them on chain. The page follows
 * the new restaurant from `registering` until the chain has it (`active`).
 */
export function Register(): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  const [form, setForm] = useState({ name: "", location: "", owner: "", fee: "10" });
  const register = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/v1/restaurants", {
          body: {
            name: form.name,
            location: form.location,
            owner: form.owner.trim(),
            fee_bps: Math.round(Number(form.fee) * 100),
          },
        }),
      ),
  });
  const created = register.data;
  const status = useQuery({
    queryKey: ["restaurant", created?.id],
    enabled: created !== undefined,
    queryFn: () => call(api.GET("/api/v1/restaurants/{id}", { params: { path: { id: created?.id ?? "" } } })),
    refetchInterval: (query) => (query.state.data?.status === "active" ? false : 1_000),
  });
  if (session === undefined) {
    return (
      <section>
        <h1>{t("register.title")}</h1>
        <SignInChoices />
      </section>
    );
  }
  const fields = register.error instanceof ApiProblem ? register.error.fields : {};
  const fieldError = (name: string): string | undefined => fields[name];
  const formLevel = register.error instanceof ApiProblem && Object.keys(fields).length > 0 ? undefined : register.error;
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
  };
  return (
    <section>
      <h1>{t("register.title")}</h1>
      <p className="muted">{t("register.intro")}</p>
      <form
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          register.mutate();
        }}
        noValidate
      >
        <Field id="restaurant-name" label={t("register.name")} error={fieldError("name")}>
          {(aria) => (
            <input {...aria} data-testid="restaurant-name" value={form.name} onChange={set("name")} required />
          )}
        </Field>
        <Field id="restaurant-location" label={t("register.location")} error={fieldError("location")}>
          {(aria) => (
            <input
              {...aria}
              data-testid="restaurant-location"
              value={form.location}
              onChange={set("location")}
              required
            />
          )}
        </Field>
        <Field
          id="restaurant-owner"
          label={t("register.owner")}
          error={fieldError("owner")}
          hint={t("register.ownerHint")}
        >
          {(aria) => (
            <input
              {...aria}
              data-testid="restaurant-owner"
              value={form.owner}
              placeholder="0x…"
              onChange={set("owner")}
              required
            />
          )}
        </Field>
        <Field id="restaurant-fee" label={t("register.fee")} error={fieldError("fee_bps")}>
          {(aria) => (
            <input {...aria} data-testid="restaurant-fee" inputMode="decimal" value={form.fee} onChange={set("fee")} />
          )}
        </Field>
        <button type="submit" data-testid="submit" disabled={register.isPending}>
          {t("register.submit")}
        </button>
        <FormError error={formLevel} />
      </form>
      {created !== undefined && (
        <p role="status" data-testid="registration-status">
          {t("register.registered", { name: created.name, id: created.id })}{" "}
          <strong data-testid="restaurant-status">
            {t(`restaurantStatus.${status.data?.status ?? created.status}`)}
          </strong>
        </p>
      )}
    </section>
  );
}
