/**
 * The candidates of an election parent as anyone can read them: names, order, data, owners.
 * Shared by {@link LeaderElection} and {@link LeaderObserver}.
 * @module
 */
import { ErrorCode } from '../protocol/constants.js';
import type { ZooKeeperError } from '../client/errors.js';
import { join, sortCandidates } from './sequence.js';

/** The name prefix of a candidate node: the design's `c_` + 10-digit sequence. */
export const CANDIDATE_PREFIX = 'c_';
const code = (e: unknown) => (e as ZooKeeperError)?.code;

/** One participant as seen in the election parent. */
export interface Participant {
  node: string;
  data: Buffer | null;
  sessionId: bigint;
  isLeader: boolean;
  /** The predecessor this participant watches (by the algorithm), if not the leader. */
  watching?: string;
}

/**
 * Lists the candidates of an election parent in order, with data and owner session.
 * Blocks for one getChildren and one getData per candidate.
 * @throws ZooKeeperError (NoNode when the parent does not exist yields an empty list).
 */
export async function listParticipants(zk: { getChildren(p: string): Promise<string[]>; getData(p: string): Promise<{ data: Buffer | null; stat: { ephemeralOwner: bigint } }> }, parent: string): Promise<Participant[]> {
  let names: string[];
  try {
    names = sortCandidates(await zk.getChildren(parent), CANDIDATE_PREFIX);
  } catch (e) {
    if (code(e) === ErrorCode.NONODE) return [];
    throw e;
  }
  const reads = await Promise.all(names.map((n) => zk.getData(join(parent, n)).catch(() => null)));
  const live = names.map((node, i) => ({ node, read: reads[i] })).filter((x) => x.read !== null);
  return live.map(({ node, read }, i) => ({
    node,
    data: read!.data,
    sessionId: read!.stat.ephemeralOwner,
    isLeader: i === 0,
    ...(i > 0 ? { watching: live[i - 1].node } : {}),
  }));
}
