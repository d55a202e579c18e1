/**
 * Helpers for sequential znode names (`c_0000000007`): parsing and ordering.
 * @module
 */
import { NameList } from '../client/index.js';

/** The 10-digit (or negative, after the signed 32-bit counter wraps) suffix ZooKeeper appends. */
const SUFFIX = /(-?\d{10})$/;

/** The sequence number of a sequential node name, or undefined when it has none. */
export function sequenceOf(name: string): number | undefined {
  const m = SUFFIX.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Candidate names under a parent, in election order: only names `prefix` + sequence (other
 * children are ignored), smallest sequence first.
 */
export function sortCandidates(children: readonly string[], prefix: string): string[] {
  return children
    .flatMap((c) => {
      const seq = candidateSequence(c, prefix);
      return seq === undefined ? [] : [[c, seq] as const];
    })
    .sort((a, b) => (before(a[1], a[0], b[1], b[0]) ? -1 : 1))
    .map(([c]) => c);
}

/**
 * Filter and order for a {@link ChildrenCache} of sequential children named `prefix` +
 * sequence: the same names and order as {@link sortCandidates}.
 */
export function sequentialChildren(prefix: string): { filter: (name: string) => boolean; order: (a: string, b: string) => number } {
  return {
    filter: (name) => candidateSequence(name, prefix) !== undefined,
    order: (a, b) => (before(candidateSequence(a, prefix) as number, a, candidateSequence(b, prefix) as number, b) ? -1 : 1),
  };
}

/** Where one candidate stands in a listing: see {@link locateCandidate}. */
export interface CandidatePosition {
  /** The listing holds `own`. */
  found: boolean;
  /** The smallest candidate (the leader), if any. */
  first?: string;
  /** The candidate right before `own`; undefined when `own` is the smallest (or absent). */
  predecessor?: string;
}

/**
 * The leader and the predecessor of `own` in a listing, in one pass and the order of
 * {@link sortCandidates}, without sorting: a candidate's round runs on every predecessor change,
 * and at thousands of candidates a sort per round is most of its CPU. Given a
 * {@link NameList} (`ZooKeeper.listChildren`), it decodes only the names it returns.
 */
export function locateCandidate(children: readonly string[] | NameList, prefix: string, own: string): CandidatePosition {
  const ownSeq = candidateSequence(own, prefix);
  if (ownSeq === undefined) return { found: false }; // a name that is no candidate is never found
  const listed = children instanceof NameList;
  // Per name, no array of sequences: a join of a 10,000-candidate election lists once, and
  // what a listing allocates is paid again in GC.
  const prefixBytes = Buffer.from(prefix);
  const seqAt = listed ? (i: number) => children.sequenceAt(i, prefixBytes) : (i: number) => candidateSequence(children[i] as string, prefix) ?? NaN;
  const ownBytes = listed ? Buffer.from(own) : undefined;
  const nameOf = (i: number) => (i < 0 ? own : ((listed ? children.at(i) : children[i]) as string));
  // The tie-breaker of equal sequences, which distinct names of one prefix never have: it
  // decodes names only then.
  const nameBefore = (ai: number, bi: number) => nameOf(ai) < nameOf(bi);
  let found = false;
  let first = -1;
  let firstSeq = NaN;
  let pred = -1;
  let predSeq = NaN;
  for (let i = 0; i < children.length; i++) {
    const seq = seqAt(i);
    if (Number.isNaN(seq)) continue;
    if (seq === ownSeq && (listed ? children.is(i, ownBytes as Buffer) : children[i] === own)) {
      found = true;
      continue;
    }
    // The numeric comparisons first, inline: this loop runs once per name of every listing.
    if (first < 0 || seq < firstSeq || (seq === firstSeq && nameBefore(i, first))) (first = i), (firstSeq = seq);
    const ahead = seq < ownSeq || (seq === ownSeq && nameBefore(i, -1));
    if (ahead && (pred < 0 || predSeq < seq || (predSeq === seq && nameBefore(pred, i)))) (pred = i), (predSeq = seq);
  }
  if (!found) return { found };
  const leader = first < 0 || ownSeq < firstSeq || (ownSeq === firstSeq && nameBefore(-1, first)) ? own : nameOf(first);
  return { found, first: leader, predecessor: pred < 0 ? undefined : nameOf(pred) };
}

/** (seq, name) order: the election order. */
const before = (a: number, an: string, b: number, bn: string) => a < b || (a === b && an < bn);

/** The sequence of `prefix` + 10 digits (or - and 10 digits), or undefined for any other name. */
function candidateSequence(name: string, prefix: string): number | undefined {
  const digits = name.length - prefix.length;
  if ((digits !== 10 && digits !== 11) || !name.startsWith(prefix)) return undefined;
  let i = prefix.length;
  const negative = digits === 11;
  if (negative && name.charCodeAt(i++) !== 45 /* - */) return undefined;
  let v = 0;
  for (; i < name.length; i++) {
    const d = name.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** Joins a parent path and a child name. */
export function join(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The last segment of a path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
