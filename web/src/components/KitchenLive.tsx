import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { useKitchenStream, type KitchenStreamState } from "../kitchen.ts";
import { ErrorState, Loading } from "./states.tsx";

// mpegts.js is downloaded only when a stream is live on the page.
const FlvPlayer = lazy(async () => ({ default: (await import("./FlvPlayer.tsx")).FlvPlayer }));

/** The "live" mark of a restaurant streaming its kitchen now. */
export function LiveBadge(): ReactNode {
  const { t } = useTranslation();
  return (
    <span className="badge live" data-testid="live-badge">
      {t("kitchen.live")}
    </span>
  );
}

/** A restaurant's kitchen as its page shows it: the live video, or why there is none. */
export function KitchenLive({ restaurantId, name }: { restaurantId: string; name: string }): ReactNode {
  const { t } = useTranslation();
  const stream = useKitchenStream(restaurantId);
  return (
    <section className="kitchen" aria-labelledby="kitchen-title" data-testid="kitchen">
      <h2 id="kitchen-title">
        {t("kitchen.title")} {stream.data?.live === true && <LiveBadge />}
      </h2>
      {stream.isPending ? (
        <Loading />
      ) : stream.isError ? (
        <ErrorState error={stream.error} retry={() => void stream.refetch()} />
      ) : (
        <KitchenScreen stream={stream.data} name={name} />
      )}
    </section>
  );
}

/** What the kitchen section shows for a stream's state (null: never started). */
export function KitchenScreen({ stream, name }: { stream: KitchenStreamState | null; name: string }): ReactNode {
  const { t } = useTranslation();
  if (stream?.live !== true || stream.playbackUrl == null) {
    return (
      <p className="muted" data-testid={stream?.status === "stopped" ? "kitchen-ended" : "kitchen-offline"}>
        {t(stream?.status === "stopped" ? "kitchen.ended" : "kitchen.offline")}
      </p>
    );
  }
  // Twitch and YouTube play on their own pages; the platform's media server sends HTTP-FLV.
  if (stream.provider !== "local") {
    return (
      <a href={stream.playbackUrl} target="_blank" rel="noreferrer" data-testid="kitchen-external">
        {t("kitchen.watchElsewhere")}
      </a>
    );
  }
  return (
    <Suspense fallback={<Loading />}>
      <FlvPlayer key={stream.playbackUrl} url={stream.playbackUrl} label={t("kitchen.videoLabel", { name })} />
    </Suspense>
  );
}
