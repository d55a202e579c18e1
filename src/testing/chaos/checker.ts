/**
 * The chaos checker: leadership, fencing, liveness and cleanliness over a merged history and
 * the final state read at the end of the run. Pure functions, no I/O.
 * @module
 */
import { checkFencing } from './fencing.js';
import type { FinalRecord, HistoryEntry } from './history.js';
import { checkLeadership, type Violation } from './leadership.js';
import { checkLiveness, faultWindows, type FaultWindow, type Gap } from './liveness.js';

/** What the run found once every candidate had closed. */
export interface FinalState {
  /** The log's records, decoded. */
  records: FinalRecord[];
  /** The election parent's children left after every candidate closed (should be none). */
  candidateNodes: string[];
  /** Candidate (and server) pids still alive after the run stopped them (should be none). */
  leftoverPids: number[];
  /** Temp dirs of the run that still exist (should be none). */
  leftoverDirs: string[];
}

/** Options of {@link checkHistory}. */
export interface CheckOptions {
  sessionTimeoutMs: number;
  /** Liveness: a leader again within session timeout + this after each heal (ms). */
  livenessBoundMs: number;
}

/** The verdict on one fault of the schedule. */
export interface FaultVerdict {
  window: FaultWindow;
  violations: number;
  /** The longest leaderless gap overlapping the fault (ms). */
  worstGapMs: number;
  /** From its heal to a leader (ms); undefined if it never healed. */
  recoveryMs?: number;
}

/** Everything the checker found. */
export interface CheckResult {
  violations: Violation[];
  gaps: Gap[];
  longestGap?: Gap;
  faults: FaultVerdict[];
}

/** Cleanliness: no candidate znode, no process and no temp dir left once all closed. */
export function checkCleanliness(final: FinalState): Violation[] {
  const v: Violation[] = [];
  if (final.candidateNodes.length > 0) v.push({ property: 'cleanliness', message: `candidate znodes left after every candidate closed: ${final.candidateNodes.join(', ')}` });
  if (final.leftoverPids.length > 0) v.push({ property: 'cleanliness', message: `processes left: ${final.leftoverPids.join(', ')}` });
  if (final.leftoverDirs.length > 0) v.push({ property: 'cleanliness', message: `temp dirs left: ${final.leftoverDirs.join(', ')}` });
  return v;
}

/**
 * Runs every check on `history` (sorted by stamp: see mergeHistory) and `final`, and
 * attributes each violation to the fault under way at its stamp.
 */
export function checkHistory(history: readonly HistoryEntry[], final: FinalState, o: CheckOptions): CheckResult {
  const leadership = checkLeadership(history);
  const liveness = checkLiveness(history, leadership.timeline, { sessionTimeoutMs: o.sessionTimeoutMs, boundMs: o.livenessBoundMs });
  const violations = [...leadership.violations, ...checkFencing(history, final.records), ...liveness.violations, ...checkCleanliness(final)];
  const windows = faultWindows(history);
  const faults = windows.map((w): FaultVerdict => {
    const recoveryMs = liveness.recovery.get(w.index);
    return { window: w, violations: 0, worstGapMs: liveness.worstGap.get(w.index) ?? 0, ...(recoveryMs !== undefined ? { recoveryMs } : {}) };
  });
  for (const v of violations) {
    const t = v.t;
    if (t === undefined) continue;
    const hit = [...faults].reverse().find((f) => f.window.begin <= t);
    if (hit) hit.violations++;
  }
  const longestGap = liveness.gaps.reduce<Gap | undefined>((a, g) => (!a || g.ms > a.ms ? g : a), undefined);
  return { violations, gaps: liveness.gaps, faults, ...(longestGap ? { longestGap } : {}) };
}
