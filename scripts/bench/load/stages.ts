/**
 * Stages as k6's `ramping-vus` executor reads them: each stage moves the number of virtual users
 * linearly from the previous stage's target (0 before the first) to its own over its duration.
 */

export interface Stage {
  /** Seconds; 0 jumps straight to `target`. */
  readonly durationS: number;
  /** Virtual users at the stage's end. */
  readonly target: number;
}

export function validateStages(stages: readonly Stage[]): void {
  if (stages.length === 0) throw new Error("at least one stage is needed");
  for (const [i, stage] of stages.entries()) {
    if (!(Number.isFinite(stage.durationS) && stage.durationS >= 0))
      throw new Error(`stage ${i}: duration must be a non-negative number of seconds, got ${stage.durationS}`);
    if (!(Number.isInteger(stage.target) && stage.target >= 0))
      throw new Error(`stage ${i}: target must be a non-negative integer, got ${stage.target}`);
  }
}

/** Sum of the stages' durations, in seconds. */
export function totalDurationS(stages: readonly Stage[]): number {
  return stages.reduce((sum, stage) => sum + stage.durationS, 0);
}

/** Largest target of any stage: how many virtual users a run needs at most. */
export function peakTarget(stages: readonly Stage[]): number {
  return stages.reduce((peak, stage) => Math.max(peak, stage.target), 0);
}

/**
 * Virtual users wanted `elapsedS` seconds into the run: linear within a stage, rounded down as
 * k6 does, the last target after the end. Never negative.
 */
export function vusAt(stages: readonly Stage[], elapsedS: number): number {
  let from = 0;
  let stageStart = 0;
  for (const stage of stages) {
    const stageEnd = stageStart + stage.durationS;
    if (elapsedS < stageEnd) {
      const progress = stage.durationS === 0 ? 1 : (Math.max(elapsedS, stageStart) - stageStart) / stage.durationS;
      // A tiny epsilon so that floating-point noise (e.g. 2.9999999) does not lose a user.
      return Math.max(0, Math.floor(from + (stage.target - from) * progress + 1e-9));
    }
    from = stage.target;
    stageStart = stageEnd;
  }
  return from;
}

/** Our seed scenario: ramp 0 → `vus` over `rampS`, hold `holdS`, ramp down to 0 over `downS`. */
export function rampHoldDown(vus: number, rampS: number, holdS: number, downS: number): Stage[] {
  return [
    { durationS: rampS, target: vus },
    { durationS: holdS, target: vus },
    { durationS: downS, target: 0 },
  ];
}

/** "2m", "30s", "1m30s", "1h" or a plain number of seconds → seconds. */
export function parseDuration(text: string): number {
  const plain = Number(text);
  if (text.trim() !== "" && Number.isFinite(plain)) return plain;
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  if (match === null || text.trim() === "") throw new Error(`not a duration: "${text}"`);
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3_600 + Number(m) * 60 + Number(s);
}

/** "20s:200,60s:200,5s:0" (duration:target, comma-separated) → stages. */
export function parseStages(text: string): Stage[] {
  const stages = text.split(",").map((part, i) => {
    const [duration, target, ...rest] = part.trim().split(":");
    if (duration === undefined || target === undefined || rest.length > 0)
      throw new Error(`stage ${i}: expected duration:target, got "${part}"`);
    return { durationS: parseDuration(duration), target: Number(target) };
  });
  validateStages(stages);
  return stages;
}
