/**
 * Virtual users on a schedule of stages (k6's `ramping-vus`): every tick the wanted number of
 * users is read off the stages; users 0..n-1 run, each looping "iteration, then think time".
 * A user told to stop finishes its current iteration (k6's graceful ramp-down) and skips its
 * think time; the run ends when the stages are over and every iteration has finished.
 */
import { setTimeout as delay } from "node:timers/promises";

import { peakTarget, totalDurationS, validateStages, vusAt, type Stage } from "./stages.ts";

export interface VuRunOptions {
  readonly stages: readonly Stage[];
  /** One iteration of user `vu` (0-based). A rejection is counted, not fatal; report failures yourself. */
  readonly iteration: (vu: number) => Promise<void>;
  /** Pause after each iteration, in ms (k6's `sleep(1)` is 1,000). */
  readonly thinkTimeMs: number;
  /** How often the wanted number of users is recomputed (default 100 ms). */
  readonly tickMs?: number;
  /** Ends the run early (Ctrl-C): no new iterations start. */
  readonly signal?: AbortSignal;
  /** Called on every tick with the seconds elapsed and the users running. */
  readonly onTick?: (elapsedS: number, running: number) => void;
}

export interface VuRunResult {
  readonly iterations: number;
  /** Iterations whose promise rejected. */
  readonly failedIterations: number;
  readonly peakVus: number;
  /** From the first tick until the last iteration finished. */
  readonly elapsedS: number;
  readonly aborted: boolean;
}

interface Slot {
  wanted: boolean;
  loop: Promise<void> | undefined;
  /** Wakes the user from its think time. */
  wake: AbortController | undefined;
}

/** Read through a call: the scheduler flips it while the user awaits, which narrowing cannot see. */
const isWanted = (slot: Slot): boolean => slot.wanted;

export async function runVus(options: VuRunOptions): Promise<VuRunResult> {
  validateStages(options.stages);
  const tickMs = options.tickMs ?? 100;
  const durationS = totalDurationS(options.stages);
  const slots: Slot[] = Array.from({ length: peakTarget(options.stages) }, () => ({
    wanted: false,
    loop: undefined,
    wake: undefined,
  }));
  const counts = { iterations: 0, failed: 0 };
  let running = 0;
  let peakVus = 0;

  const userLoop = async (vu: number, slot: Slot): Promise<void> => {
    running++;
    peakVus = Math.max(peakVus, running);
    try {
      while (isWanted(slot) && options.signal?.aborted !== true) {
        try {
          await options.iteration(vu);
        } catch {
          counts.failed++;
        }
        counts.iterations++;
        if (!isWanted(slot) || options.thinkTimeMs <= 0) continue;
        slot.wake = new AbortController();
        await delay(options.thinkTimeMs, undefined, { signal: slot.wake.signal }).catch(() => undefined);
        slot.wake = undefined;
      }
    } finally {
      running--;
      slot.loop = undefined;
    }
  };

  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1_000;
  for (;;) {
    const now = elapsedS();
    const over = now >= durationS || options.signal?.aborted === true;
    const wanted = over ? 0 : vusAt(options.stages, now);
    for (const [vu, slot] of slots.entries()) {
      if (vu < wanted) {
        slot.wanted = true;
        slot.loop ??= userLoop(vu, slot);
      } else if (slot.wanted) {
        slot.wanted = false;
        slot.wake?.abort();
      }
    }
    options.onTick?.(now, running);
    if (over) break;
    // Sleep to the next tick boundary so that ticks do not drift.
    const next = (Math.floor((now * 1_000) / tickMs) + 1) * tickMs;
    await delay(Math.max(0, next - now * 1_000));
  }
  await Promise.all(slots.map((slot) => slot.loop ?? Promise.resolve()));
  return {
    iterations: counts.iterations,
    failedIterations: counts.failed,
    peakVus,
    elapsedS: elapsedS(),
    aborted: options.signal?.aborted === true,
  };
}
