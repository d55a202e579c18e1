/**
 * Latency summaries shared by every scenario, so zk-elect and the peers are reduced with the
 * same percentile definition (nearest rank: the smallest sample with at least q of the samples
 * at or below it). Peers print their raw samples; the orchestrator re-summarizes them here.
 * The ops pipeline's p50/p99 use the same {@link percentile} (and the Java and Python peers
 * carry a copy of the same rule, PeerUtil.percentile and kazoo_peer.percentile).
 * @module
 */
import { Prng } from 'zk-elect/testing';

/** Percentiles of a set of samples (same unit as the samples, usually ms). */
export interface LatencySummary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of ascending `sorted` (q in 0..1). NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Summarizes `samples` (any order). All fields are NaN for no samples. */
export function summarize(samples: readonly number[]): LatencySummary {
  const s = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    min: s.length ? (s[0] as number) : Number.NaN,
    p50: percentile(s, 0.5),
    p90: percentile(s, 0.9),
    p99: percentile(s, 0.99),
    max: s.length ? (s[s.length - 1] as number) : Number.NaN,
    mean: s.length ? sum / s.length : Number.NaN,
  };
}

/** Median of `xs` (average of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Rounds to `digits` decimals (for JSON that people read). */
export function round(v: number, digits = 3): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Rounds every number of a summary. */
export function roundSummary(s: LatencySummary, digits = 3): LatencySummary {
  return { n: s.n, min: round(s.min, digits), p50: round(s.p50, digits), p90: round(s.p90, digits), p99: round(s.p99, digits), max: round(s.max, digits), mean: round(s.mean, digits) };
}

/**
 * The latency fields of a floor run (bench/lib/types.ts FloorResult, without scenario/impl):
 * close → notification samples, and the re-list's notification → reply and close → reply,
 * each summarized and kept raw (0.1 µs), as every Node floor implementation reports them.
 */
export function floorFigures(notified: readonly number[], relist: readonly number[], total: readonly number[]) {
  const r4 = (xs: readonly number[]) => xs.map((v) => round(v, 4));
  return {
    latencyMs: roundSummary(summarize(notified)),
    samplesMs: r4(notified),
    relist: { afterNotifyMs: roundSummary(summarize(relist)), totalMs: roundSummary(summarize(total)), afterNotifySamplesMs: r4(relist), totalSamplesMs: r4(total) },
  };
}

/**
 * A 95% bootstrap interval of `percentile(a, q) / percentile(b, q)`: both sample sets are
 * resampled with replacement `iterations` times and the ratio is taken each time. It says how
 * far one run's ratio could have moved by chance alone, with the same machine and the same
 * number of rounds: at p99 of 200 rounds the ratio rests on two or three rounds of each side,
 * so a limit inside the interval is within the run's noise. Seeded, so the same samples give
 * the same interval. Blocks for the resampling (2,000 × two sorts of each set: milliseconds).
 * @returns [low, high]; [NaN, NaN] when either set is empty.
 */
export function ratioInterval(a: readonly number[], b: readonly number[], q: number, iterations = 2000): [number, number] {
  if (a.length === 0 || b.length === 0) return [Number.NaN, Number.NaN];
  const rng = new Prng(0x5eed);
  const resampled = (xs: readonly number[], into: Float64Array) => {
    for (let i = 0; i < into.length; i++) into[i] = xs[Math.floor(rng.next() * xs.length)] as number;
    return percentile(into.sort(), q);
  };
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const ratios = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) ratios[i] = resampled(a, bufA) / resampled(b, bufB);
  ratios.sort();
  return [percentile(ratios, 0.025), percentile(ratios, 0.975)];
}
