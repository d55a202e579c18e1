/**
 * Observing an election from any process, candidate or not: the current leader and each change.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ChildrenCache, type CachedChild } from './children-cache.js';
import { emitBackgroundError } from './errors.js';
import { CANDIDATES, DEFAULT_ELECTION } from './defaults.js';
import { participantsOf, type Participant } from './participants.js';
import type { SessionKeeper } from './session-keeper.js';

/** Events of a {@link LeaderObserver}. */
export interface LeaderObserverEvents {
  /** The leader changed (`undefined`: no candidate at all). */
  leader: [leader: Participant | undefined];
  /** A read failed; it is retried on the next event or reconnect. */
  error: [error: unknown];
}

/**
 * Tells the current leader of an election and every change, from a {@link ChildrenCache} of
 * the election parent. Every observer is woken by every join and leave: keep observers few
 * (candidates themselves watch only their predecessor).
 */
export class LeaderObserver extends EventEmitter<LeaderObserverEvents> {
  readonly #cache: ChildrenCache;
  #current: Participant | undefined;

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: SessionKeeper,
    readonly parent = DEFAULT_ELECTION,
  ) {
    super();
    this.#cache = new ChildrenCache(session, parent, CANDIDATES);
    this.#cache.on('change', (children) => this.#update(children));
    this.#cache.on('error', (err) => emitBackgroundError(this, err, 'leader observer'));
  }

  /**
   * Starts observing; resolves with the leader at that moment. Blocks for one listing and one
   * read per candidate. Call once. Aborting `signal` closes the observer.
   * @throws Error if started twice or after close; ZooKeeperError; the abort reason.
   */
  async start(signal?: AbortSignal): Promise<Participant | undefined> {
    this.#update(await this.#cache.start(signal));
    return this.#current;
  }

  /** The last leader seen (undefined before start and after close). */
  get leader(): Participant | undefined {
    return this.#current;
  }

  #update(children: readonly CachedChild[]): void {
    const first = children[0];
    if (first?.name === this.#current?.node) return;
    this.#current = participantsOf(children.slice(0, 1))[0];
    this.emit('leader', this.#current);
  }

  /** Stops observing: no more events, and no leader known. Idempotent; never throws. */
  close(): Promise<void> {
    this.#current = undefined;
    return this.#cache.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
