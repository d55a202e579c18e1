/**
 * The candidates of an election parent as anyone can read them: names, order, data, owners.
 * {@link Participant} is the one type of a candidate; the CLI and the dashboard only format it.
 * @module
 */
import { ErrorCode, errorCode, type ZooKeeper } from '../client/index.js';
import { readChildren, type CachedChild } from './children-cache.js';
import { CANDIDATES } from './defaults.js';

/** One participant as seen in the election parent. */
export interface Participant {
  /** Its candidate znode's name (no parent), e.g. `c_0000000007`. */
  node: string;
  /** The candidate's data (a `zk-elect node` puts its HTTP address there). */
  data: Buffer | null;
  /** The session that owns the znode. */
  sessionId: bigint;
  /** The smallest candidate: the leader. */
  isLeader: boolean;
  /** The predecessor this participant watches (by the algorithm), if not the leader. */
  watching?: string;
}

/**
 * The participants of candidate children already in election order (a {@link ChildrenCache}
 * snapshot with the {@link CANDIDATES} filter): the first leads, each other watches the one
 * before it. Never throws.
 */
export function participantsOf(children: readonly CachedChild[]): Participant[] {
  return children.map((c, i) => ({
    node: c.name,
    data: c.data,
    sessionId: c.owner,
    isLeader: i === 0,
    ...(i > 0 ? { watching: children[i - 1]!.name } : {}),
  }));
}

/**
 * Lists the candidates of an election parent in order, with data and owner session, once (no
 * watch: a {@link LeaderObserver} or a {@link ChildrenCache} follows changes). Blocks for one
 * getChildren and one getData per candidate; a candidate gone before its read is left out.
 * @throws ZooKeeperError (a missing parent yields an empty list).
 */
export async function listParticipants(zk: Pick<ZooKeeper, 'getChildren' | 'getData'>, parent: string): Promise<Participant[]> {
  let names: string[];
  try {
    names = await zk.getChildren(parent);
  } catch (e) {
    if (errorCode(e) === ErrorCode.NONODE) return [];
    throw e;
  }
  return participantsOf(await readChildren(zk, parent, names.filter(CANDIDATES.filter).sort(CANDIDATES.order)));
}
