/**
 * Errors of the recipes.
 * @module
 */

/**
 * A leader-only operation was refused: this candidate is not (or no longer) the leader.
 * `cause` holds the ZooKeeper error when the server refused a fenced write.
 */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
  /** A stable code for programs: always `NOT_LEADER`. */
  readonly code = 'NOT_LEADER';
}
