/**
 * The fencing check of a chaos history: what the leaders wrote through `fencedMulti` against
 * what the log holds at the end. Pure.
 * @module
 */
import type { FinalRecord, HistoryEntry, WriteEntry } from './history.js';
import type { Violation } from './leadership.js';

const key = (pid: number, n: number) => `${pid}#${n}`;

/**
 * Fencing:
 * - in commit order (the records' sequence numbers) the epochs never decrease;
 * - no write of an epoch is acknowledged ok that was attempted after a write of a later epoch
 *   had already been acknowledged (it would have committed after it);
 * - every write acknowledged ok is in the final log, at the path it was told, with its epoch;
 * - every record in the log was attempted by someone (nothing else writes there).
 */
export function checkFencing(history: readonly HistoryEntry[], records: readonly FinalRecord[]): Violation[] {
  const violations: Violation[] = [];
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as FinalRecord;
    const cur = sorted[i] as FinalRecord;
    if (BigInt(cur.epoch) < BigInt(prev.epoch)) {
      violations.push({
        property: 'fencing',
        ...stampOf(history, cur),
        who: [`${cur.who}:${cur.pid}`, `${prev.who}:${prev.pid}`],
        message: `record ${cur.path} (epoch ${cur.epoch}, ${cur.who}:${cur.pid} #${cur.n}) committed after ${prev.path} of the later epoch ${prev.epoch}`,
      });
    }
  }
  const byKey = new Map(records.map((r) => [key(r.pid, r.n), r]));
  const attempted = new Set<string>();
  const maxAckedAt = new Map<string, bigint>();
  let maxAcked: bigint | undefined;
  for (const e of history) {
    if (e.ev !== 'write') continue;
    const k = key(e.pid, e.n);
    if (e.phase === 'attempt') {
      attempted.add(k);
      if (maxAcked !== undefined) maxAckedAt.set(k, maxAcked);
      continue;
    }
    if (e.phase !== 'ok') continue;
    const epoch = BigInt(e.epoch);
    const before = maxAckedAt.get(k);
    if (before !== undefined && epoch < before) {
      violations.push({ property: 'fencing', t: e.t, who: [`${e.who}:${e.pid}`], message: `write #${e.n} of ${e.who}:${e.pid} (epoch ${e.epoch}) acknowledged ok although a write of the later epoch ${before} was acknowledged before it was attempted` });
    }
    if (maxAcked === undefined || epoch > maxAcked) maxAcked = epoch;
    violations.push(...missing(e, byKey.get(k)));
  }
  for (const r of records) {
    if (!attempted.has(key(r.pid, r.n))) violations.push({ property: 'fencing', who: [`${r.who}:${r.pid}`], message: `record ${r.path} (${r.who}:${r.pid} #${r.n}) was never attempted` });
  }
  return violations;
}

/** The violation of an acknowledged write `e` whose record is absent or different, if it is. */
function missing(e: WriteEntry, found: FinalRecord | undefined): Violation[] {
  const who = [`${e.who}:${e.pid}`];
  if (!found) return [{ property: 'fencing', t: e.t, who, message: `write #${e.n} of ${e.who}:${e.pid} was acknowledged ok (${e.path ?? 'no path'}) but is not in the final log` }];
  if ((e.path !== undefined && found.path !== e.path) || found.epoch !== e.epoch) {
    return [{ property: 'fencing', t: e.t, who, message: `write #${e.n} of ${e.who}:${e.pid} was acknowledged at ${e.path} epoch ${e.epoch}, the log has it at ${found.path} epoch ${found.epoch}` }];
  }
  return [];
}

/** The stamp of the acknowledgment of `r`, for the history slice; none if it was never acknowledged. */
function stampOf(history: readonly HistoryEntry[], r: FinalRecord): { t?: bigint } {
  const ack = history.find((e) => e.ev === 'write' && e.pid === r.pid && e.n === r.n && e.phase !== 'attempt');
  const attempt = history.find((e) => e.ev === 'write' && e.pid === r.pid && e.n === r.n);
  const t = (ack ?? attempt)?.t;
  return t === undefined ? {} : { t };
}
