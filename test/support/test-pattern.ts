/**
 * An encoder in a kitchen, for tests: Debian's ffmpeg publishing a generated 320x240 test pattern
 * (H.264 in FLV) over RTMP in real time, as OBS or a camera would.
 */
import { spawn, spawnSync } from "node:child_process";

export const HAVE_FFMPEG = spawnSync("ffmpeg", ["-version"]).status === 0;

export interface TestPattern {
  /** ffmpeg's exit code once it has stopped: after `seconds`, when stopped, or when the server hung up. */
  readonly exited: Promise<number | null>;
  /** Stops publishing (as an encoder closing); resolves with the exit. */
  stop(): Promise<number | null>;
}

/** Publishes `seconds` of test pattern to `url` (rtmp://host:port/app/name?query). */
export function publishTestPattern(url: string, seconds: number): TestPattern {
  const ffmpeg = spawn(
    "ffmpeg",
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-re",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=15",
      "-t",
      String(seconds),
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-tune",
      "zerolatency",
      // Baseline H.264 in 4:2:0, which every browser's Media Source Extensions decode.
      "-pix_fmt",
      "yuv420p",
      "-g",
      "15",
      "-f",
      "flv",
      url,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  ffmpeg.stderr.resume();
  const exited = new Promise<number | null>((resolve) =>
    ffmpeg.on("exit", (code) => {
      resolve(code);
    }),
  );
  return {
    exited,
    stop: () => {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill("SIGINT");
      return exited;
    },
  };
}
