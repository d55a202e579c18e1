/**
 * The leadership check of a chaos history: who leads when, and whether two ever lead at once.
 * Pure: it reads a merged history (see history.ts) and nothing else.
 * @module
 */
import { isRunnerEntry, type HistoryEntry, type RunnerEntry } from './history.js';

/** Something the checker found wrong, with the stamp it is anchored at. */
export interface Violation {
  property: 'leadership' | 'fencing' | 'liveness' | 'cleanliness';
  message: string;
  /** Where in the history to look (the slice around it is printed); absent for final-state findings. */
  t?: bigint;
  /** The processes involved (`who:pid`). */
  who?: string[];
}

/** After entry at `t`, `leaders` processes count as leading. */
export interface LeaderCount {
  t: bigint;
  leaders: number;
}

/** What {@link checkLeadership} found. */
export interface LeadershipResult {
  violations: Violation[];
  /** The number of leaders at every change, in time order (starts at 0). */
  timeline: LeaderCount[];
}

/** One candidate process as the checker follows it. */
interface Proc {
  name: string;
  leading: boolean;
  frozen: boolean;
  /** Was leading when frozen: after SIGCONT its leadership is in doubt until it says otherwise. */
  frozenLeader: boolean;
  /**
   * Thawed with a leadership from before the freeze: not counted as leading (it may not know
   * it lost) until it acts as leader again (a write acknowledged ok) or reports lost/suspended.
   */
  doubt: boolean;
  /** Writes attempted and not yet answered (ok or fail). */
  pending: Set<number>;
  /**
   * The writes pending when it was frozen. One acknowledged after the thaw was sent before the
   * freeze, by a leader that was leading then: its reply only waited in the socket while the
   * process was stopped, so it says nothing of leading now (its commit order is the fencing
   * check's business).
   */
  sentBeforeFreeze: Set<number>;
}

/**
 * Leadership: at no stamp do two processes lead, where a process leads from `elected` or
 * `resumed` until `suspended`, `lost`, `rejoining`, `closed`, its exit (as the runner saw it), or its
 * SIGSTOP (a frozen process is not acting). A process thawed by SIGCONT that led before the
 * freeze leads again only once a write of it *sent after the thaw* is acknowledged ok before it
 * reports `lost` or `suspended` (an acknowledgement of a write sent before the freeze only waited
 * in the socket); its writes attempted in between are fenced, not violations. Also a violation: a
 * write attempted while neither leading nor in doubt, and any entry a process stamped while
 * the runner had it frozen.
 */
export function checkLeadership(history: readonly HistoryEntry[]): LeadershipResult {
  const procs = new Map<number, Proc>();
  const violations: Violation[] = [];
  const timeline: LeaderCount[] = [{ t: history[0]?.t ?? 0n, leaders: 0 }];
  const proc = (pid: number, name: string) => {
    let p = procs.get(pid);
    if (!p) procs.set(pid, (p = { name: `${name}:${pid}`, leading: false, frozen: false, frozenLeader: false, doubt: false, pending: new Set(), sentBeforeFreeze: new Set() }));
    return p;
  };
  const startLeading = (p: Proc, t: bigint) => {
    p.leading = true;
    p.doubt = false;
    const others = [...procs.values()].filter((q) => q !== p && q.leading);
    if (others.length > 0) {
      violations.push({ property: 'leadership', t, who: [p.name, ...others.map((q) => q.name)], message: `${p.name} leads while ${others.map((q) => q.name).join(', ')} also lead(s)` });
    }
  };
  for (const e of history) {
    if (isRunnerEntry(e)) onRunner(e, (pid) => proc(pid, e.target ?? '?'));
    else {
      const p = proc(e.pid, e.who);
      if (p.frozen) violations.push({ property: 'leadership', t: e.t, who: [p.name], message: `${p.name} acted (${e.ev}) while frozen by SIGSTOP` });
      if (e.ev === 'elected' || e.ev === 'resumed') startLeading(p, e.t);
      else if (e.ev === 'suspended' || e.ev === 'lost' || e.ev === 'rejoining' || e.ev === 'closed') p.leading = p.doubt = false;
      else if (e.ev === 'write') {
        if (e.phase === 'attempt') p.pending.add(e.n);
        else p.pending.delete(e.n);
        if (e.phase === 'attempt' && !p.leading && !p.doubt) {
          violations.push({ property: 'leadership', t: e.t, who: [p.name], message: `${p.name} attempted write #${e.n} while not leading` });
        } else if (e.phase === 'ok' && p.doubt && !p.sentBeforeFreeze.has(e.n)) startLeading(p, e.t);
      }
    }
    const leaders = [...procs.values()].filter((q) => q.leading).length;
    if (leaders !== (timeline[timeline.length - 1] as LeaderCount).leaders) timeline.push({ t: e.t, leaders });
  }
  return { violations, timeline };
}

/** Applies a runner entry (signals, exits) to the process it names. */
function onRunner(e: RunnerEntry, proc: (pid: number) => Proc): void {
  if (e.pid === undefined) return;
  const p = proc(e.pid);
  switch (e.ev) {
    case 'sigstop':
      p.frozen = true;
      p.sentBeforeFreeze = new Set(p.pending);
      if (p.leading) (p.leading = false), (p.frozenLeader = true);
      break;
    case 'sigcont':
      p.frozen = false;
      if (p.frozenLeader) (p.frozenLeader = false), (p.doubt = true);
      break;
    // Not 'sigkill': the stamp precedes the death, and what the process stamped in between is its own.
    case 'exit':
      p.leading = p.doubt = p.frozenLeader = p.frozen = false;
      break;
    default:
      break;
  }
}
