// Comparing the two transcripts of one sequence (see oracle-wire.ts for their lines).
import { readable } from './oracle-wire.js';

/** The first place two transcripts differ. */
export interface Difference {
  /** The op whose result line (or the events before it) differ. */
  opIndex: number;
  ours: string;
  java: string;
}

/**
 * Sorts each run of consecutive event lines that have the same type, state and path by tag.
 * One notification (or the Closed of a close) fires all its watchers at once, and the Java
 * client calls them in the order of a HashSet (ZKWatchManager.materialize), so only the set
 * of watchers a notification fires is the client's doing, not their order.
 */
export function normalise(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const key = (l: string) => l.split('\t').slice(2).join('\t');
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
