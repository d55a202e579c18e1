/**
 * The chaos run's report as text: a table per fault type (injected, violations, worst gap), the
 * seed, the longest leaderless gap, and for each violation the slice of history around it.
 * @module
 */
import type { CheckResult } from './checker.js';
import { formatEntry, msBetween, type HistoryEntry } from './history.js';
import type { Violation } from './leadership.js';

/** One row of the table. */
export interface FaultTypeRow {
  kind: string;
  injected: number;
  violations: number;
  worstGapMs: number;
  /** The slowest return of a leader after a heal (ms). */
  worstRecoveryMs: number;
}

/** Groups the per-fault verdicts by kind, in first-seen order, plus violations found outside any fault. */
export function tableRows(result: CheckResult): FaultTypeRow[] {
  const rows = new Map<string, FaultTypeRow>();
  for (const f of result.faults) {
    const row = rows.get(f.window.kind) ?? { kind: f.window.kind, injected: 0, violations: 0, worstGapMs: 0, worstRecoveryMs: 0 };
    row.injected++;
    row.violations += f.violations;
    row.worstGapMs = Math.max(row.worstGapMs, f.worstGapMs);
    row.worstRecoveryMs = Math.max(row.worstRecoveryMs, f.recoveryMs ?? 0);
    rows.set(f.window.kind, row);
  }
  const attributed = result.faults.reduce((s, f) => s + f.violations, 0);
  const rest = result.violations.length - attributed;
  const list = [...rows.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  if (rest > 0) list.push({ kind: '(outside faults / final state)', injected: 0, violations: rest, worstGapMs: 0, worstRecoveryMs: 0 });
  return list;
}

/** The table as aligned text lines. */
export function formatTable(rows: readonly FaultTypeRow[]): string {
  const head = ['fault', 'injected', 'violations', 'worst gap ms', 'worst recovery ms'];
  const body = rows.map((r) => [r.kind, String(r.injected), String(r.violations), String(Math.round(r.worstGapMs)), String(Math.round(r.worstRecoveryMs))]);
  const total = ['total', String(rows.reduce((s, r) => s + r.injected, 0)), String(rows.reduce((s, r) => s + r.violations, 0)), String(Math.round(Math.max(0, ...rows.map((r) => r.worstGapMs)))), String(Math.round(Math.max(0, ...rows.map((r) => r.worstRecoveryMs))))];
  const all = [head, ...body, total];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), line(total)].join('\n');
}

/**
 * The entries within `aroundMs` of the violation's stamp (at most `max`, nearest first kept),
 * each with its offset in ms from it; empty for a violation without a stamp.
 */
export function historySlice(history: readonly HistoryEntry[], v: Violation, aroundMs = 1500, max = 60): string[] {
  const t = v.t;
  if (t === undefined) return [];
  const near = history.filter((e) => Math.abs(msBetween(t, e.t)) <= aroundMs);
  const kept = [...near].sort((a, b) => Math.abs(msBetween(t, a.t)) - Math.abs(msBetween(t, b.t))).slice(0, max);
  const keep = new Set(kept);
  return near.filter((e) => keep.has(e)).map((e) => `${msBetween(t, e.t).toFixed(1).padStart(9)} ms  ${formatEntry(e)}`);
}

/** The whole report: seed, table, longest gap, then each violation with its slice. */
export function formatReport(seed: number, history: readonly HistoryEntry[], result: CheckResult, extra: string[] = []): string {
  const out = [`chaos run, seed ${seed}`, ...extra, '', formatTable(tableRows(result)), ''];
  const g = result.longestGap;
  out.push(g ? `longest leaderless gap: ${Math.round(g.ms)} ms (${g.cause})` : 'longest leaderless gap: none');
  out.push(`violations: ${result.violations.length}`);
  for (const v of result.violations) {
    out.push('', `[${v.property}] ${v.message}`, ...historySlice(history, v).map((l) => '  ' + l));
  }
  return out.join('\n');
}
