/**
 * Helpers for sequential znode names (`c_0000000007`): parsing and ordering.
 * @module
 */

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
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-?\\d{10}$`);
  return children
    .filter((c) => re.test(c))
    .map((c) => [c, sequenceOf(c)!] as const)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c]) => c);
}

/** Joins a parent path and a child name. */
export function join(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The last segment of a path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
