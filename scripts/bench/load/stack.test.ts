import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";

import { processCpuSeconds } from "./stack.ts";

describe("processCpuSeconds", { skip: !existsSync("/proc/self/stat") && "no /proc here" }, () => {
  it("reads this process's CPU time, which grows with work", async () => {
    const before = await processCpuSeconds(process.pid);
    assert.ok(before !== undefined && before >= 0);
    const until = performance.now() + 150;
    let spin = 0;
    while (performance.now() < until) spin++;
    const after = await processCpuSeconds(process.pid);
    assert.ok(spin > 0 && after !== undefined && after - before >= 0.05, `${before} -> ${after}`);
    // Close to what Node itself counts (ticks are 10 ms).
    const own = process.cpuUsage();
    assert.ok(Math.abs(after - (own.user + own.system) / 1e6) < 0.2);
  });

  it("is undefined for a process that does not exist", async () => {
    assert.equal(await processCpuSeconds(2 ** 22 + 12_345), undefined);
  });
});
