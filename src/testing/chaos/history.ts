/**
 * The chaos run's history: one entry per election event, write and fault, from every process,
 * each stamped with `process.hrtime.bigint()` (CLOCK_MONOTONIC on Linux: one clock for every
 * process on the machine, so the candidates' and the runner's stamps can be merged).
 * @module
 */

/** Now on the shared monotonic clock, in ns. */
export function now(): bigint {
  return process.hrtime.bigint();
}

/** What a candidate process reports about its election. */
export type ElectionEventName = 'started' | 'elected' | 'following' | 'suspended' | 'resumed' | 'lost' | 'rejoining' | 'closed' | 'error';

/** An election event of a candidate. `epoch` (the fencing epoch, a decimal string) comes with `elected`. */
export interface ElectionEntry {
  t: bigint;
  who: string;
  pid: number;
  ev: ElectionEventName;
  epoch?: string;
  node?: string;
  reason?: string;
}

/** One write of a leader: `attempt`, then `ok` (with the committed znode `path`) or `fail` (with the error `code`). */
export interface WriteEntry {
  t: bigint;
  who: string;
  pid: number;
  ev: 'write';
  phase: 'attempt' | 'ok' | 'fail';
  /** The writer's counter, unique per process. */
  n: number;
  epoch: string;
  path?: string;
  code?: string;
}

/**
 * What the runner did: a fault injected, healed, settled (`fault`), and its actions on candidate
 * processes (`spawn`, `exit`, `sigkill`, `sigstop`, `sigcont`). `sigstop` is stamped once the
 * signal is sent and `sigcont` just before, so the frozen window lies inside the real one.
 * `observed` notes a line a `zk-elect run` candidate printed (stamped on arrival, for reading
 * the history; the checker follows its command's entries, not these).
 */
export interface RunnerEntry {
  t: bigint;
  who: 'runner';
  ev: 'fault' | 'spawn' | 'exit' | 'sigkill' | 'sigstop' | 'sigcont' | 'observed' | 'shutdown';
  /** The fault's index in the schedule (with `fault`). */
  fault?: number;
  kind?: string;
  /**
   * Of a fault: `begin`, then per step `inject` and `heal`, `healed` once every step is healed
   * (the point liveness is measured from), `settled` once a leader is back and all candidates
   * have rejoined (or the settle wait gave up: `detail` says so).
   */
  phase?: 'begin' | 'inject' | 'heal' | 'healed' | 'settled';
  /** The candidate acted on, and its pid. */
  target?: string;
  pid?: number;
  detail?: string;
}

/** One line of the merged history. */
export type HistoryEntry = ElectionEntry | WriteEntry | RunnerEntry;

/** A record as found in the final state (a znode of the log), decoded. */
export interface FinalRecord {
  path: string;
  /** The sequence number ZooKeeper gave it: the commit order. */
  seq: number;
  who: string;
  pid: number;
  n: number;
  epoch: string;
}

/** Serializes an entry as one JSON line (the stamp as a decimal string). */
export function formatEntry(e: HistoryEntry): string {
  return JSON.stringify({ ...e, t: e.t.toString() });
}

/**
 * Parses a line a candidate printed; undefined for anything that is not a history entry (a
 * stray log line must not end the run).
 */
export function parseEntry(line: string): HistoryEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const raw = JSON.parse(line) as Record<string, unknown>;
    if (typeof raw.t !== 'string' || typeof raw.ev !== 'string' || typeof raw.who !== 'string') return undefined;
    return { ...raw, t: BigInt(raw.t) } as unknown as HistoryEntry;
  } catch {
    return undefined;
  }
}

/** Sorts entries by stamp (stable: ties keep their order of arrival). */
export function mergeHistory(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
}

/** Milliseconds between two stamps. */
export function msBetween(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/** Whether `e` is the runner's (and not a candidate's). */
export function isRunnerEntry(e: HistoryEntry): e is RunnerEntry {
  return e.who === 'runner';
}
