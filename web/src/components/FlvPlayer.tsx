/**
 * A live HTTP-FLV stream in a <video>, through mpegts.js (Media Source Extensions). Imported only
 * lazily (KitchenLive), so the library stays out of the pages' initial JavaScript.
 */
import mpegts from "mpegts.js";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

type Problem = "error" | "ended";

export function FlvPlayer({ url, label }: { url: string; label: string }): ReactNode {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<Problem>();
  const [attempt, setAttempt] = useState(0);
  const supported = mpegts.isSupported();

  useEffect(() => {
    const element = video.current;
    if (element === null || !supported) return;
    // No worker: the page's content security policy allows no blob: scripts.
    const player = mpegts.createPlayer(
      { type: "flv", isLive: true, url },
      { enableWorker: false, enableStashBuffer: false, liveBufferLatencyChasing: true },
    );
    player.on(mpegts.Events.ERROR, () => {
      setProblem("error");
    });
    // A live stream's download completes only when the encoder has stopped sending.
    player.on(mpegts.Events.LOADING_COMPLETE, () => {
      setProblem("ended");
    });
    player.attachMediaElement(element);
    player.load();
    // Muted autoplay is allowed everywhere; if the browser still refuses, the controls start it.
    void Promise.resolve(player.play()).catch(() => undefined);
    return () => {
      player.destroy();
    };
  }, [url, attempt, supported]);

  if (!supported) {
    return (
      <p className="muted" data-testid="kitchen-unsupported">
        {t("kitchen.unsupported")}
      </p>
    );
  }
  return (
    <div className="player">
      <video
        ref={video}
        muted
        autoPlay
        playsInline
        controls
        aria-label={label}
        data-testid="kitchen-video"
        hidden={problem !== undefined}
      />
      {problem !== undefined && (
        <div role="status" data-testid={`kitchen-${problem}`}>
          <p className="muted">{t(problem === "ended" ? "kitchen.ended" : "kitchen.playerError")}</p>
          <button
            type="button"
            onClick={() => {
              setProblem(undefined);
              setAttempt(attempt + 1);
            }}
          >
            {t("common.retry")}
          </button>
        </div>
      )}
    </div>
  );
}
