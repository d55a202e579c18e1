/**
 * What the report modules (bench/report.ts, bench/targets-latency.ts) share: the shape of an
 * evaluated target, the number formats, and the selection of results by scenario and ensemble.
 * @module
 */
import type { ScenarioResult } from './types.js';

/** One of the benchmark's targets (bench/README.md, Targets), evaluated. */
export interface Target {
  scenario: string;
  what: string;
  /** The measured figure, as text. */
  value: string;
  /** The limit, as text. */
  limit: string;
  /** null when the run lacks the figures to judge. */
  met: boolean | null;
  /** False for figures shown for comparison only (e.g. the session-close variant). */
  headline: boolean;
  /** For a miss: the measurement that explains it (or proves the limit out of reach here). */
  evidence?: string;
  /** For a ratio of two latency percentiles: its 95% bootstrap interval (bench/lib/stats.ts ratioInterval). */
  interval?: [number, number];
}

/** Two decimals; '–' for a missing figure. */
export const f2 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(2));
/** a / b, NaN when b is not positive. */
export const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
/** A ratio as `0.87×`. */
export const x2 = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
/** A whole number with thousands separators. */
export const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** The results of scenario `s`. */
export const of = <T extends ScenarioResult>(results: ScenarioResult[], s: T['scenario']) => results.filter((r): r is T => r.scenario === s);

/** Servers of the ensemble a latency result ran on (results without the field ran on one). */
export const serversOf = (r: ScenarioResult) => ('servers' in r && r.servers) || 1;

/** The ensemble sizes the latency results ran on, ascending (1 first: the standalone run). */
export function ensembles(results: ScenarioResult[]): number[] {
  return [...new Set(results.filter((r) => r.scenario === 'failover' || r.scenario === 'floor').map(serversOf))].sort((a, b) => a - b);
}

/** How a table title or a target's scenario names an ensemble: '' for a standalone server. */
export const onEnsemble = (servers: number) => (servers > 1 ? ` on a ${servers}-server quorum` : '');
