/**
 * The public client: a promise-based API with the vocabulary of the Java `ZooKeeper` class.
 * @module
 */
import { EventEmitter } from 'node:events';
import type tls from 'node:tls';
import { AddWatchMode, CreateMode, ErrorCode, EventType, KeeperState, OpCode, WatcherType } from '../protocol/constants.js';
import { encodeMulti, readMultiResults } from '../protocol/multi.js';
import { encodeMultiRead, readMultiReadResults } from '../protocol/multi-read.js';
import { NameList } from '../protocol/name-list.js';
import type { Reader } from '../protocol/reader.js';
import { OPEN_ACL_UNSAFE, readStat, type ACL, type Stat } from '../protocol/records.js';
import * as req from '../protocol/requests.js';
import * as res from '../protocol/responses.js';
import { realClock, type Clock } from './clock.js';
import { parseConnectString, type HostPort } from './connect-string.js';
import { AuthFailedError, BadArgumentsError, ConnectionLossError, SessionExpiredError, ZooKeeperError, badInput, errorFromCode } from './errors.js';
import { Chroot, validatePath } from './path.js';
import { digestMd5, type DigestMd5Options } from './sasl/digest-md5.js';
import type { SaslMechanism } from './sasl/mechanism.js';
import { Session } from './session.js';
import { dialTcp } from './tcp-dialer.js';
import type { Dialer } from './transport.js';
import { Transaction, multiError, toClientResult, toMultiOp, type Op, type OpResult } from './transaction.js';
import { NewerOps } from './newer-ops.js';
import { checkACL, checkModeAndTTL, checkVersion, isSequential, toBytes, type Data } from './validate.js';
import type { WatchedEvent, Watcher } from './watches.js';

/** Options of {@link ZooKeeper.connect}. */
export interface ZooKeeperOptions {
  /** Requested session timeout in ms (the server clamps it to 2–20 × tickTime). Default 30000. */
  sessionTimeout?: number;
  /** How long `connect()` waits for the first connection before failing, in ms. Default 15000. */
  connectTimeout?: number;
  /** Default watcher: receives every connection-state event as `{type: EventType.None, state}`. */
  watcher?: Watcher;
  /** Connect with TLS (ZooKeeper's `secureClientPort`); `true` uses Node's default CAs. */
  tls?: tls.ConnectionOptions | true;
  /** Accept read-only servers (partitioned servers with `readonlymode.enabled`). Default false. */
  canBeReadOnly?: boolean;
  /** Largest reply accepted, in bytes (the client's `jute.maxbuffer`). Default 4 MiB. */
  maxFrameSize?: number;
  /** Try hosts in a random order (spreads clients over an ensemble). Default true. */
  shuffleHosts?: boolean;
  /** Resume an existing session (with its `sessionPassword`) instead of creating a new one. */
  sessionId?: bigint;
  /** The 16-byte password of the session given in `sessionId`. */
  sessionPassword?: Uint8Array;
  /**
   * Opens the byte stream to each server. Default {@link dialTcp}: TCP, or TLS with `tls`.
   * Give another to run over a proxy, a tunnel, or an in-memory stream (the fake server).
   */
  transport?: Dialer;
  /**
   * Every timer and timestamp of the client (pings, read timeout, local expiry, connect and
   * handshake timeouts, reconnect backoff). Default {@link realClock}; tests drive a manual one.
   */
  clock?: Clock;
  /**
   * Aborts `connect()` while it is connecting: it stops dialing, closes what it opened and
   * rejects with `signal.reason` (a DOMException named AbortError unless given another).
   * Aborting after `connect()` resolved does nothing: use `close()`.
   */
  signal?: AbortSignal;
  /**
   * SASL authentication, run on every new connection (reconnects and new sessions too) before
   * any request: `{ mechanism: 'DIGEST-MD5', username, password }` (ZooKeeper's
   * `DigestLoginModule` users), or any {@link SaslMechanism}. A refusal finishes the client as
   * `AuthFailed` with the reason (no reconnect loop); the session then has the id `sasl:<user>`.
   */
  sasl?: SaslOption;
  /**
   * With `tls`: check that the server's certificate names the host connected to (or
   * `tls.servername`). Default true. Turn it off only for test ensembles reached by an address
   * their certificates do not list; the chain of trust is still checked.
   */
  verifyHostname?: boolean;
  /**
   * Credentials added before the first request, as {@link ZooKeeper.addAuthInfo} would (e.g.
   * `[{ scheme: 'digest', auth: 'user:password' }]`); re-sent after every reconnect. A refusal
   * finishes the client as `AuthFailed`.
   */
  authInfo?: ReadonlyArray<{ scheme: string; auth: string | Uint8Array }>;
}

/** The {@link ZooKeeperOptions.sasl} option: DIGEST-MD5 credentials or a mechanism of your own. */
export type SaslOption = SaslMechanism | ({ mechanism: 'DIGEST-MD5' } & DigestMd5Options);

/** One read of {@link ZooKeeper.multiRead}. */
export type ReadOp = { op: 'getData'; path: string } | { op: 'getChildren'; path: string };

/** One result of {@link ZooKeeper.multiRead}, in the order of the ops. */
export type ReadResult = { type: 'getData'; data: Buffer | null; stat: Stat } | { type: 'getChildren'; children: string[] } | { type: 'error'; code: number };

/** One identity of {@link ZooKeeper.whoAmI}: the scheme (`ip`, `sasl`, `digest`, `super`) and the user. */
export interface ClientInfo {
  scheme: string;
  user: string;
}

/** Options of {@link ZooKeeper.create}. */
export interface CreateOptions {
  /** Default `CreateMode.PERSISTENT`. */
  mode?: CreateMode;
  /** Default `OPEN_ACL_UNSAFE` (world:anyone, all permissions). */
  acl?: readonly ACL[];
  /** Time to live in ms, for the TTL modes only (the server needs `extendedTypesEnabled`). */
  ttl?: number;
}

/** Events of a {@link ZooKeeper} client. */
export interface ZooKeeperEvents {
  /** The connection/session state changed; `reason` says why for losses. */
  state: [state: KeeperState, reason?: string];
  /** A watcher or listener threw; without a listener such errors become process warnings. */
  error: [error: unknown];
}

/** Frames over this payload size are refused before sending: the server would drop the connection. */
const SERVER_MAX_REQUEST = 0xfffff;
const CLOSE_FRAME = () => req.requestWriter(OpCode.closeSession, 0).finish();
/** The states after which the client can never be used again (see {@link ZooKeeper.closed}). */
const TERMINAL = new Set([KeeperState.Closed, KeeperState.Expired, KeeperState.AuthFailed]);

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * A ZooKeeper client holding one session. Create it with {@link ZooKeeper.connect}.
 * Every operation returns a promise that rejects with a {@link ZooKeeperError} subclass.
 * Requests are pipelined: calls made without awaiting are sent at once and answered in order.
 */
export class ZooKeeper extends EventEmitter<ZooKeeperEvents> {
  private readonly chroot: Chroot;
  private readonly session: Session;
  private currentState: KeeperState = KeeperState.Disconnected;
  private readonly newerOps = new NewerOps();
  /**
   * The clock of this client's timers and timestamps ({@link ZooKeeper.lastHeardAt} is on it):
   * recipes that time leadership use it too, so a test's clock drives them all.
   */
  readonly clock: Clock;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;

  private constructor(
    readonly connectString: string,
    hosts: HostPort[],
    chroot: string,
    private readonly options: ZooKeeperOptions,
  ) {
    super();
    this.chroot = new Chroot(chroot);
    this.clock = options.clock ?? realClock;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.session = new Session({
      hosts,
      chroot: this.chroot,
      sessionTimeoutMs: options.sessionTimeout ?? 30000,
      canBeReadOnly: options.canBeReadOnly ?? false,
      tls: tlsOptions(options),
      maxFrame: options.maxFrameSize ?? 4 * 1024 * 1024,
      dial: options.transport ?? dialTcp,
      clock: this.clock,
      sasl: saslMechanism(options.sasl),
      sessionId: options.sessionId,
      sessionPassword: options.sessionPassword,
      onState: (state, reason) => this.onState(state, reason),
      onCallbackError: (err) => this.reportCallbackError(err),
    });
  }

  /**
   * Connects to an ensemble and resolves once the session is established.
   * `connectString` is `host:port[,host:port...][/chroot]`.
   * Blocks until connected, `connectTimeout` passes, or `options.signal` aborts.
   * @throws BadArgumentsError for a malformed connect string or options (nothing is sent);
   *   ConnectionLossError naming the servers and the last socket error when none answered in time;
   *   SessionExpiredError when resuming a session that no longer exists; AuthFailedError with
   *   the reason when the server refuses the `sasl` credentials or requires SASL;
   *   `options.signal.reason` when the signal aborts first (at once, dialing nothing, if it
   *   already has). On every failure the attempt's streams and timers are gone when it rejects.
   */
  static async connect(connectString: string, options: ZooKeeperOptions = {}): Promise<ZooKeeper> {
    const { hosts, chroot } = parseConnectString(connectString);
    checkOptions(options);
    options.signal?.throwIfAborted();
    const zk = new ZooKeeper(connectString, options.shuffleHosts === false ? hosts : shuffled(hosts), chroot, options);
    for (const { scheme, auth } of options.authInfo ?? []) void zk.addAuthInfo(scheme, auth).catch(() => undefined); // a refusal finishes the session, which connect reports
    zk.session.start();
    const timeout = options.connectTimeout ?? 15000;
    try {
      await zk.waitUntilConnected(timeout, options.signal);
    } catch (err) {
      await zk.close();
      throw err;
    }
    return zk;
  }

  private waitUntilConnected(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.clock.clearTimeout(timer);
        this.off('state', onState);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer = this.clock.setTimeout(() => {
        done();
        const where = this.connectString.split('/')[0];
        const last = this.session.lastError ? ` (last error: ${this.session.lastError})` : '';
        reject(new ConnectionLossError(undefined, `could not connect to ZooKeeper at ${where} within ${timeoutMs} ms${last}. Is the server running and reachable?`));
      }, timeoutMs);
      const onState = (state: KeeperState) => {
        if (state === KeeperState.SyncConnected || state === KeeperState.ConnectedReadOnly) {
          done();
          resolve();
        } else if (this.session.isFinished) {
          done();
          const why = this.session.lastError ? `: ${this.session.lastError}` : '';
          reject(state === KeeperState.Expired ? new SessionExpiredError(undefined, `ZooKeeper session expired${why}`) : new AuthFailedError(undefined, `ZooKeeper authentication failed${why}`));
        }
      };
      const onAbort = () => (done(), reject(signal!.reason));
      this.on('state', onState);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ---- state ----------------------------------------------------------------------------

  /** The current connection/session state (see {@link KeeperState} for what each means). */
  get state(): KeeperState {
    return this.currentState;
  }

  /** The session id (a 64-bit bigint); 0n before the first connection. */
  get sessionId(): bigint {
    return this.session.sessionId;
  }

  /** The session id as 16 hex digits, as ZooKeeper's logs print it. */
  get sessionIdHex(): string {
    return sessionIdHex(this.session.sessionId);
  }

  /** The session password (16 bytes), to resume the session from another client. */
  get sessionPassword(): Buffer {
    return Buffer.from(this.session.password);
  }

  /** The session timeout granted by the server, in ms. */
  get sessionTimeout(): number {
    return this.session.negotiatedTimeoutMs;
  }

  /**
   * When a server last answered this client (any reply, ping answers included), in ms on the
   * client's {@link Clock} (`performance.now()` by default). The server cannot expire the session
   * before `lastHeardAt + sessionTimeout` minus the reply's transit time: a deadline for leader-only
   * work that must stop before a successor can be elected (`zk-elect run`). Never blocks.
   */
  get lastHeardAt(): number {
    return this.session.lastHeardAt;
  }

  /** The server currently connected to, as `host:port`, or undefined while disconnected. */
  get connectedServer(): string | undefined {
    const h = this.session.connectedTo;
    return h ? `${h.host}:${h.port}` : undefined;
  }

  /**
   * Resolves when the client is connected (at once if it is). Blocks across reconnects.
   * @throws the session's terminal error (expired, closed, auth failed), or an AbortError.
   */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.session.isConnected) return Promise.resolve();
    if (this.session.isFinished) return Promise.reject(this.terminalError());
    return new Promise((resolve, reject) => {
      const done = () => {
        this.off('state', onState);
        signal?.removeEventListener('abort', onAbort);
      };
      const onState = () => {
        if (this.session.isConnected) (done(), resolve());
        else if (this.session.isFinished) (done(), reject(this.terminalError()));
      };
      const onAbort = () => (done(), reject(signal!.reason));
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.on('state', onState);
    });
  }

  private terminalError(): ZooKeeperError {
    const code = this.currentState === KeeperState.Expired ? ErrorCode.SESSIONEXPIRED : this.currentState === KeeperState.AuthFailed ? ErrorCode.AUTHFAILED : ErrorCode.CLOSING;
    return errorFromCode(code);
  }

  /**
   * Resolves once the client is finished for good: closed by {@link ZooKeeper.close}, expired,
   * or failed authentication (the `Closed`, `Expired` and `AuthFailed` states, after which
   * every call rejects). It resolves after that state's `state` event was emitted, at once if
   * that happened already. A `Disconnected` client is not finished: it is reconnecting.
   * Never rejects.
   */
  closed(): Promise<void> {
    return this.ended;
  }

  private onState(state: KeeperState, reason?: string): void {
    this.currentState = state;
    // Through the same microtask queue as watch events, so the order between them holds.
    queueMicrotask(() => {
      // Resolved first, in case a listener throws; its reactions still run after the emit.
      if (TERMINAL.has(state)) this.markEnded();
      this.emit('state', state, reason);
      const w = this.options.watcher;
      if (w) this.session.deliver(w, { type: EventType.None, state });
    });
  }

  private reportCallbackError(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else process.emitWarning(`zk-elect: a ZooKeeper watcher threw: ${(err as Error)?.stack ?? String(err)}`);
  }

  // ---- plumbing -------------------------------------------------------------------------

  private send<T>(frame: Buffer, decode: (err: number, r: Reader) => T): Promise<T> {
    if (frame.length - 4 > SERVER_MAX_REQUEST) {
      return Promise.reject(
        badInput(`request of ${frame.length - 4} bytes exceeds the server's 1 MB limit (jute.maxbuffer = ${SERVER_MAX_REQUEST} bytes); it would drop the connection`),
      );
    }
    return this.session.submit(frame, decode);
  }

  /**
   * {@link send} for an operation newer than 3.5 (see newer-ops.ts): refused locally once a
   * server refused it, and an UNIMPLEMENTED reply names the release it needs.
   */
  private sendNewer<T>(op: OpCode, path: string | undefined, frame: Buffer, decode: (err: number, r: Reader) => T): Promise<T> {
    const refused = this.newerOps.refusal(op, path);
    if (refused) return Promise.reject(refused);
    return this.send(frame, (err, r) => {
      const unimplemented = this.newerOps.onReply(op, err, path);
      if (unimplemented) throw unimplemented;
      return decode(err, r);
    });
  }

  private path(path: string, sequential = false): string {
    validatePath(path, sequential);
    return this.chroot.toServer(path);
  }

  // ---- operations -----------------------------------------------------------------------

  /**
   * Creates a node and resolves with its actual path (with the sequence suffix for sequential
   * modes). @throws NodeExistsError, NoNodeError (parent missing), NoChildrenForEphemeralsError,
   * InvalidACLError, NoAuthError, UnimplementedError (TTL disabled), BadArgumentsError.
   */
  async create(path: string, data?: Data, options: CreateOptions = {}): Promise<string> {
    return (await this.createNode(path, data, options, false)).path;
  }

  /** Like {@link ZooKeeper.create}, and also resolves with the new node's Stat (create2). */
  async createWithStat(path: string, data?: Data, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    return (await this.createNode(path, data, options, true)) as { path: string; stat: Stat };
  }

  private createNode(path: string, data: Data, options: CreateOptions, withStat: boolean) {
    const { mode, ttl } = checkModeAndTTL(options.mode ?? CreateMode.PERSISTENT, options.ttl);
    const server = this.path(path, isSequential(mode));
    const acl = checkACL(options.acl ?? OPEN_ACL_UNSAFE);
    const bytes = toBytes(data);
    const op = mode === CreateMode.CONTAINER ? OpCode.createContainer : ttl !== undefined ? OpCode.createTTL : withStat ? OpCode.create2 : OpCode.create;
    const w = req.requestWriter(op, 32 + server.length + (bytes?.length ?? 0));
    const frame = req.writeCreate(w, server, bytes, acl, mode, ttl).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      if (op === OpCode.create) return { path: this.chroot.toClient(r.string()) };
      const out = res.readCreate2(r);
      return { path: this.chroot.toClient(out.path), stat: out.stat };
    });
  }

  /**
   * Resolves with the node's Stat, or `null` when it does not exist. With a watcher, it fires
   * once on NodeCreated (if missing), or NodeDataChanged / NodeDeleted (if present).
   */
  async exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    const frame = req.writePathWatch(req.requestWriter(OpCode.exists, path.length + 8), this.path(path), !!watcher).finish();
    return this.send(frame, (err, r) => {
      if (err === 0) {
        if (watcher) this.session.watches.add('data', path, watcher);
        return readStat(r);
      }
      if (err === ErrorCode.NONODE) {
        // The server registered a creation watch even though the node is missing.
        if (watcher) this.session.watches.add('exist', path, watcher);
        return null;
      }
      throw errorFromCode(err, path);
    });
  }

  /**
   * Resolves with the node's data (`null` if created without data) and Stat. A watcher fires
   * once on NodeDataChanged or NodeDeleted. @throws NoNodeError, NoAuthError.
   */
  async getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: Stat }> {
    const frame = req.writePathWatch(req.requestWriter(OpCode.getData, path.length + 8), this.path(path), !!watcher).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      if (watcher) this.session.watches.add('data', path, watcher);
      return res.readGetData(r);
    });
  }

  /**
   * Replaces the node's data if its version matches (`-1` = any) and resolves with the new
   * Stat. @throws NoNodeError, BadVersionError, NoAuthError, BadArgumentsError (over 1 MB).
   */
  async setData(path: string, data: Data, version = -1): Promise<Stat> {
    const bytes = toBytes(data);
    const w = req.requestWriter(OpCode.setData, 16 + path.length + (bytes?.length ?? 0));
    const frame = req.writeSetData(w, this.path(path), bytes, checkVersion(version)).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      return readStat(r);
    });
  }

  /**
   * Resolves with the names (not paths) of the node's children, in no particular order.
   * A watcher fires once on NodeChildrenChanged or NodeDeleted. @throws NoNodeError, NoAuthError.
   */
  async getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    return this.children(path, watcher, res.readStrings);
  }

  /**
   * Like {@link ZooKeeper.getChildren}, resolving with a {@link NameList}: the names kept as
   * the reply's bytes and decoded one at a time on demand, for a listing of thousands read for
   * a few of its names (an election's round reads the leader and the predecessor).
   * @throws NoNodeError, NoAuthError.
   */
  async listChildren(path: string, watcher?: Watcher): Promise<NameList> {
    return this.children(path, watcher, NameList.read);
  }

  private children<T>(path: string, watcher: Watcher | undefined, decode: (r: Reader) => T): Promise<T> {
    const frame = req.writePathWatch(req.requestWriter(OpCode.getChildren, path.length + 8), this.path(path), !!watcher).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      if (watcher) this.session.watches.add('child', path, watcher);
      return decode(r);
    });
  }

  /** Like {@link ZooKeeper.getChildren}, and also resolves with the node's Stat. */
  async getChildrenWithStat(path: string, watcher?: Watcher): Promise<{ children: string[]; stat: Stat }> {
    const frame = req.writePathWatch(req.requestWriter(OpCode.getChildren2, path.length + 8), this.path(path), !!watcher).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      if (watcher) this.session.watches.add('child', path, watcher);
      return res.readGetChildren2(r);
    });
  }

  /**
   * Deletes the node if its version matches (`-1` = any). `/` is never deleted, with a chroot
   * neither: as the Java client does, `/` is sent as it is, for the server to refuse, rather
   * than as the chroot node.
   * @throws NoNodeError, BadVersionError, NotEmptyError, NoAuthError, BadArgumentsError (`/`).
   */
  async delete(path: string, version = -1): Promise<void> {
    const server = path === '/' ? path : this.path(path);
    const frame = req.writePathVersion(req.requestWriter(OpCode.delete, path.length + 8), server, checkVersion(version)).finish();
    return this.send(frame, (err) => {
      if (err !== 0) throw errorFromCode(err, path);
    });
  }

  /** Waits until the connected server has caught up with the leader (for read-after-write). */
  async sync(path = '/'): Promise<void> {
    const frame = req.requestWriter(OpCode.sync, path.length + 4).string(this.path(path)).finish();
    return this.send(frame, (err) => {
      if (err !== 0) throw errorFromCode(err, path);
    });
  }

  /** Resolves with the node's ACL and Stat. @throws NoNodeError, NoAuthError. */
  async getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    const frame = req.requestWriter(OpCode.getACL, path.length + 4).string(this.path(path)).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      return res.readGetACL(r);
    });
  }

  /**
   * Replaces the node's ACL if its ACL version matches (`-1` = any); resolves with the new Stat.
   * @throws NoNodeError, BadVersionError, NoAuthError (needs ADMIN), InvalidACLError.
   */
  async setACL(path: string, acl: readonly ACL[], version = -1): Promise<Stat> {
    const frame = req.writeSetACL(req.requestWriter(OpCode.setACL, 64 + path.length), this.path(path), checkACL(acl), checkVersion(version)).finish();
    return this.send(frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      return readStat(r);
    });
  }

  /**
   * Adds credentials to the session, e.g. `addAuthInfo('digest', 'user:password')`. They are
   * re-sent after every reconnect. Resolves when the server accepts them.
   * @throws AuthFailedError (the server then drops the session: the client is finished).
   */
  async addAuthInfo(scheme: string, auth: string | Uint8Array): Promise<void> {
    if (typeof scheme !== 'string' || scheme === '') throw badInput('auth scheme must be a non-empty string, e.g. "digest"');
    const bytes = Buffer.from(toBytes(auth) ?? new Uint8Array());
    // Checked here too: credentials are re-sent after every reconnect, so an oversized one
    // would make the server drop every connection, forever.
    if (bytes.length + scheme.length + 20 > SERVER_MAX_REQUEST) throw badInput(`credentials of ${bytes.length} bytes exceed the server's 1 MB request limit`);
    return this.session.addAuth(scheme, bytes);
  }

  /**
   * Runs create / delete / setData / check operations atomically. Resolves with one result per
   * op. @throws the first failing op's error (e.g. NoNodeError) with `results` (per-op results,
   * `{type: 'error', code}` for each) and `opIndex` (the failing op) attached.
   */
  async multi(ops: readonly Op[]): Promise<OpResult[]> {
    if (!Array.isArray(ops)) throw badInput('multi needs an array of ops');
    if (ops.length === 0) return [];
    const serverOps = ops.map((o) => toMultiOp(o, (p, seq) => this.path(p, seq)));
    const paths = ops.map((o) => o.path);
    return this.send(encodeMulti(serverOps), (err, r) => {
      if (err !== 0) throw errorFromCode(err);
      const results = readMultiResults(r).map((x) => toClientResult(x, this.chroot));
      const failed = results.findIndex((x) => x.type === 'error' && x.code !== 0);
      if (failed >= 0) throw multiError(results, failed, paths[failed]);
      return results;
    });
  }

  /** Starts a transaction builder; `commit()` runs it with {@link ZooKeeper.multi}. */
  transaction(): Transaction {
    return new Transaction((ops) => this.multi(ops));
  }

  /**
   * Resolves with the paths of this session's ephemeral nodes whose path starts with `prefix`
   * (a plain string prefix, relative to the chroot).
   * @throws UnimplementedError (with `requiredVersion` 3.6.0) on a 3.5 server, which then also
   *   drops the connection; after that this client refuses the call without sending it.
   */
  async getEphemerals(prefix = '/'): Promise<string[]> {
    if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw badInput(`prefix must start with "/": ${String(prefix)}`);
    const server = this.chroot.root ? this.chroot.root + (prefix === '/' ? '' : prefix) : prefix;
    const frame = req.requestWriter(OpCode.getEphemerals, server.length + 4).string(server).finish();
    return this.sendNewer(OpCode.getEphemerals, prefix, frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, prefix);
      return res.readStrings(r).map((p) => this.chroot.toClient(p));
    });
  }

  /**
   * Reads several nodes in one round trip (ZooKeeper 3.6+). Each op succeeds or fails on its
   * own, as the server runs them: a missing node is `{ type: 'error', code: ErrorCode.NONODE }`
   * in its place while the other results stay valid. No watches are set.
   * @throws BadArgumentsError for a bad path; UnimplementedError on a 3.5 server, as for
   *   {@link getEphemerals}.
   */
  async multiRead(ops: readonly ReadOp[]): Promise<ReadResult[]> {
    if (!Array.isArray(ops)) throw badInput('multiRead needs an array of ops');
    if (ops.length === 0) return [];
    const wire = ops.map((o) => {
      if (o?.op !== 'getData' && o?.op !== 'getChildren') throw badInput(`multiRead: unknown op ${String((o as { op?: unknown })?.op)} (getData or getChildren)`);
      return { op: o.op, path: this.path(o.path) };
    });
    return this.sendNewer(OpCode.multiRead, ops[0]!.path, encodeMultiRead(wire), (err, r) => {
      if (err !== 0) throw errorFromCode(err);
      return readMultiReadResults(r).map((x): ReadResult => (x.op === 'error' ? { type: 'error', code: x.err } : x.op === 'getData' ? { type: 'getData', data: x.data, stat: x.stat } : { type: 'getChildren', children: x.children }));
    });
  }

  /**
   * The identities the server holds for this connection (ZooKeeper 3.7+): always `ip`, plus
   * `sasl` after SASL, `digest` after `addAuthInfo('digest', ...)`, `super` for a superuser.
   * @throws UnimplementedError (with `requiredVersion` 3.7.0) on an older server.
   */
  async whoAmI(): Promise<ClientInfo[]> {
    const frame = req.requestWriter(OpCode.whoAmI, 0).finish();
    return this.sendNewer(OpCode.whoAmI, undefined, frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err);
      return r.vector((x): ClientInfo => ({ scheme: x.string(), user: x.string() }));
    });
  }

  /**
   * Resolves with the number of all descendants of a node (recursive).
   * @throws NoNodeError; UnimplementedError on a 3.5 server, as for {@link getEphemerals}.
   */
  async getAllChildrenNumber(path: string): Promise<number> {
    const frame = req.requestWriter(OpCode.getAllChildrenNumber, path.length + 4).string(this.path(path)).finish();
    return this.sendNewer(OpCode.getAllChildrenNumber, path, frame, (err, r) => {
      if (err !== 0) throw errorFromCode(err, path);
      return r.int();
    });
  }

  /**
   * Adds a persistent watch (3.6+): it fires for every change and is not removed when it
   * fires. PERSISTENT watches the node's data and children; PERSISTENT_RECURSIVE watches the
   * node and every descendant (never NodeChildrenChanged). Changes made while disconnected
   * are not replayed: re-read the state after reconnecting.
   * @throws UnimplementedError on a 3.5 server, as for {@link getEphemerals}.
   */
  async addWatch(path: string, watcher: Watcher, mode: AddWatchMode = AddWatchMode.PERSISTENT): Promise<void> {
    if (typeof watcher !== 'function') throw badInput('addWatch needs a watcher function');
    if (mode !== AddWatchMode.PERSISTENT && mode !== AddWatchMode.PERSISTENT_RECURSIVE) throw badInput(`unknown addWatch mode ${String(mode)}`);
    const frame = req.writePathInt(req.requestWriter(OpCode.addWatch, path.length + 8), this.path(path), mode).finish();
    return this.sendNewer(OpCode.addWatch, path, frame, (err) => {
      if (err !== 0) throw errorFromCode(err, path);
      this.session.watches.add(mode === AddWatchMode.PERSISTENT ? 'persistent' : 'persistentRecursive', path, watcher);
    });
  }

  /**
   * Removes watches of `type` on `path` (all of them, or only `watcher`). Removed watchers are
   * told with DataWatchRemoved / ChildWatchRemoved / PersistentWatchRemoved. The server's entry
   * is removed once no local watcher needs it.
   * @throws NoWatcherError when no such watch exists.
   */
  async removeWatches(path: string, type: WatcherType = WatcherType.Any, watcher?: Watcher): Promise<void> {
    validatePath(path);
    if (WatcherType[type] === undefined) throw badInput(`unknown watcher type ${String(type)}`);
    const removed = this.session.watches.remove(path, type, watcher);
    if (removed.length === 0) throw errorFromCode(ErrorCode.NOWATCHER, path);
    const stillWatched = (['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const).some((k) => this.session.watches.has(k, path));
    if (!stillWatched) {
      // Servers before 3.9 know only Children/Data/Any; Any removes persistent entries there too.
      const wire = type === WatcherType.Persistent || type === WatcherType.PersistentRecursive ? WatcherType.Any : type;
      const frame = req.writePathInt(req.requestWriter(OpCode.removeWatches, path.length + 8), this.path(path), wire).finish();
      await this.send(frame, (err) => {
        if (err !== 0 && err !== ErrorCode.NOWATCHER) throw errorFromCode(err, path);
      });
    }
    for (const [w, ev] of removed) this.session.deliver(w, { type: ev, state: this.currentState, path });
  }

  /**
   * Closes the session: the server deletes its ephemeral nodes at once and other clients'
   * watches fire. Waits up to `timeoutMs` for the server's reply. Idempotent; never rejects.
   * Every outstanding watcher is told `{type: None, state: Closed}`.
   */
  close(timeoutMs = 5000): Promise<void> {
    return this.session.close(CLOSE_FRAME(), timeoutMs);
  }

  /** `await using zk = await ZooKeeper.connect(...)` closes the client at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function checkOptions(o: ZooKeeperOptions): void {
  const positive = (name: string, v: unknown) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      throw new BadArgumentsError(undefined, `option ${name} must be a positive number of ms, got ${String(v)}`);
    }
  };
  positive('sessionTimeout', o.sessionTimeout);
  positive('connectTimeout', o.connectTimeout);
  positive('maxFrameSize', o.maxFrameSize);
  if (o.sessionId !== undefined && typeof o.sessionId !== 'bigint') throw badInput('option sessionId must be a bigint');
  if (o.sessionId !== undefined && o.sessionPassword?.length !== 16) throw badInput('option sessionPassword must be the 16-byte session password');
  if (o.watcher !== undefined && typeof o.watcher !== 'function') throw badInput('option watcher must be a function');
  if (o.transport !== undefined && typeof o.transport !== 'function') throw badInput('option transport must be a dialer function');
  if (o.clock !== undefined && typeof o.clock?.setTimeout !== 'function') throw badInput('option clock must be a Clock (now, setTimeout, clearTimeout, setInterval, clearInterval)');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw badInput('option signal must be an AbortSignal');
  if (o.authInfo !== undefined && (!Array.isArray(o.authInfo) || o.authInfo.some((a) => typeof a?.scheme !== 'string' || a.scheme === ''))) throw badInput('option authInfo must be a list of { scheme, auth }');
  if (o.sasl !== undefined) {
    const m = (o.sasl as { mechanism?: unknown }).mechanism;
    if (m !== undefined && m !== 'DIGEST-MD5') throw badInput(`option sasl: mechanism ${String(m)} is not supported (DIGEST-MD5 is, or pass a SaslMechanism)`);
    if (m === undefined && typeof (o.sasl as SaslMechanism).exchange !== 'function') throw badInput("option sasl must be { mechanism: 'DIGEST-MD5', username, password } or a SaslMechanism");
  }
}

/** The TLS options of the sockets: `tls` with hostname checks off when `verifyHostname` is false. */
function tlsOptions(o: ZooKeeperOptions): tls.ConnectionOptions | undefined {
  if (!o.tls) return undefined;
  const base = o.tls === true ? {} : o.tls;
  return o.verifyHostname === false ? { ...base, checkServerIdentity: () => undefined } : base;
}

/** The mechanism of a {@link SaslOption}. @throws BadArgumentsError for bad DIGEST-MD5 credentials. */
function saslMechanism(option: SaslOption | undefined): SaslMechanism | undefined {
  if (option === undefined || !('mechanism' in option)) return option;
  try {
    return digestMd5(option);
  } catch (err) {
    throw badInput(`option ${(err as Error).message}`);
  }
}

export type { WatchedEvent, Watcher };

/** Formats a session id as ZooKeeper's logs do: `0x` and 16 hex digits. Never throws. */
export function sessionIdHex(id: bigint): string {
  return '0x' + id.toString(16).padStart(16, '0');
}
