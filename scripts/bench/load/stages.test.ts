import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  parseDuration,
  parseStages,
  peakTarget,
  rampHoldDown,
  totalDurationS,
  validateStages,
  vusAt,
  type Stage,
} from "./stages.ts";

describe("vusAt (k6 ramping-vus interpolation)", () => {
  const seed: Stage[] = [
    { durationS: 120, target: 100 },
    { durationS: 300, target: 100 },
    { durationS: 120, target: 200 },
    { durationS: 300, target: 200 },
    { durationS: 120, target: 0 },
  ];

  it("ramps linearly from the previous target, starting at 0", () => {
    assert.equal(vusAt(seed, 0), 0);
    assert.equal(vusAt(seed, 60), 50);
    assert.equal(vusAt(seed, 119.99), 99);
    assert.equal(vusAt(seed, 120), 100);
    assert.equal(vusAt(seed, 400), 100);
    assert.equal(vusAt(seed, 420 + 60), 150);
    assert.equal(vusAt(seed, 540 + 299), 200);
    assert.equal(vusAt(seed, 840 + 60), 100);
    assert.equal(vusAt(seed, 840 + 119.999), 0);
  });

  it("holds the last target after the end and never goes negative", () => {
    assert.equal(vusAt(seed, 10_000), 0);
    assert.equal(vusAt([{ durationS: 10, target: 5 }], 99), 5);
    assert.equal(vusAt(seed, -5), 0);
  });

  it("rounds down and survives floating-point noise", () => {
    const stages = [{ durationS: 3, target: 3 }];
    assert.equal(vusAt(stages, 0.999), 0);
    assert.equal(vusAt(stages, 1), 1);
    assert.equal(vusAt(stages, 0.1 + 0.2 + 0.7), 1);
    assert.equal(vusAt(stages, 2.999), 2);
  });

  it("jumps at once on a zero-length stage", () => {
    const stages = [
      { durationS: 0, target: 10 },
      { durationS: 5, target: 10 },
    ];
    assert.equal(vusAt(stages, 0), 10);
    assert.equal(vusAt(stages, 4), 10);
  });
});

describe("stage helpers", () => {
  it("rampHoldDown builds the bench's seed scenario", () => {
    const stages = rampHoldDown(200, 20, 60, 5);
    assert.deepEqual(stages, [
      { durationS: 20, target: 200 },
      { durationS: 60, target: 200 },
      { durationS: 5, target: 0 },
    ]);
    assert.equal(totalDurationS(stages), 85);
    assert.equal(peakTarget(stages), 200);
    assert.equal(vusAt(stages, 10), 100);
    assert.equal(vusAt(stages, 82.5), 100);
  });

  it("parses k6-style durations and stage lists", () => {
    assert.equal(parseDuration("2m"), 120);
    assert.equal(parseDuration("1m30s"), 90);
    assert.equal(parseDuration("45"), 45);
    assert.equal(parseDuration("1h"), 3_600);
    assert.equal(parseDuration("0.5s"), 0.5);
    assert.throws(() => parseDuration("soon"), /not a duration/);
    assert.throws(() => parseDuration(""), /not a duration/);
    assert.deepEqual(parseStages("2m:100, 5m:100,30s:0"), [
      { durationS: 120, target: 100 },
      { durationS: 300, target: 100 },
      { durationS: 30, target: 0 },
    ]);
    assert.throws(() => parseStages("2m"), /duration:target/);
    assert.throws(() => parseStages("2m:1.5"), /target/);
  });

  it("validateStages refuses empty lists and bad values", () => {
    assert.throws(() => {
      validateStages([]);
    }, /at least one/);
    assert.throws(() => {
      validateStages([{ durationS: -1, target: 1 }]);
    }, /duration/);
    assert.throws(() => {
      validateStages([{ durationS: 1, target: -1 }]);
    }, /target/);
  });
});
