/**
 * Observing an election from any process, candidate or not: the current leader and each change.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, EventType } from '../protocol/constants.js';
import type { ZooKeeperError } from '../client/errors.js';
import { validatePath } from '../client/path.js';
import { listParticipants, type Participant } from './participants.js';
import { reportError } from './errors.js';
import type { ManagedSession } from './managed-session.js';
import { Coalescer, onResync } from './resync.js';

/** Events of a {@link LeaderObserver}. */
export interface LeaderObserverEvents {
  /** The leader changed (`undefined`: no candidate at all). */
  leader: [leader: Participant | undefined];
  /** A read failed; it is retried on the next event or reconnect. */
  error: [error: unknown];
}

const code = (e: unknown) => (e as ZooKeeperError)?.code;

/**
 * Tells the current leader of an election and every change. It watches the parent's children,
 * so every observer is woken by every join and leave: keep observers few (candidates
 * themselves watch only their predecessor).
 */
export class LeaderObserver extends EventEmitter<LeaderObserverEvents> {
  private current: Participant | undefined;
  private gen = 0;
  private closed = false;
  private readonly reads = new Coalescer(() => this.read(), (e) => reportError(this, e, 'leader observer'), () => !this.closed);
  private readonly unsubscribe: () => void;

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: ManagedSession,
    readonly parent = '/election',
  ) {
    super();
    validatePath(parent);
    this.unsubscribe = onResync(session, () => this.reads.request());
  }

  /** Starts observing; resolves with the leader at that moment. @throws ZooKeeperError. */
  async start(): Promise<Participant | undefined> {
    await this.read();
    return this.current;
  }

  /** The last leader seen. */
  get leader(): Participant | undefined {
    return this.current;
  }

  private async read(): Promise<void> {
    const gen = this.gen;
    const zk = this.session.client;
    const onEvent = (ev: { type: EventType }) => gen === this.gen && ev.type !== EventType.None && this.reads.request();
    // Set the watch first, then read: no change can slip between the two.
    try {
      await zk.getChildren(this.parent, onEvent);
    } catch (e) {
      if (code(e) !== ErrorCode.NONODE) throw e;
      if (await zk.exists(this.parent, onEvent)) return this.read();
    }
    const leader = (await listParticipants(zk, this.parent))[0];
    if (gen !== this.gen || this.closed) return;
    if (leader?.node !== this.current?.node) {
      this.current = leader;
      this.emit('leader', leader);
    }
  }

  /** Stops observing. */
  close(): void {
    this.closed = true;
    this.gen++;
    this.unsubscribe();
  }
}
