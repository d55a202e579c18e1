/**
 * Errors of the recipes.
 * @module
 */
import { ErrorCode, errorCode } from '../client/index.js';

/**
 * A leader-only operation was refused: this candidate is not (or no longer) the leader.
 * `cause` holds the ZooKeeper error when the server refused a fenced write.
 */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
  /** A stable code for programs: always `NOT_LEADER`. */
  readonly code = 'NOT_LEADER';
}

/** Error codes a recipe recovers from by itself on the next reconnect or session. */
const TRANSIENT: ReadonlySet<number> = new Set([ErrorCode.CONNECTIONLOSS, ErrorCode.SESSIONEXPIRED, ErrorCode.CLOSING]);

/** True for connection loss, session expiry and a closed client: retried, not reported. */
export function isTransient(err: unknown): boolean {
  return TRANSIENT.has(errorCode(err) ?? 0);
}

/**
 * Reports a recipe's background error: transient ones are dropped (the recipe retries them);
 * others go to the emitter's 'error' listeners, or become a process warning when there are
 * none, because emitting 'error' without a listener would throw inside a promise chain.
 */
export function emitBackgroundError(emitter: { listenerCount(e: 'error'): number; emit(e: 'error', err: unknown): boolean }, err: unknown, what: string): void {
  if (isTransient(err)) return;
  if (emitter.listenerCount('error') > 0) emitter.emit('error', err);
  else process.emitWarning(`zk-elect ${what}: ${(err as Error)?.message ?? String(err)}`);
}
