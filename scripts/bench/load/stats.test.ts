import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { Counter, LatencyRecorder, percentile } from "./stats.ts";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("picks the smallest value with p % at or below it", () => {
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred, 95), 95);
    assert.equal(percentile(hundred, 99), 99);
    assert.equal(percentile(hundred, 100), 100);
    assert.equal(percentile(hundred, 0), 1);
  });

  it("rounds the rank up between samples", () => {
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile([10, 20, 30, 40], 51), 30);
    assert.equal(percentile([10, 20, 30, 40], 99), 40);
    assert.equal(percentile([7], 99), 7);
  });

  it("is NaN without samples and refuses p outside 0..100", () => {
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], Number.NaN), RangeError);
  });
});

describe("LatencyRecorder", () => {
  it("summarises unsorted samples, growing past its initial capacity", () => {
    const recorder = new LatencyRecorder();
    // 10,000 samples 1..10,000 in a scrambled order (7,919 is prime, so i*7919 mod n is a permutation).
    const n = 10_000;
    for (let i = 0; i < n; i++) recorder.record(((i * 7_919) % n) + 1);
    const summary = recorder.summary();
    assert.equal(summary.count, n);
    assert.equal(summary.minMs, 1);
    assert.equal(summary.maxMs, n);
    assert.equal(summary.p50Ms, 5_000);
    assert.equal(summary.p95Ms, 9_500);
    assert.equal(summary.p99Ms, 9_900);
    assert.equal(summary.meanMs, (n + 1) / 2);
  });

  it("sorts numerically, not as strings", () => {
    const recorder = new LatencyRecorder();
    for (const ms of [100, 9, 25, 3.5]) recorder.record(ms);
    assert.equal(recorder.summary().p50Ms, 9);
    assert.equal(recorder.summary().maxMs, 100);
  });

  it("refuses negative and non-finite samples; is empty-safe", () => {
    const recorder = new LatencyRecorder();
    assert.throws(() => {
      recorder.record(-1);
    }, RangeError);
    assert.throws(() => {
      recorder.record(Number.POSITIVE_INFINITY);
    }, RangeError);
    const empty = recorder.summary();
    assert.equal(empty.count, 0);
    assert.ok(Number.isNaN(empty.p99Ms));
  });

  it("recordSince measures from an hrtime reading", async () => {
    const recorder = new LatencyRecorder();
    const start = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ms = recorder.recordSince(start);
    assert.ok(ms >= 19 && ms < 1_000, `measured ${ms} ms`);
    assert.equal(recorder.count, 1);
  });
});

describe("Counter", () => {
  it("counts by label", () => {
    const counter = new Counter();
    counter.add(201);
    counter.add(201);
    counter.add("500", 3);
    assert.equal(counter.get(201), 2);
    assert.equal(counter.get("201"), 2);
    assert.equal(counter.get(404), 0);
    assert.equal(counter.total, 5);
    assert.deepEqual(counter.toObject(), { "201": 2, "500": 3 });
  });
});
