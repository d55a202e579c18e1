/**
 * A leader's lease on its session, confirmed through the quorum. A client's pings only show
 * that the server it is connected to is alive, and a follower cut off from the quorum leader
 * keeps answering them (up to syncLimit × tickTime) while the quorum leader, which alone
 * expires sessions, hears nothing of this one and expires it. A leader that believed its pings
 * would then lead on past the moment a successor is elected. `sync` goes through the quorum
 * leader, so an answered sync says something about what that leader knows; this module turns
 * the answers into a lower bound of the session's expiry there.
 *
 * Why the bound holds (ZooKeeper 3.5–3.9): a follower records every request of a session it
 * receives and reports the record to the quorum leader in its reply to the leader's next ping;
 * the leader pings every learner every tickTime / 2 and refreshes a reported session to at
 * least "now + session timeout". Nothing else a client does through a follower refreshes the
 * session there (forwarded requests skip it), except the revalidation of a reconnect. Take three
 * syncs answered on one connection, each sent after the one before it was answered: j, k, m,
 * with k sent at least tickTime / 2 after j's answer came. The leader answered j, pinged the
 * follower during the tickTime / 2 after that (the ping and the answers share the leader→
 * follower stream, so the ping reached the follower before k's answer, and after j was
 * recorded), and the follower's reply to that ping left before the follower forwarded m (m was
 * sent after k's answer), so the leader had it before it answered m. So when m is answered,
 * the leader has refreshed the session after j was sent: the session cannot expire before
 * j's send time plus the session timeout. The server's default minimum session timeout is
 * 2 × tickTime, which makes tickTime / 2 at most a quarter of the timeout: the gap asked of k is
 * {@link GAP_SHARE} of it, the rest covering the leader's late pings.
 * @module
 */
import { EventEmitter } from 'node:events';
import { KeeperState, type Clock, type TimerHandle } from '../client/index.js';
import type { SessionKeeper } from './session-keeper.js';

/** One answered sync: when it was sent and when its answer came, on the client's clock (ms). */
export interface SyncRoundTrip {
  sentAt: number;
  answeredAt: number;
}

/** The gap asked between one sync's answer and a later sync's sending, as a share of the session timeout. */
export const GAP_SHARE = 0.3;
/** How often a sync is sent while leading, as a share of the session timeout. */
const SYNC_SHARE = 1 / 40;
/**
 * The lease is in doubt when less than this share of the session timeout is left of it. A new
 * leadership's first proof comes about 0.35 of the timeout before the lease it starts with
 * ends (that lease minus the gap and a few syncs), and in steady state 0.6 or more is left:
 * anything above the margin of the lease's users is safe, so the doubt waits until it is real.
 */
const LAPSE_SHARE = 1 / 6;
/** ...and sound again when at least this share is: a lease hovering at the edge does not flap. */
const RENEW_SHARE = 1 / 3;

/**
 * From syncs answered one after another on one connection (oldest first), the latest moment at
 * or after which the quorum leader has surely refreshed the session, or undefined when they
 * prove none. See the module comment: the last answer (m) vouches for the report of what the
 * follower received before the one before it (k) was sent, `gapMs` or more earlier (j).
 */
export function provenTouch(trips: readonly SyncRoundTrip[], gapMs: number): number | undefined {
  const k = trips.length - 2;
  if (k < 1) return undefined;
  const latestAnswer = trips[k]!.sentAt - gapMs;
  for (let j = k - 1; j >= 0; j--) if (trips[j]!.answeredAt <= latestAnswer) return trips[j]!.sentAt;
  return undefined;
}

/** Events of a {@link QuorumLease}. */
export interface QuorumLeaseEvents {
  /** Less than a sixth of the session timeout is left of the lease: leadership is in doubt. */
  lapsed: [unconfirmedMs: number];
  /** The lease is sound again (a third of the session timeout or more left). */
  renewed: [];
}

/**
 * Keeps a leader's lease on its session: sends a sync on `path` every fortieth of the session
 * timeout (one at a time, while connected) and keeps {@link QuorumLease.expiresAt}, the earliest
 * moment the quorum leader could expire the session, from their answers. Reports when the lease
 * runs low (`lapsed`) and when it is sound again (`renewed`). Timers run on the client's clock.
 */
export class QuorumLease extends EventEmitter<QuorumLeaseEvents> {
  #confirmedAt: number;
  #trips: SyncRoundTrip[] = [];
  /** Bumped on every change of connection: an answer counts only on the connection it was sent on. */
  #connection = 0;
  #disconnectedAt: number | undefined;
  #inFlight = false;
  #sound = true;
  #timer: TimerHandle | undefined;
  /** The clock of the client the lease began on, which its timer runs on. */
  readonly #clock: Clock;
  readonly #onState = (state: KeeperState) => this.onState(state);

  /**
   * Starts the lease of `session`'s current client and its syncs. `confirmedAt` (client clock,
   * ms) is the moment the session is assumed refreshed on the quorum leader when leadership began.
   * Never blocks.
   */
  constructor(
    private readonly session: SessionKeeper,
    private readonly path: string,
    confirmedAt: number,
  ) {
    super();
    this.#confirmedAt = confirmedAt;
    session.on('state', this.#onState);
    const zk = session.client;
    this.#clock = zk.clock;
    this.#timer = zk.clock.setInterval(() => this.tick(), Math.max(10, Math.round(zk.sessionTimeout * SYNC_SHARE)));
    this.send();
  }

  /** The earliest moment (client clock, ms) the quorum leader could expire the session. */
  get expiresAt(): number {
    return this.#confirmedAt + this.session.client.sessionTimeout;
  }

  /** False from `lapsed` until `renewed`. */
  get sound(): boolean {
    return this.#sound;
  }

  /** Stops the syncs and the reports. Idempotent. */
  stop(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.session.off('state', this.#onState);
    this.#connection++;
  }

  private tick(): void {
    this.judge();
    this.send();
  }

  /** Reports a lease that ran low, or one that is sound again. */
  private judge(): void {
    const zk = this.session.client;
    const left = this.expiresAt - zk.clock.now();
    if (this.#sound && left < zk.sessionTimeout * LAPSE_SHARE) {
      this.#sound = false;
      this.emit('lapsed', Math.round(zk.clock.now() - this.#confirmedAt));
    } else if (!this.#sound && left >= zk.sessionTimeout * RENEW_SHARE) {
      this.#sound = true;
      this.emit('renewed');
    }
  }

  private send(): void {
    const zk = this.session.client;
    if (this.#inFlight || this.#timer === undefined || zk.state !== KeeperState.SyncConnected) return;
    this.#inFlight = true;
    const connection = this.#connection;
    const sentAt = zk.clock.now();
    const settle = (answered: boolean) => {
      if (connection !== this.#connection) return;
      this.#inFlight = false;
      if (answered) this.answered({ sentAt, answeredAt: zk.clock.now() });
    };
    zk.sync(this.path).then(
      () => settle(true),
      () => settle(false),
    );
  }

  private answered(trip: SyncRoundTrip): void {
    const zk = this.session.client;
    this.#trips.push(trip);
    const touched = provenTouch(this.#trips, zk.sessionTimeout * GAP_SHARE);
    if (touched !== undefined) {
      this.#confirmedAt = Math.max(this.#confirmedAt, touched);
      // What is older than the sync that proved it can prove nothing newer.
      this.#trips = this.#trips.filter((t) => t.sentAt >= touched);
    }
    this.judge();
  }

  private onState(state: KeeperState): void {
    this.#connection++;
    this.#trips = [];
    this.#inFlight = false;
    const now = this.session.client.clock.now();
    if (state === KeeperState.Disconnected) this.#disconnectedAt = now;
    else if (state === KeeperState.SyncConnected && this.#disconnectedAt !== undefined) {
      // Reconnecting revalidated the session on the quorum leader, which refreshes it, after
      // the connect request was sent: after the disconnect.
      this.#confirmedAt = Math.max(this.#confirmedAt, this.#disconnectedAt);
      this.#disconnectedAt = undefined;
    }
    this.judge();
    this.send();
  }
}
