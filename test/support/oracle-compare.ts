// Comparing the two transcripts of one sequence (see oracle-wire.ts for their lines).
import { b64, readable, type OracleOp } from './oracle-wire.js';

/** The first place two transcripts differ. */
export interface Difference {
  /** The op whose result line (or the events before it) differ. */
  opIndex: number;
  ours: string;
  java: string;
}

/** Event types of a removeWatches: DataWatchRemoved, ChildWatchRemoved, PersistentWatchRemoved. */
const WATCH_REMOVED = new Set(['5', '6', '7']);

/**
 * Sorts each run of consecutive event lines that have the same type, state and path by tag.
 * One notification (or the Closed of a close) fires all its watchers at once, and the Java
 * client calls them in the order of a HashSet (ZKWatchManager.materialize), so only the set
 * of watchers a notification fires is the client's doing, not their order. The events of one
 * removeWatches count as one type: Java delivers them by type in the order of a HashMap keyed
 * by the EventType enum (ZKWatchManager.removeWatcher), whose identity hash changes from one
 * JVM to the next (seed 1789793287 of the fresh-clone CI: ChildWatchRemoved came first).
 */
export function normalise(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const key = (l: string) => {
    const [type = '', ...rest] = l.split('\t').slice(2);
    return [WATCH_REMOVED.has(type) ? 'removed' : type, ...rest].join('\t');
  };
  const flush = () => {
    out.push(...run.sort());
    run = [];
  };
  for (const line of lines) {
    if (!line.startsWith('E\t') || (run.length > 0 && key(run[0] as string) !== key(line))) flush();
    if (line.startsWith('E\t')) run.push(line);
    else out.push(line);
  }
  flush();
  return out;
}

/**
 * Puts the Java client's paths back where it is the odd one, in a chroot (ZooKeeper 3.9.5's
 * ZooKeeper.java and ClientCnxn.java); each would otherwise be a difference of every run:
 * - `create` strips the chroot as a string prefix (`getPath().substring(chrootPath.length())`),
 *   so a sequential create of `/`, which both clients send as the chroot itself and so makes
 *   the chroot's sibling `/chroot0000000001`, returns `0000000001`, no path at all; zk-elect
 *   returns the server's path of that node. Restored: the chroot is put back in front.
 * - `multi` does not strip the chroot from its create results at all (its own `create` does),
 *   where zk-elect strips it as it does for `create`. Restored: stripped.
 */
export function normaliseJava(lines: readonly string[], ops: readonly OracleOp[], chroot: string): string[] {
  if (!chroot) return [...lines];
  const path = (field: string, fix: (p: string) => string) => b64(fix(Buffer.from(field, 'base64').toString('utf8')));
  return lines.map((line) => {
    const f = line.split('\t');
    const op = f[0] === 'R' && f[2] === 'OK' ? ops[Number(f[1]) - 1] : undefined;
    if (op?.op === 'create') f[3] = path(f[3] as string, (p) => (p.startsWith('/') ? p : chroot + p));
    if (op?.op === 'multi') {
      for (let i = 3; i < f.length; i++) {
        const [kind, p, ...rest] = (f[i] as string).split(':');
        if (kind === 'create') f[i] = [kind, path(p as string, (s) => (s.startsWith(`${chroot}/`) ? s.slice(chroot.length) : s)), ...rest].join(':');
      }
    }
    return f.join('\t');
  });
}

/** The first difference between the normalised transcripts, or undefined when they are the same. */
export function firstDifference(ours: readonly string[], java: readonly string[]): Difference | undefined {
  const a = normalise(ours);
  const b = normalise(java);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    // The op the differing line belongs to: the next result line's index on either side.
    const next = [...a.slice(i), ...b.slice(i)].find((l) => l.startsWith('R\t'));
    return { opIndex: Number(next?.split('\t')[1] ?? -1), ours: a[i] ?? '(nothing)', java: b[i] ?? '(nothing)' };
  }
  return undefined;
}

/** A difference as a failure message: the op, both lines (raw and readable), and how to replay it. */
export function describeDifference(d: Difference, op: unknown, seed: number, chroot?: string): string {
  const show = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `<hex ${Buffer.from(x).toString('hex')}>` : x));
  return [
    `the clients differ at op ${d.opIndex} of seed ${seed}${chroot ? ` (chroot ${chroot})` : ''}: ${show(op)}`,
    `  zk-elect: ${readable(d.ours)}`,
    `  Java:     ${readable(d.java)}`,
    `  (raw zk-elect: ${JSON.stringify(d.ours)}; raw Java: ${JSON.stringify(d.java)})`,
    `  replay: ORACLE_SEED=${seed} node --test dist/test/java-oracle.test.js`,
  ].join('\n');
}
