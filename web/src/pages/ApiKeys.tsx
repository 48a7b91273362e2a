import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { api, ApiProblem, call, type Schemas } from "../api/rest.ts";
import { OneTimeSecret } from "../components/OneTimeSecret.tsx";
import { Empty, ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { ManagedRestaurantPage } from "./managed.tsx";

/** The restaurant's till (point-of-sale) API keys: made here, shown once, revoked here. */
export function ApiKeys(): ReactNode {
  const { t } = useTranslation();
  return (
    <ManagedRestaurantPage title={t("apiKeys.title")}>
      {(restaurant) => <RestaurantKeys restaurantId={restaurant.id} />}
    </ManagedRestaurantPage>
  );
}

function RestaurantKeys({ restaurantId }: { restaurantId: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const path = { params: { path: { id: restaurantId } } };
  const [label, setLabel] = useState("");
  const [labelIssue, setLabelIssue] = useState<string>();
  // The secret lives only here, and only until the person says they have kept it.
  const [created, setCreated] = useState<Schemas["CreatedApiKey"]>();
  const [confirming, setConfirming] = useState<string>();
  const keys = useQuery({
    queryKey: ["api-keys", restaurantId],
    queryFn: () => call(api.GET("/api/v1/restaurants/{id}/api-keys", path)),
  });
  const refresh = (): Promise<void> => queries.invalidateQueries({ queryKey: ["api-keys", restaurantId] });
  const create = useMutation({
    mutationFn: (text: string) =>
      call(api.POST("/api/v1/restaurants/{id}/api-keys", { ...path, body: { label: text } })),
    onSuccess: async (key) => {
      setCreated(key);
      setLabel("");
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      call(
        api.DELETE("/api/v1/restaurants/{id}/api-keys/{key_id}", {
          params: { path: { id: restaurantId, key_id: keyId } },
        }),
      ),
    onSuccess: () => {
      setConfirming(undefined);
    },
    onSettled: refresh,
  });

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const text = label.trim();
    if (text === "") {
      setLabelIssue(t("apiKeys.labelRequired"));
      return;
    }
    setLabelIssue(undefined);
    create.mutate(text);
  };
  const fields = create.error instanceof ApiProblem ? create.error.fields : {};
  const when = (iso: string): string => new Date(iso).toLocaleString(i18n.language);

  return (
    <>
      <p className="muted">{t("apiKeys.intro")}</p>
      {created !== undefined && (
        <OneTimeSecret
          title={t("apiKeys.newKey", { label: created.label })}
          fields={[{ label: t("apiKeys.key"), value: created.key, testId: "new-api-key" }]}
          onDone={() => {
            setCreated(undefined);
          }}
        />
      )}
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="new-key-title">
        <h3 id="new-key-title">{t("apiKeys.createTitle")}</h3>
        <Field
          id="api-key-label"
          label={t("apiKeys.label")}
          hint={t("apiKeys.labelHint")}
          error={labelIssue ?? fields.label}
        >
          {(aria) => (
            <input
              {...aria}
              data-testid="api-key-label"
              maxLength={100}
              value={label}
              onChange={(event) => {
                setLabel(event.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" data-testid="create-api-key" disabled={create.isPending}>
          {t("apiKeys.create")}
        </button>
        {fields.label === undefined && <FormError error={create.error} />}
      </form>
      <h3>{t("apiKeys.listTitle")}</h3>
      <FormError error={revoke.error} />
      {keys.isPending ? (
        <Loading />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : keys.data.api_keys.length === 0 ? (
        <Empty>{t("apiKeys.empty")}</Empty>
      ) : (
        <table className="lines">
          <caption className="visually-hidden">{t("apiKeys.listTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("apiKeys.label")}</th>
              <th scope="col">{t("apiKeys.created")}</th>
              <th scope="col">{t("apiKeys.status")}</th>
              <th scope="col">{t("apiKeys.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.api_keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row" data-key-id={key.id}>
                <th scope="row">{key.label}</th>
                <td>{when(key.created_at)}</td>
                <td data-testid="api-key-status">
                  {key.revoked_at === null
                    ? t("apiKeys.active")
                    : t("apiKeys.revokedAt", { date: when(key.revoked_at) })}
                </td>
                <td className="actions">
                  {key.revoked_at === null &&
                    (confirming === key.id ? (
                      <span role="group" aria-label={t("apiKeys.confirmRevoke", { label: key.label })}>
                        <span>{t("apiKeys.confirmRevoke", { label: key.label })}</span>{" "}
                        <button
                          type="button"
                          data-testid="confirm-revoke"
                          disabled={revoke.isPending}
                          onClick={() => {
                            revoke.mutate(key.id);
                          }}
                        >
                          {t("apiKeys.revoke")}
                        </button>{" "}
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => {
                            setConfirming(undefined);
                          }}
                        >
                          {t("common.cancel")}
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        data-testid="revoke-api-key"
                        aria-label={t("apiKeys.revokeThis", { label: key.label })}
                        onClick={() => {
                          setConfirming(key.id);
                        }}
                      >
                        {t("apiKeys.revoke")}
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
