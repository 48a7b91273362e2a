import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api, call, formProblem, type Schemas } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { SignInChoices } from "./SignIn.tsx";

type Application = Schemas["RestaurantApplication"];

/** How often the page asks again while an admin decides, and while the chain registers the restaurant. */
const DECISION_POLL_MS = 5_000;
const REGISTRATION_POLL_MS = 1_000;

/**
 * Opening a restaurant: any signed-in person applies (name, location, a note for the admins); the
 * page then shows where the application stands, and once an admin approved it follows the new
 * restaurant until its franchise NFT is on chain (`active`) and leads to the menu.
 */
export function Register(): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  return (
    <section>
      <h1>{t("register.title")}</h1>
      {session === undefined ? (
        <>
          <p>{t("register.signInFirst")}</p>
          <SignInChoices />
        </>
      ) : (
        <Applying userId={session.user.id} />
      )}
    </section>
  );
}

const mine = (userId: string): readonly unknown[] => ["restaurant-applications", "mine", userId];

function Applying({ userId }: { userId: string }): ReactNode {
  const queries = useQueryClient();
  const latest = useQuery({
    queryKey: mine(userId),
    queryFn: async (): Promise<Application | null> => {
      const page = await call(
        api.GET("/api/v1/restaurant-applications", { params: { query: { applicant_id: userId, limit: 1 } } }),
      );
      return page.applications[0] ?? null;
    },
    refetchInterval: (query) =>
      query.state.data?.status === "pending"
        ? DECISION_POLL_MS
        : query.state.data?.restaurant_status === "registering"
          ? REGISTRATION_POLL_MS
          : false,
  });
  const active = latest.data?.restaurant_status === "active";
  useEffect(() => {
    // The person now owns a franchise: the menu and orders pages (and the navigation) read that from /auth/me.
    if (active) {
      void queries.invalidateQueries({ queryKey: ["me"] });
      void queries.invalidateQueries({ queryKey: ["restaurants"] });
    }
  }, [active, queries]);
  if (latest.isPending) return <Loading />;
  if (latest.isError) return <ErrorState error={latest.error} retry={() => void latest.refetch()} />;
  const application = latest.data;
  return (
    <>
      {application !== null && <Standing application={application} />}
      {application?.status !== "pending" && (
        <ApplicationForm
          onApplied={(created) => {
            queries.setQueryData(mine(userId), created);
          }}
        />
      )}
    </>
  );
}

/** Where the person's latest application stands; one live region, so each change is announced. */
export function Standing({ application }: { application: Application }): ReactNode {
  const { t } = useTranslation();
  return (
    <div className="panel" data-testid="application">
      <h2>{t("register.yours")}</h2>
      <p role="status" data-testid="application-status">
        {application.status === "pending" &&
          t("register.pending", { name: application.name, location: application.location })}
        {application.status === "approved" && (
          <>
            {t("register.approved", { name: application.name, id: application.restaurant_id })}{" "}
            <strong data-testid="restaurant-status">
              {t(`restaurantStatus.${application.restaurant_status ?? "registering"}`)}
            </strong>
          </>
        )}
        {application.status === "rejected" &&
          `${t("register.rejected", { name: application.name, reason: application.rejection_reason })} ${t("register.applyAgain")}`}
      </p>
      {application.status === "pending" && !application.applicant_kyc_verified && (
        <p className="notice" data-testid="application-needs-kyc">
          {t("register.needsKyc")}
        </p>
      )}
      {application.restaurant_status === "active" && (
        <Link to="/menu" className="button" data-testid="open-menu">
          {t("register.openMenu")}
        </Link>
      )}
    </div>
  );
}

export function ApplicationForm({ onApplied }: { onApplied: (created: Application) => void }): ReactNode {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: "", location: "", note: "" });
  const apply = useMutation({
    mutationFn: () => call(api.POST("/api/v1/restaurant-applications", { body: form })),
    onSuccess: onApplied,
  });
  const { fields, form: formLevel } = formProblem(apply.error);
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
  };
  return (
    <form
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        apply.mutate();
      }}
      noValidate
    >
      <p className="muted">{t("register.intro")}</p>
      <Field id="restaurant-name" label={t("register.name")} error={fields.name}>
        {(aria) => <input {...aria} data-testid="restaurant-name" value={form.name} onChange={set("name")} required />}
      </Field>
      <Field id="restaurant-location" label={t("register.location")} error={fields.location}>
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
      <Field id="restaurant-note" label={t("register.note")} hint={t("register.noteHint")} error={fields.note}>
        {(aria) => <textarea {...aria} data-testid="restaurant-note" value={form.note} onChange={set("note")} />}
      </Field>
      <button type="submit" data-testid="submit" disabled={apply.isPending}>
        {t("register.submit")}
      </button>
      <FormError error={formLevel} />
    </form>
  );
}
