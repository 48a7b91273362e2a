/**
 * Latency samples and their percentiles. Every sample is kept (a benchmark run records tens of
 * thousands, 8 bytes each), so percentiles are exact rather than bucketed.
 */

/** Nearest-rank percentile of ascending `sorted` values: the smallest value with at least p % at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Collects latencies in milliseconds; grows as needed. */
export class LatencyRecorder {
  #values = new Float64Array(4_096);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite non-negative number, got ${ms}`);
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = ms;
  }

  /** Records the time since `startNs` (a `process.hrtime.bigint()` reading) and returns it in ms. */
  recordSince(startNs: bigint): number {
    const ms = Number(process.hrtime.bigint() - startNs) / 1e6;
    this.record(ms);
    return ms;
  }

  summary(): LatencySummary {
    const sorted = this.#values.slice(0, this.#count).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: this.#count,
      minMs: this.#count === 0 ? Number.NaN : (sorted[0] ?? Number.NaN),
      meanMs: this.#count === 0 ? Number.NaN : sum / this.#count,
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: this.#count === 0 ? Number.NaN : (sorted[this.#count - 1] ?? Number.NaN),
    };
  }
}

/** Counts of outcomes by label: HTTP status codes, error kinds. */
export class Counter {
  readonly #counts = new Map<string, number>();

  add(label: string | number, by = 1): void {
    const key = String(label);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + by);
  }

  get(label: string | number): number {
    return this.#counts.get(String(label)) ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const value of this.#counts.values()) total += value;
    return total;
  }

  /** Label → count, labels in ascending order. */
  toObject(): Record<string, number> {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
