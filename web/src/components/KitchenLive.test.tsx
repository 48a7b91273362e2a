import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { KitchenStreamState } from "../kitchen.ts";
import { KitchenScreen } from "./KitchenLive.tsx";

const LIVE: KitchenStreamState = {
  restaurantId: "7",
  provider: "local",
  status: "live",
  live: true,
  playbackUrl: "http://127.0.0.1:8000/live/7.flv",
  liveSince: "2026-03-01T12:00:00.000Z",
  hoursStreamed: 1.5,
};

describe("KitchenScreen", () => {
  it("says the kitchen is off air when it never streamed or waits for video", () => {
    const { rerender } = render(<KitchenScreen stream={null} name="Khinkali House" />);
    expect(screen.getByTestId("kitchen-offline").textContent).toBe("The kitchen is not on air right now.");
    rerender(<KitchenScreen stream={{ ...LIVE, status: "offline", live: false }} name="Khinkali House" />);
    expect(screen.getByTestId("kitchen-offline")).toBeTruthy();
    expect(screen.queryByTestId("kitchen-video")).toBeNull();
  });

  it("says the stream has ended once the owner stopped it", () => {
    render(<KitchenScreen stream={{ ...LIVE, status: "stopped", live: false }} name="Khinkali House" />);
    expect(screen.getByTestId("kitchen-ended").textContent).toBe("The kitchen stream has ended.");
  });

  it("links to Twitch or YouTube, which play on their own pages", () => {
    render(<KitchenScreen stream={{ ...LIVE, provider: "twitch", playbackUrl: "https://www.twitch.tv/k" }} name="K" />);
    expect(screen.getByTestId("kitchen-external").getAttribute("href")).toBe("https://www.twitch.tv/k");
  });

  it("loads the player only for a live local stream, and says when the browser cannot play it", async () => {
    // jsdom has no Media Source Extensions: the lazily loaded player reports that instead of a video.
    render(<KitchenScreen stream={LIVE} name="Khinkali House" />);
    // Importing mpegts.js (a large module) can outlast findBy's 1 s default on a busy machine.
    expect((await screen.findByTestId("kitchen-unsupported", {}, { timeout: 15_000 })).textContent).toBe(
      "This browser cannot play the kitchen stream.",
    );
  });
});
