/**
 * Leader election, ZooKeeper's classic recipe: every candidate creates an EPHEMERAL_SEQUENTIAL
 * `c_<seq>` node under the election parent; the smallest sequence leads; every other candidate
 * watches only its immediate predecessor and, when that goes, re-lists the children — leading
 * if it is now the smallest, or else watching its new predecessor. One leader failure wakes one
 * candidate, whatever the number of candidates. A candidate whose listing showed only the
 * leader ahead of it leads on that leader's deletion without re-listing (one round trip less,
 * and every failover of an active/standby pair is one); every candidate watches its own node,
 * which makes that safe and tells it at once when an operator deletes the node.
 *
 * Made safe against the known failures: no orphan node after a lost create reply; leadership
 * claimed only on a node created by the live session; every async continuation tagged with a
 * generation and dropped when stale; leadership suspended while disconnected, and while the
 * quorum has not confirmed the session lately (a {@link QuorumLease}: a server cut off from the
 * quorum may answer pings for a while after the quorum expired the session), reported lost on
 * expiry; automatic re-join with a new session; deletes retried through blips; a vanished
 * parent re-created.
 * @module
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { ErrorCode, EventType, KeeperState, errorCode, validatePath, type ACL, type Data, type Op, type OpResult, type ZooKeeperError, type ZooKeeperOptions } from '../client/index.js';
import { NotLeaderError, emitBackgroundError } from './errors.js';
import { SessionKeeper } from './session-keeper.js';
import { createOwnNode, deleteOwnNode, ensurePath, type NodeOptions, type OwnNode } from './own-node.js';
import { Coalescer } from './resync.js';
import { abortable, withStartSignal, type StartOptions } from './lifecycle.js';
import { CANDIDATE_PREFIX as PREFIX, DEFAULT_ELECTION } from './defaults.js';
import { listParticipants, type Participant } from './participants.js';
import { join, locateCandidate } from './sequence.js';
import { GAP_SHARE, QuorumLease } from './quorum-lease.js';

/** Where a candidate stands. */
export type ElectionRole = 'latent' | 'joining' | 'follower' | 'leader' | 'suspended' | 'closed';

/** A snapshot of a candidate's view, for logs, status pages and tests. */
export interface ElectionStatus {
  role: ElectionRole;
  /** Own candidate node name (`c_0000000007`), once created. */
  node?: string;
  /** The leader's node name, when known. */
  leader?: string;
  /** The predecessor this candidate watches, when following. */
  watching?: string;
  /** Fencing epoch (the leader node's czxid), when leading. */
  epoch?: bigint;
}

/** Events of a {@link LeaderElection}; each fires only on a real transition. */
export interface LeaderElectionEvents {
  /** This candidate became leader. `epoch` grows with every new leadership, cluster-wide. */
  elected: [info: { node: string; epoch: bigint }];
  /** This candidate follows `leader` and watches `watching` (its predecessor). */
  following: [info: { node: string; leader: string; watching: string }];
  /**
   * The predecessor this follower watched is gone. The follower leads at once if nothing else
   * was ahead of it, or else lists the candidates again; fires before the resulting `elected`
   * or `following`, so it timestamps the start of a failover.
   */
  predecessorGone: [info: { node: string; predecessor: string }];
  /**
   * Leadership is in doubt: the leader lost its connection, or reached only a read-only server,
   * or the quorum has not confirmed its session lately. Pause leader-only work now.
   */
  suspended: [reason?: string];
  /** The suspended leader's session, node and lease are confirmed again: leadership holds. */
  resumed: [];
  /** This candidate was leader and is not any more (expiry, resign, close, node deleted). */
  lost: [reason: string];
  /** The candidate re-joins with a new session after its old one expired. */
  rejoining: [reason: string];
  /** Every change of {@link LeaderElection.status}. */
  change: [status: ElectionStatus];
  /** An unexpected error; the election retries by itself. */
  error: [error: unknown];
  /** close() finished. */
  closed: [];
}

/** Options of a {@link LeaderElection}. */
export interface LeaderElectionOptions {
  /** The election parent. Default `/election`; created if missing. */
  parent?: string;
  /** The candidate's data (its id): default `<hostname>:<pid>`. */
  data?: Data;
  /** Options of the session, when the election opens its own from a connect string. */
  zookeeper?: ZooKeeperOptions;
  /**
   * The ACL of the nodes it creates (its candidate node, and the parent if missing), e.g.
   * `[saslACL('svc'), ...READ_ACL_UNSAFE]`: only this SASL user may change them, anyone may
   * read the chain. Default `OPEN_ACL_UNSAFE`.
   */
  acl?: readonly ACL[];
  /**
   * Confirm leadership through the quorum: while leading, send a `sync` every fortieth of the
   * session timeout and suspend when a sixth of the timeout or less is left of the lease they
   * prove ({@link LeaderElection.leaseExpiresAt}). Default true. Without it a leader connected to
   * a follower cut off from the quorum can lead for up to syncLimit × tickTime after the quorum
   * expired its session and elected a successor.
   */
  quorumLease?: boolean;
}

/** Counters of what a candidate did, for metrics and for proving the absence of a herd. */
export interface ElectionStats {
  /** Watch notifications received: on the predecessor (a follower's) and on the own node. */
  notifications: number;
  /**
   * Election rounds run (each lists the children once; a new leader's next one arms the watch
   * on its node). A successor that leads without re-listing runs none.
   */
  rounds: number;
  /** ZooKeeper requests sent by the rounds (creates, lists, watches). */
  requests: number;
  /** Times this candidate became leader. */
  elections: number;
}


/** A candidate in a leader election. */
export class LeaderElection extends EventEmitter<LeaderElectionEvents> {
  /** The election parent path. */
  readonly parent: string;
  /** The candidate's data: written into every node it creates, replaced by {@link LeaderElection.setData}. */
  private data: Data;
  private readonly nodeOptions: NodeOptions;
  private own: OwnNode | undefined;
  private current: ElectionStatus = { role: 'latent' };
  private gen = 0;
  /** Our node whose watch is armed (a getData watch: it fires on deletion or a data change). */
  private ownWatched: OwnNode | undefined;
  /** Connections lost so far: a claim without re-listing needs its listing's connection. */
  private disconnects = 0;
  /** Failed rounds in a row: the retry backoff. */
  private failures = 0;
  /** Election rounds, one at a time; a request during a round runs one more after it. */
  private readonly rounds = new Coalescer(
    () => this.runRound(),
    (err) => emitBackgroundError(this, err, 'election'),
    () => this.current.role !== 'closed' && this.current.role !== 'latent',
  );
  private closing: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  private readonly leaseEnabled: boolean;
  /** The lease of the current leadership. */
  private lease: QuorumLease | undefined;
  /** What this candidate did so far (monotonic counters). */
  readonly stats: ElectionStats = { notifications: 0, rounds: 0, requests: 0, elections: 0 };

  /**
   * @param session the session to campaign with (shared with other recipes of the process).
   * @param ownsSession close the session in {@link LeaderElection.close}.
   * @throws BadArgumentsError for an invalid parent path.
   */
  constructor(
    readonly session: SessionKeeper,
    options: Omit<LeaderElectionOptions, 'zookeeper'> = {},
    private readonly ownsSession = false,
  ) {
    super();
    this.parent = options.parent ?? DEFAULT_ELECTION;
    validatePath(this.parent);
    this.data = options.data ?? `${os.hostname()}:${process.pid}`;
    this.nodeOptions = options.acl ? { acl: options.acl } : {};
    this.leaseEnabled = options.quorumLease ?? true;
    const onState = (s: KeeperState, reason?: string) => this.onSessionState(s, reason);
    const onSession = () => this.schedule();
    session.on('state', onState);
    session.on('session', onSession);
    this.unsubscribe = () => (session.off('state', onState), session.off('session', onSession));
  }

  /**
   * Connects a session to `connectString` and starts a candidate on it; the session is closed
   * with the election. Blocks until connected and the first round is done (it leads or
   * follows); `options.signal` aborts both (the session is closed again).
   * @throws as ZooKeeper.connect (unreachable servers, bad connect string); as
   *   {@link LeaderElection.start} (the election is then closed); the abort reason.
   */
  static async start(connectString: string, options: LeaderElectionOptions & StartOptions = {}): Promise<LeaderElection> {
    const session = await SessionKeeper.open(connectString, withStartSignal(options.zookeeper, options));
    const election = new LeaderElection(session, options, true);
    try {
      await election.start(options.signal);
    } catch (e) {
      await election.close();
      throw e;
    }
    return election;
  }

  /**
   * Volunteers: creates the candidate node and takes part from then on. Resolves once the
   * first election round is done (this candidate leads or follows). Start once. Aborting
   * `signal` before that closes the election (its candidate node is deleted).
   * @throws Error if already started or closed; ZooKeeperError if the first round fails; the abort reason.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.current.role !== 'latent') throw new Error(`LeaderElection.start(): already ${this.current.role}`);
    signal?.throwIfAborted();
    this.setStatus({ role: 'joining' });
    await abortable(signal, () => this.firstRound(), () => this.close());
  }

  private firstRound(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => (this.off('change', onChange), this.off('error', onError));
      const onChange = (s: ElectionStatus) => {
        if (s.role === 'leader' || s.role === 'follower') (done(), resolve());
        else if (s.role === 'closed') (done(), reject(new Error('LeaderElection closed before its first round')));
      };
      const onError = (e: unknown) => (done(), reject(e));
      this.on('change', onChange);
      this.once('error', onError);
      this.schedule();
    });
  }

  /** The current view (role, own node, leader, predecessor, epoch). */
  get status(): ElectionStatus {
    return { ...this.current };
  }

  /** True while this candidate leads and is connected (false while suspended). */
  get isLeader(): boolean {
    return this.current.role === 'leader';
  }

  /**
   * While leading (or suspended), the earliest moment the quorum leader could expire this
   * candidate's session, on the client's clock ({@link ZooKeeper.clock}, like
   * `lastHeardAt`): leader-only work that must stop before a successor can be elected must stop
   * before it. Undefined when not leading or with `quorumLease: false`.
   */
  get leaseExpiresAt(): number | undefined {
    return this.lease?.expiresAt;
  }

  /** The fencing epoch while leading: the leader node's czxid (monotonic across leaders). */
  get epoch(): bigint | undefined {
    return this.current.epoch;
  }

  // ---- the algorithm ---------------------------------------------------------------------

  /** Asks for an election round (one more after the current one, if one is running). */
  private schedule(): void {
    this.rounds.request();
  }

  /** One round; a failed one is retried after a backoff, unless the reconnect will do it. */
  private async runRound(): Promise<void> {
    try {
      await this.round();
      this.failures = 0;
    } catch (err) {
      if (!this.handleRoundError(err) || this.closing) return;
      await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** this.failures++)));
      this.schedule();
    }
  }

  /** One round: make sure our node exists, list, then lead or watch the predecessor. */
  private async round(): Promise<void> {
    const zk = this.session.client;
    const gen = this.gen;
    if (zk.state !== KeeperState.SyncConnected) return; // the reconnect schedules a new round
    this.stats.rounds++;
    if (!this.own || this.own.sessionId !== zk.sessionId) {
      this.stats.requests++;
      const node = await createOwnNode(zk, this.parent, PREFIX, this.data, this.nodeOptions);
      if (gen !== this.gen) {
        // A stale round (resign/close/expiry happened meanwhile) must not leave a candidate.
        await deleteOwnNode(zk, node).catch(() => undefined);
        return;
      }
      this.own = node;
    }
    const own = this.own;
    if (this.current.role === 'leader' || this.current.role === 'suspended') return this.holdLeadership(own, gen);
    this.stats.requests++;
    const listedOn = this.disconnects;
    const at = locateCandidate(await zk.listChildren(this.parent), PREFIX, own.name);
    if (gen !== this.gen) return;
    if (!at.found) return this.ownNodeDeleted();
    // The node was created by this session and the session is live (we just listed on it),
    // so the smallest-node rule is all that leadership needs.
    const pred = at.predecessor;
    if (pred === undefined) {
      if (this.ownWatched !== own) this.schedule(); // the next round arms the watch on our node
      return this.lead(own);
    }
    const leader = at.first as string;
    this.follow(own, leader, pred);
    const [predExists, ownExists] = await Promise.all([
      this.watchPredecessor(own, pred, gen, pred === leader ? listedOn : undefined),
      this.ownWatched === own ? true : this.watchOwnNode(own, gen),
    ]);
    if (gen !== this.gen) return;
    if (!ownExists) return this.ownNodeDeleted();
    // Gone between the listing and the watch: list again (never assume we lead now).
    if (!predExists) this.schedule();
  }

  /**
   * Watches the predecessor. Resolves false when it is already gone.
   * @param listedOn set when the predecessor is the only candidate ahead of ours: the
   *   disconnect count of the listing that showed it, for {@link LeaderElection.claimOnDeletion}.
   */
  private watchPredecessor(own: OwnNode, pred: string, gen: number, listedOn: number | undefined): Promise<boolean> {
    return this.watchNode(join(this.parent, pred), (type) => {
      if (gen !== this.gen) return;
      if (type === EventType.NodeDeleted) {
        this.emit('predecessorGone', { node: own.name, predecessor: pred });
        if (listedOn !== undefined && this.claimOnDeletion(own, pred, listedOn)) return;
      }
      this.schedule();
    });
  }

  /**
   * Leads at once, without re-listing, when the predecessor that just went was the only
   * candidate ahead of ours. This is still the smallest-node rule, not "predecessor gone means
   * leader" (which would crown a candidate whose *middle* predecessor left): the listing
   * showed no other candidate ahead, and a sequence number, taken from the parent's
   * ever-growing child counter, can never again be smaller than ours. Our node is still there:
   * its own watch is armed, and ZooKeeper delivers a session's notifications in the order of
   * the changes, so a deletion of our node before this one has already reached
   * {@link LeaderElection.ownNodeDeleted} and made this notification stale. The claim needs the
   * listing's connection (after a reconnect, restored watches fire in no particular order) and
   * no round under way (its listing could be older than this notification). Otherwise the
   * caller re-lists as usual. Saves one round trip on every failover.
   */
  private claimOnDeletion(own: OwnNode, pred: string, listedOn: number): boolean {
    const zk = this.session.client;
    const ok =
      this.ownWatched === own &&
      this.disconnects === listedOn &&
      !this.rounds.busy &&
      this.current.role === 'follower' &&
      this.current.watching === pred &&
      zk.state === KeeperState.SyncConnected &&
      zk.sessionId === own.sessionId;
    if (ok) this.lead(own);
    return ok;
  }

  /**
   * Arms a getData watch on our own node: it tells a follower or leader at once when an
   * operator deletes the node (or the whole parent). Resolves false when the node is gone.
   */
  private async watchOwnNode(own: OwnNode, gen: number): Promise<boolean> {
    const exists = await this.watchNode(own.path, (type) => {
      if (this.ownWatched === own) this.ownWatched = undefined;
      if (gen !== this.gen) return;
      if (type === EventType.NodeDeleted) this.ownNodeDeleted();
      else this.schedule(); // a data change: re-arm
    });
    if (exists && gen === this.gen) this.ownWatched = own;
    return exists;
  }

  /**
   * One getData with a watch on `path`, counted in {@link LeaderElection.stats} with each
   * notification it brings. getData, unlike exists, leaves no watch behind on a missing node.
   * Resolves false when the node is gone. @throws ZooKeeperError other than NoNode.
   */
  private async watchNode(path: string, onEvent: (type: EventType) => void): Promise<boolean> {
    this.stats.requests++;
    try {
      await this.session.client.getData(path, (ev) => {
        if (ev.type === EventType.None) return;
        this.stats.notifications++;
        onEvent(ev.type);
      });
      return true;
    } catch (err) {
      if (errorCode(err) === ErrorCode.NONODE) return false;
      throw err;
    }
  }

  /**
   * A leader's round. Sequence numbers only grow, so a leader stays the smallest for as long as
   * its node lives: the watch on that node (armed once, kept across reconnects) notices an
   * operator deleting it or the whole parent. Watching the node, not the parent's children,
   * keeps a leader from waking and re-listing on every join. After a reconnect a suspended
   * leader reads its node once more before it resumes.
   */
  private async holdLeadership(own: OwnNode, gen: number): Promise<void> {
    const zk = this.session.client;
    let exists = true;
    if (this.ownWatched !== own) exists = await this.watchOwnNode(own, gen);
    else if (this.current.role === 'suspended') {
      this.stats.requests++;
      exists = (await zk.exists(own.path)) !== null;
    }
    if (gen !== this.gen) return;
    if (!exists) return this.ownNodeDeleted();
    // Not before the quorum confirms the session again: the lease's renewal schedules a round.
    if (this.lease && !this.lease.sound) return;
    this.lead(own);
  }

  /** Our node is gone while our session lives: an operator deleted it. Volunteer again. */
  private ownNodeDeleted(): void {
    this.own = undefined;
    this.gen++;
    this.loseIfLeading('candidate node was deleted');
    this.setStatus({ role: 'joining' });
    this.schedule();
  }

  /** Returns true when the round should be retried after a backoff. */
  private handleRoundError(err: unknown): boolean {
    const c = errorCode(err);
    // Connection problems: the state handler schedules a new round on reconnect / new session.
    if (c === ErrorCode.CONNECTIONLOSS || c === ErrorCode.SESSIONEXPIRED || c === ErrorCode.CLOSING) return false;
    if (c === ErrorCode.NONODE) {
      // The parent vanished (deleted by an operator), and our node with it.
      void ensurePath(this.session.client, this.parent, this.nodeOptions).catch(() => undefined);
      this.own = undefined;
      this.gen++;
      this.loseIfLeading('election parent was deleted');
      this.setStatus({ role: 'joining' });
      return true;
    }
    emitBackgroundError(this, err, 'election');
    return true;
  }

  private lead(own: OwnNode): void {
    const was = this.current.role;
    this.setStatus({ role: 'leader', node: own.name, leader: own.name, epoch: own.czxid });
    if (was === 'suspended') this.emit('resumed');
    else if (was !== 'leader') {
      this.startLease();
      this.stats.elections++;
      this.emit('elected', { node: own.name, epoch: own.czxid });
    }
  }

  private follow(own: OwnNode, leader: string, watching: string): void {
    const before = this.current;
    this.loseIfLeading('another candidate leads');
    if (before.role === 'follower' && before.leader === leader && before.watching === watching) return;
    this.setStatus({ role: 'follower', node: own.name, leader, watching });
    this.emit('following', { node: own.name, leader, watching });
  }

  /**
   * A new leadership's lease. It assumes the session refreshed on the quorum leader a gap
   * (three tenths of the timeout) ago, the touches of the election's own requests having gone
   * through a follower that was in touch with the quorum; its syncs prove better within that gap.
   */
  private startLease(): void {
    if (!this.leaseEnabled) return;
    const zk = this.session.client;
    const lease = new QuorumLease(this.session, this.parent, zk.clock.now() - zk.sessionTimeout * GAP_SHARE);
    lease.on('lapsed', (ms) => {
      if (this.lease === lease) this.suspend(`the quorum has not confirmed the session for ${ms} ms (the server connected to may be cut off from it)`);
    });
    lease.on('renewed', () => {
      if (this.lease === lease && this.current.role === 'suspended') this.schedule();
    });
    this.lease = lease;
  }

  /** A leader's leadership is in doubt: `suspended` until a round confirms it again. */
  private suspend(reason?: string): void {
    if (this.current.role !== 'leader') return;
    this.setStatus({ ...this.current, role: 'suspended' });
    this.emit('suspended', reason);
  }

  private stopLease(): void {
    this.lease?.stop();
    this.lease = undefined;
  }

  private loseIfLeading(reason: string): void {
    const r = this.current.role;
    if (r === 'leader' || r === 'suspended') {
      this.stopLease();
      this.setStatus({ role: 'joining', node: this.own?.name });
      this.emit('lost', reason);
    }
  }

  private setStatus(s: ElectionStatus): void {
    this.current = s;
    this.emit('change', this.status);
  }

  private onSessionState(state: KeeperState, reason?: string): void {
    const role = this.current.role;
    if (state === KeeperState.Disconnected) this.disconnects++;
    if (role === 'closed' || role === 'latent') return;
    // A read-only server means a partition: this leader may be on the minority side.
    if (state === KeeperState.Disconnected || state === KeeperState.ConnectedReadOnly) {
      this.suspend(state === KeeperState.ConnectedReadOnly ? 'connected to a read-only server (the quorum is partitioned)' : reason);
    } else if (state === KeeperState.SyncConnected) {
      this.schedule(); // re-verify after every reconnect; resumes a suspended leader
    } else if (state === KeeperState.Expired) {
      this.gen++;
      this.own = undefined;
      this.loseIfLeading(`session expired${reason ? ': ' + reason : ''}`);
      this.setStatus({ role: 'joining' });
      this.emit('rejoining', reason ?? 'session expired');
    }
  }

  // ---- leaving -------------------------------------------------------------------------

  /**
   * Steps down (if leading) and re-queues at the back: deletes the candidate node — so the
   * successor is notified at once — then volunteers again with a new node.
   * Blocks until the old node is deleted (retrying through connection blips).
   * @throws Error if closed.
   */
  async resign(): Promise<void> {
    if (this.current.role === 'closed' || this.closing) throw new Error('LeaderElection.resign(): closed');
    if (this.current.role === 'latent') throw new Error('LeaderElection.resign(): not started');
    await this.leave('resigned');
    this.setStatus({ role: 'joining' });
    this.schedule();
  }

  /**
   * @param sessionCloses the caller closes the session right after: when connected, the
   *   closeSession deletes the node in the same write, so the successor's re-list does not
   *   queue behind a separate delete.
   */
  private async leave(reason: string, sessionCloses = false): Promise<void> {
    this.gen++;
    const own = this.own;
    this.own = undefined;
    this.loseIfLeading(reason);
    const zk = this.session.client;
    if (!own || (sessionCloses && zk.state === KeeperState.SyncConnected && zk.sessionId === own.sessionId)) return;
    await deleteOwnNode(zk, own);
  }

  /**
   * Leaves the election for good: deletes the candidate node (the successor takes over within
   * one notification), emits `lost` if leading, then `closed`. Closes the session if the
   * election opened it (then the closeSession itself deletes the node when connected; when not,
   * the delete is retried first). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.current.role !== 'latent') await this.leave('closed', this.ownsSession).catch((e) => emitBackgroundError(this, e, 'election close'));
      await this.staleRoundsDone();
      this.setStatus({ role: 'closed' });
      this.unsubscribe();
      if (this.ownsSession) await this.session.close();
      this.emit('closed');
    })();
    return this.closing;
  }

  /**
   * A round under way when close began is stale now, and deletes a node its create made: wait
   * for that while connected, so close() leaves no candidate behind. Disconnected, it could wait
   * for a reconnect: don't (the node then goes with the session, or the round deletes it later).
   */
  private staleRoundsDone(): Promise<void> {
    if (this.session.client.state !== KeeperState.SyncConnected) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => (this.session.off('state', done), resolve());
      this.session.on('state', done);
      void this.rounds.idle().then(done);
    });
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- queries and leader-only work -------------------------------------------------------

  /**
   * Resolves when this candidate is leader (at once if it is).
   * @throws the abort reason, or Error if the election is closed first.
   */
  waitForLeadership(signal?: AbortSignal): Promise<{ node: string; epoch: bigint }> {
    if (this.isLeader) return Promise.resolve({ node: this.current.node!, epoch: this.current.epoch! });
    if (this.current.role === 'closed' || this.closing) return Promise.reject(new Error('LeaderElection closed before becoming leader'));
    return new Promise((resolve, reject) => {
      const done = () => (this.off('change', onChange), signal?.removeEventListener('abort', onAbort));
      const onChange = (s: ElectionStatus) => {
        if (s.role === 'leader') (done(), resolve({ node: s.node!, epoch: s.epoch! }));
        else if (s.role === 'closed') (done(), reject(new Error('LeaderElection closed before becoming leader')));
      };
      const onAbort = () => (done(), reject(signal!.reason));
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.on('change', onChange);
    });
  }

  /**
   * Replaces this candidate's data: written to its node now, when it has one, and into every
   * node it creates later. Others see a data change of the node (its successor re-reads the
   * chain once; fencing is unaffected). Calls are applied in the order they are made. Blocks
   * for one setData, or not at all without a node.
   * @throws Error if closed; ZooKeeperError from the write (ConnectionLoss while disconnected:
   *   call again after the reconnect). A node deleted meanwhile is not an error: the next
   *   round creates its replacement with the new data.
   */
  async setData(data: Data): Promise<void> {
    if (this.current.role === 'closed' || this.closing) throw new Error('LeaderElection.setData(): closed');
    this.data = data;
    const own = this.own;
    if (!own) return;
    this.stats.requests++;
    try {
      await this.session.client.setData(own.path, data);
    } catch (err) {
      if (errorCode(err) !== ErrorCode.NONODE) throw err;
    }
  }

  /** Lists the participants in election order with their data (one read per participant). */
  async participants(): Promise<Participant[]> {
    return listParticipants(this.session.client, this.parent);
  }

  /** The current leader as ZooKeeper sees it now, or undefined when there is no candidate. */
  async leader(): Promise<Participant | undefined> {
    return (await this.participants())[0];
  }

  /**
   * Runs `ops` as one transaction that commits only while this candidate's leadership holds:
   * a `check` on the leader's own node goes first, so a deposed leader's late write fails
   * instead of overwriting its successor's data. Resolves with the results of `ops`.
   * @throws NotLeaderError when not leader, or when the server finds the leader node gone or
   *   the session expired; the ops' own ZooKeeperError otherwise (e.g. BadVersionError).
   */
  async fencedMulti(ops: readonly Op[]): Promise<OpResult[]> {
    const own = this.own;
    if (!this.isLeader || !own) throw new NotLeaderError(`not the leader (role: ${this.current.role})`);
    try {
      const res = await this.session.client.multi([{ op: 'check', path: own.path, version: -1 }, ...ops]);
      return res.slice(1);
    } catch (err) {
      const e = err as ZooKeeperError & { opIndex?: number };
      if (e.opIndex === 0 || errorCode(e) === ErrorCode.SESSIONEXPIRED) {
        throw new NotLeaderError(`leadership no longer holds: ${e.message}`, { cause: e });
      }
      if (e.opIndex !== undefined) (e as { opIndex: number }).opIndex -= 1;
      throw e;
    }
  }
}
