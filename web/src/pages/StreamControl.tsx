import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api, call, type Schemas } from "../api/rest.ts";
import { OneTimeSecret, type SecretField } from "../components/OneTimeSecret.tsx";
import { ErrorState, FormError, Loading } from "../components/states.tsx";
import { useKitchenStream } from "../kitchen.ts";
import { ManagedRestaurantPage } from "./managed.tsx";

const STATUSES = ["offline", "live", "stopped"] as const;

/** GraphQL sends the status as a string; "none" when the restaurant never started a stream. */
function statusOf(value: string | undefined): (typeof STATUSES)[number] | "none" {
  return STATUSES.find((status) => status === value) ?? "none";
}

/** The franchisee starts and stops the kitchen's live stream; the encoder's address and key are shown once. */
export function StreamControl(): ReactNode {
  const { t } = useTranslation();
  return (
    <ManagedRestaurantPage title={t("stream.title")}>
      {(restaurant) => <RestaurantStream restaurantId={restaurant.id} />}
    </ManagedRestaurantPage>
  );
}

function RestaurantStream({ restaurantId }: { restaurantId: string }): ReactNode {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const stream = useKitchenStream(restaurantId);
  // The stream key exists only here, until the person says they have kept it.
  const [started, setStarted] = useState<Schemas["StartedStream"]>();
  const path = { params: { path: { id: restaurantId } } };
  const refresh = (): Promise<void> => queries.invalidateQueries({ queryKey: ["kitchens", restaurantId] });
  const start = useMutation({
    mutationFn: () => call(api.POST("/api/v1/restaurants/{id}/stream/start", { ...path, body: {} })),
    onSuccess: async (answer) => {
      setStarted(answer);
      await refresh();
    },
  });
  const stop = useMutation({
    mutationFn: () => call(api.POST("/api/v1/restaurants/{id}/stream/stop", path)),
    onSuccess: async () => {
      setStarted(undefined);
      await refresh();
    },
  });

  if (stream.isPending) return <Loading />;
  if (stream.isError) return <ErrorState error={stream.error} retry={() => void stream.refetch()} />;
  const status = statusOf(stream.data?.status);
  const running = status === "live" || status === "offline";
  const secrets: SecretField[] =
    started === undefined
      ? []
      : [
          { label: t("stream.ingestUrl"), value: started.ingest_url, testId: "stream-ingest-url" },
          { label: t("stream.streamKey"), value: started.stream_key, testId: "stream-key" },
          { label: t("stream.publishUrl"), value: started.publish_url, testId: "stream-publish-url" },
        ].filter((field): field is SecretField => field.value !== null);

  return (
    <>
      <p className="muted">{t("stream.intro")}</p>
      <dl className="facts">
        <dt>{t("stream.status")}</dt>
        <dd data-testid="stream-status" aria-live="polite">
          {t(`stream.statuses.${status}`)}
        </dd>
        {stream.data?.liveSince != null && (
          <>
            <dt>{t("stream.liveSince")}</dt>
            <dd>{new Date(stream.data.liveSince).toLocaleString(i18n.language)}</dd>
          </>
        )}
        <dt>{t("stream.hours")}</dt>
        <dd data-testid="stream-hours">
          {new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(stream.data?.hoursStreamed ?? 0)}
        </dd>
      </dl>
      {secrets.length > 0 && (
        <OneTimeSecret
          title={t("stream.secretTitle")}
          fields={secrets}
          onDone={() => {
            setStarted(undefined);
          }}
        />
      )}
      <div className="row">
        <button
          type="button"
          data-testid="stream-start"
          disabled={start.isPending}
          onClick={() => {
            start.mutate();
          }}
        >
          {running ? t("stream.newKey") : t("stream.start")}
        </button>
        {running && (
          <button
            type="button"
            className="secondary"
            data-testid="stream-stop"
            disabled={stop.isPending}
            onClick={() => {
              stop.mutate();
            }}
          >
            {t("stream.stop")}
          </button>
        )}
      </div>
      {running && <p className="muted">{t("stream.newKeyNote")}</p>}
      <FormError error={start.error ?? stop.error} />
      <p>
        <Link to={`/restaurants/${restaurantId}`}>{t("stream.seePage")}</Link>
      </p>
    </>
  );
}
