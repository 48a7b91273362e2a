import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api, call } from "../api/rest.ts";
import { useMeQuery, useSession } from "../auth/session.tsx";
import { EraseConfirmation } from "../components/EraseConfirmation.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { SignInChoices } from "./SignIn.tsx";

/** What the access log records as the erasure's reason when people erase themselves. */
const SELF_ERASURE_REASON = "erasure requested by the person in the web app";

/** Who you are (`/auth/me`), and the right to erasure. */
export function Account(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session, signOut } = useSession();
  const me = useMeQuery(session?.user.id);
  const [erased, setErased] = useState(false);
  const erase = useMutation({
    mutationFn: (personId: string) =>
      call(
        api.DELETE("/api/v1/people/{id}", {
          params: { path: { id: personId }, query: { reason: SELF_ERASURE_REASON } },
        }),
      ),
    onSuccess: () => {
      setErased(true);
      signOut();
    },
  });
  if (erased) {
    return (
      <section>
        <h1>{t("account.title")}</h1>
        <p role="status" className="notice" data-testid="account-erased">
          {t("account.erased")}
        </p>
      </section>
    );
  }
  if (session === undefined) {
    return (
      <section>
        <h1>{t("account.title")}</h1>
        <SignInChoices />
      </section>
    );
  }
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  const person = me.data;
  return (
    <section>
      <h1>{t("account.title")}</h1>
      <dl className="facts" data-testid="account-facts">
        <dt>{t("account.address")}</dt>
        <dd className="hash" data-testid="account-address">
          {person.address}
        </dd>
        <dt>{t("account.kind")}</dt>
        <dd>{person.custodial ? t("account.custodial") : t("account.wallet")}</dd>
        <dt>{t("account.roles")}</dt>
        <dd data-testid="account-roles">
          {person.roles.length === 0
            ? t("account.noRoles")
            : person.roles.map((role) => t(`account.role.${role}`)).join(", ")}
        </dd>
        {person.restaurant_ids.length > 0 && (
          <>
            <dt>{t("account.restaurants")}</dt>
            <dd>{person.restaurant_ids.join(", ")}</dd>
          </>
        )}
        <dt>{t("account.since")}</dt>
        <dd>{new Date(person.created_at).toLocaleDateString(i18n.language, { dateStyle: "long" })}</dd>
        <dt>{t("account.id")}</dt>
        <dd className="hash" data-testid="account-id">
          {person.id}
        </dd>
      </dl>
      <section className="panel" aria-labelledby="erase-title">
        <h2 id="erase-title">{t("account.eraseTitle")}</h2>
        <p>{t("account.eraseIntro")}</p>
        <EraseConfirmation
          pending={erase.isPending}
          error={erase.error}
          onConfirm={() => {
            erase.mutate(person.id);
          }}
        />
      </section>
    </section>
  );
}
