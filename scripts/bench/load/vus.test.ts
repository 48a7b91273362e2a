import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";

import { runVus } from "./vus.ts";

describe("runVus", () => {
  it("ramps users up and down and paces each by its think time", async () => {
    const perVu = new Map<number, number>();
    const samples: number[] = [];
    const result = await runVus({
      stages: [
        { durationS: 0.2, target: 4 },
        { durationS: 0.4, target: 4 },
        { durationS: 0.2, target: 0 },
      ],
      thinkTimeMs: 50,
      tickMs: 10,
      iteration: async (vu) => {
        perVu.set(vu, (perVu.get(vu) ?? 0) + 1);
        await delay(5);
      },
      onTick: (_elapsed, running) => samples.push(running),
    });
    assert.equal(result.peakVus, 4);
    assert.deepEqual([...perVu.keys()].sort(), [0, 1, 2, 3]);
    assert.equal(result.failedIterations, 0);
    assert.equal(
      result.iterations,
      [...perVu.values()].reduce((a, b) => a + b, 0),
    );
    // User 0 runs from about 0.05 s to 0.75 s at one iteration per ~55 ms: about 13 (fewer when
    // the machine is busy and timers fire late, never more than the think time allows).
    const first = perVu.get(0) ?? 0;
    assert.ok(first >= 4 && first <= 16, `user 0 ran ${first} iterations`);
    // The last user starts last and stops first, so it runs least.
    assert.ok((perVu.get(3) ?? 0) < first);
    assert.ok(result.elapsedS >= 0.8 && result.elapsedS < 3, `elapsed ${result.elapsedS} s`);
    assert.equal(samples.at(-1), 0);
    assert.ok(!result.aborted);
  });

  it("lets a stopping user finish its iteration but not its think time", async () => {
    let finished = 0;
    const started = performance.now();
    const result = await runVus({
      stages: [
        { durationS: 0.05, target: 1 },
        { durationS: 0.05, target: 1 },
      ],
      thinkTimeMs: 10_000,
      tickMs: 5,
      iteration: async () => {
        await delay(150);
        finished++;
      },
    });
    const ms = performance.now() - started;
    assert.equal(result.iterations, 1);
    assert.equal(finished, 1);
    assert.ok(ms >= 150 && ms < 3_000, `took ${ms} ms`);
  });

  it("counts failed iterations and keeps going", async () => {
    let calls = 0;
    const result = await runVus({
      stages: [
        { durationS: 0.1, target: 2 },
        { durationS: 0.1, target: 2 },
      ],
      thinkTimeMs: 0,
      tickMs: 5,
      iteration: async (vu) => {
        calls++;
        await delay(2);
        if (vu === 1) throw new Error("boom");
      },
    });
    assert.equal(result.iterations, calls);
    assert.ok(result.failedIterations > 0 && result.failedIterations < calls);
  });

  it("stops early on abort", async () => {
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const result = await runVus({
      stages: [{ durationS: 60, target: 3 }],
      thinkTimeMs: 20,
      tickMs: 10,
      signal: controller.signal,
      iteration: () => delay(1),
    });
    assert.ok(result.aborted);
    assert.ok(result.elapsedS < 3);
  });
});
