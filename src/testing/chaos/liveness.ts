/**
 * The liveness check of a chaos history: how long the run went without a leader, and whether a
 * leader came back soon enough after each fault healed. Pure.
 * @module
 */
import { isRunnerEntry, msBetween, type HistoryEntry } from './history.js';
import type { LeaderCount, Violation } from './leadership.js';

/** A fault as the history tells it: its kind and its stamps. */
export interface FaultWindow {
  index: number;
  kind: string;
  begin: bigint;
  healed?: bigint;
  settled?: bigint;
}

/** A time without a leader. */
export interface Gap {
  from: bigint;
  to: bigint;
  ms: number;
  /** The fault under way when it began (`#3 pause-long`), or `no fault`. */
  cause: string;
}

/** What {@link checkLiveness} found. */
export interface LivenessResult {
  violations: Violation[];
  gaps: Gap[];
  /** Per fault index: the leaderless time from its heal to the next leader (ms). */
  recovery: Map<number, number>;
  /** Per fault index: the longest gap overlapping its window (ms). */
  worstGap: Map<number, number>;
}

/** The faults of a history, in order, from the runner's `fault` stamps. */
export function faultWindows(history: readonly HistoryEntry[]): FaultWindow[] {
  const byIndex = new Map<number, FaultWindow>();
  for (const e of history) {
    if (!isRunnerEntry(e) || e.ev !== 'fault' || e.fault === undefined) continue;
    const r = e;
    let w = byIndex.get(r.fault as number);
    if (!w) byIndex.set(r.fault as number, (w = { index: r.fault as number, kind: r.kind ?? '?', begin: r.t }));
    if (r.phase === 'healed') w.healed = r.t;
    if (r.phase === 'settled') w.settled = r.t;
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/**
 * Liveness: after each fault's `healed` stamp a process leads again within `sessionTimeoutMs +
 * boundMs` (a fault that never healed, or a run cut short, is not judged). Gaps are counted
 * from the first leader to the `shutdown` stamp (or the history's end).
 */
export function checkLiveness(history: readonly HistoryEntry[], timeline: readonly LeaderCount[], o: { sessionTimeoutMs: number; boundMs: number }): LivenessResult {
  const end = history.find((e) => e.ev === 'shutdown')?.t ?? history[history.length - 1]?.t ?? 0n;
  const windows = faultWindows(history);
  const gaps = leaderlessGaps(timeline, end).map((g) => ({ ...g, cause: causeOf(windows, g.from) }));
  const violations: Violation[] = [];
  const recovery = new Map<number, number>();
  const worstGap = new Map<number, number>();
  const limit = o.sessionTimeoutMs + o.boundMs;
  for (const w of windows) {
    const until = w.settled ?? end;
    worstGap.set(w.index, Math.max(0, ...gaps.filter((g) => g.from <= until && g.to >= w.begin).map((g) => g.ms)));
    if (w.healed === undefined || w.healed > end) continue;
    const healed = w.healed;
    const open = gaps.find((g) => g.from <= healed && g.to > healed);
    const ms = open ? msBetween(healed, open.to) : 0;
    recovery.set(w.index, ms);
    if (ms > limit) {
      violations.push({ property: 'liveness', t: healed, message: `no leader for ${Math.round(ms)} ms after fault #${w.index} (${w.kind}) healed; the bound is ${limit} ms (session timeout ${o.sessionTimeoutMs} + ${o.boundMs})` });
    }
  }
  return { violations, gaps, recovery, worstGap };
}

/** The times `timeline` has no leader, from its first leader to `end`. */
export function leaderlessGaps(timeline: readonly LeaderCount[], end: bigint): Omit<Gap, 'cause'>[] {
  const gaps: Omit<Gap, 'cause'>[] = [];
  let seenLeader = false;
  let from: bigint | undefined;
  for (const c of timeline) {
    if (c.t > end) break;
    if (c.leaders > 0) {
      if (from !== undefined) gaps.push({ from, to: c.t, ms: msBetween(from, c.t) });
      seenLeader = true;
      from = undefined;
    } else if (seenLeader && from === undefined) from = c.t;
  }
  if (from !== undefined && from < end) gaps.push({ from, to: end, ms: msBetween(from, end) });
  return gaps;
}

function causeOf(windows: readonly FaultWindow[], t: bigint): string {
  const w = [...windows].reverse().find((x) => x.begin <= t);
  if (!w) return 'no fault';
  return w.settled === undefined || t <= w.settled ? `#${w.index} ${w.kind}` : `after #${w.index} ${w.kind} settled`;
}
