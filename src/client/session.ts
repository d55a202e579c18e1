/**
 * The session layer: one ZooKeeper session carried over successive connections. It performs the
 * handshake, matches replies to requests, pings, notices dead connections, reconnects to the next
 * host with the same session id and password, replays credentials and watches, and decides when
 * the session is lost (the server says so, or no server was reachable for the whole timeout).
 * @module
 */
import type tls from 'node:tls';
import { ErrorCode, EventType, KeeperState, MAX_XID, Xid } from '../protocol/constants.js';
import { decodeConnectResponse, encodeConnectRequest } from '../protocol/handshake.js';
import { Reader } from '../protocol/reader.js';
import { readWatcherEvent } from '../protocol/records.js';
import { batchWatchLists, encodeAuth, encodePing, encodeSetWatches, patchXid } from '../protocol/requests.js';
import type { Clock, TimerHandle } from './clock.js';
import type { HostPort } from './connect-string.js';
import { Connection } from './connection.js';
import { AuthFailedError, ClientClosedError, ConnectionLossError, SessionExpiredError, ZooKeeperError, errorFromCode } from './errors.js';
import type { Chroot } from './path.js';
import { Fifo, completeRequest, type PendingRequest } from './pending.js';
import type { Dialer } from './transport.js';
import { fourLetterWord } from './four-letter.js';
import { WatchTables, type WatchedEvent, type Watcher } from './watches.js';
import { SaslRefusedError, authenticate } from './sasl/exchange.js';
import type { SaslMechanism } from './sasl/mechanism.js';

/** Settings of a session. */
export interface SessionConfig {
  hosts: HostPort[];
  chroot: Chroot;
  sessionTimeoutMs: number;
  canBeReadOnly: boolean;
  tls?: tls.ConnectionOptions;
  maxFrame: number;
  /** Opens each connection's byte stream. */
  dial: Dialer;
  /** Every timer and timestamp of the session. */
  clock: Clock;
  /** Authenticate every new connection with this SASL mechanism before anything else is sent. */
  sasl?: SaslMechanism;
  /** Resume an existing session instead of creating one. */
  sessionId?: bigint;
  sessionPassword?: Uint8Array;
  /** Called for every connection-state change, in order with watch events. */
  onState: (state: KeeperState, reason?: string) => void;
  /** Called when a user callback throws (it must not break the session). */
  onCallbackError: (err: unknown) => void;
}

type Phase = 'connecting' | 'connected' | 'closing' | 'closed' | 'expired' | 'authfailed';

interface Credential {
  scheme: string;
  auth: Buffer;
  waiter?: { resolve: () => void; reject: (e: ZooKeeperError) => void };
}

const PING = encodePing();
/** OpenSSL's and Node's codes for a certificate the client does not trust or that names another host. */
const CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED', 'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const isCertificateError = (err: unknown) => CERTIFICATE_ERRORS.has((err as NodeJS.ErrnoException)?.code ?? '');
const MAX_BACKOFF_MS = 1000;
/** One shared abort reason for a dial cut short by finish(): nothing reads its stack. */
const DIAL_ABANDONED = new Error('the session finished during the connect attempt');

/** A ZooKeeper session. Create it, call {@link Session.start}, then submit requests. */
export class Session {
  /** Every outstanding watch of this session. */
  readonly watches = new WatchTables();
  sessionId = 0n;
  password: Buffer = Buffer.alloc(16);
  /** The timeout the server granted, in ms (the requested one until the first handshake). */
  negotiatedTimeoutMs: number;
  /** Highest zxid seen in a normal reply; sent on reconnect so no server takes us back in time. */
  lastZxid = 0n;
  /** The server of the current connection, if connected. */
  connectedTo: HostPort | undefined;
  /** Why the session ended or the last connect attempt failed. */
  lastError: string | undefined;

  private phase: Phase = 'connecting';
  private conn: Connection | null = null;
  private attemptConn: Connection | null = null;
  private readonly inflight = new Fifo<PendingRequest>();
  private readonly queued = new Fifo<PendingRequest>();
  private authInflight: Credential[] = [];
  private readonly credentials: Credential[] = [];
  private xid = 1;
  private hostIndex = 0;
  private lastHeard: number;
  private pingTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  /** Aborted when the session finishes, so a dial in progress stops at once. */
  private readonly finished = new AbortController();
  private wake: (() => void) | undefined;
  /**
   * Whether a read-write server has accepted this session. Until one has, a session got from a
   * read-only server is only valid there: reconnect with a new one, as the Java client does.
   */
  private seenReadWrite: boolean;
  /** A SASL exchange of this session succeeded once: the server is known to do SASL. */
  private saslWorked = false;
  /** The next `isro` probe of {@link searchReadWrite}; cleared when the connection goes. */
  private rwProbeTimer: TimerHandle | undefined;
  private closePromise: Promise<void> | undefined;

  constructor(private readonly cfg: SessionConfig) {
    this.negotiatedTimeoutMs = cfg.sessionTimeoutMs;
    this.lastHeard = cfg.clock.now();
    this.seenReadWrite = cfg.sessionId !== undefined;
    if (cfg.sessionId !== undefined) {
      this.sessionId = cfg.sessionId;
      this.password = Buffer.from(cfg.sessionPassword ?? Buffer.alloc(16));
    }
  }

  /** Starts connecting in the background; state changes are reported through `onState`. */
  start(): void {
    void this.connectLoop();
  }

  /**
   * When a server last sent this session anything (a reply, a ping's answer, a notification),
   * on the clock's scale: the live connection's last receipt, else that of the one lost last.
   */
  get lastHeardAt(): number {
    return this.conn?.lastReceived ?? this.lastHeard;
  }

  /**
   * Requests not answered yet: in flight on the connection, queued for the next one, and auth
   * packets awaiting their reply. 0 once every call has settled (a diagnostic, for tests).
   */
  get pendingCount(): number {
    return this.inflight.length + this.queued.length + this.authInflight.length;
  }

  /** True while a connection is up and requests flow. */
  get isConnected(): boolean {
    return this.phase === 'connected';
  }

  /** True once the session can never be used again (closed, expired, auth failed). */
  get isFinished(): boolean {
    return this.phase === 'closed' || this.phase === 'expired' || this.phase === 'authfailed';
  }

  /**
   * Sends a request (now, or after reconnecting) and resolves with `decode`'s result.
   * Rejects with ConnectionLossError if the connection drops first (outcome unknown), and with
   * SessionExpired / ClientClosed / AuthFailed errors once the session is finished.
   */
  submit<T>(frame: Buffer, decode: (err: number, r: Reader) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p: PendingRequest = { xid: 0, frame, decode, resolve, reject };
      if (this.phase === 'connected') this.send(p);
      else if (this.phase === 'connecting') this.queued.push(p);
      else reject(this.finishedError());
    });
  }

  /**
   * Adds credentials (e.g. digest `user:pass`) to this session; they are re-sent after every
   * reconnect. Resolves when the server accepts them. @throws AuthFailedError (client finished).
   */
  addAuth(scheme: string, auth: Buffer): Promise<void> {
    if (this.isFinished || this.phase === 'closing') return Promise.reject(this.finishedError());
    return new Promise((resolve, reject) => {
      const cred: Credential = { scheme, auth, waiter: { resolve, reject } };
      this.credentials.push(cred);
      if (this.conn && this.phase === 'connected') this.sendAuth(cred);
    });
  }

  private takeXid(): number {
    const xid = this.xid;
    this.xid = xid >= MAX_XID ? 1 : xid + 1;
    return xid;
  }

  private send(p: PendingRequest): void {
    p.xid = this.takeXid();
    patchXid(p.frame, p.xid);
    this.inflight.push(p);
    this.conn!.write(p.frame);
  }

  private sendAuth(cred: Credential): void {
    this.authInflight.push(cred);
    this.conn!.write(encodeAuth(cred.scheme, cred.auth));
  }

  // ---- connecting -------------------------------------------------------------------------

  private async connectLoop(): Promise<void> {
    let passes = 0;
    while (this.phase === 'connecting') {
      let untrusted = 0;
      for (let i = 0; i < this.cfg.hosts.length && this.phase === 'connecting'; i++) {
        const host = this.cfg.hosts[this.hostIndex];
        this.hostIndex = (this.hostIndex + 1) % this.cfg.hosts.length;
        try {
          if (await this.attempt(host)) return;
        } catch (err) {
          // After finish() the reason it gave stays; the dial it aborted says nothing new.
          if (this.phase === 'connecting') this.lastError = `${host.host}:${host.port}: ${(err as Error).message}`;
          if (isCertificateError(err)) untrusted++;
        }
      }
      if (this.phase !== 'connecting') return;
      // No server's certificate is trusted: retrying until the timeout would not change that.
      if (untrusted === this.cfg.hosts.length) return this.finish('authfailed', KeeperState.AuthFailed, `TLS: ${this.lastError} (trust the servers' CA with tls.ca; for a host the certificate does not name, verifyHostname: false)`);
      // A full pass failed: requests made meanwhile fail now rather than wait indefinitely.
      this.failQueue(this.queued, () => new ConnectionLossError(undefined, `no ZooKeeper server reachable (last error: ${this.lastError})`));
      passes++;
      await this.sleep(Math.min(MAX_BACKOFF_MS, 25 * 2 ** passes));
    }
  }

  /** One connect + handshake to `host`. Returns true when connected. @throws on failure. */
  private async attempt(host: HostPort): Promise<boolean> {
    const timeout = Math.max(500, Math.floor(this.negotiatedTimeoutMs / this.cfg.hosts.length));
    const { dial, clock, tls, maxFrame } = this.cfg;
    const conn = await Connection.open(host, { dial, clock, tls, maxFrame, connectTimeoutMs: timeout, signal: this.finished.signal });
    if (this.phase !== 'connecting') {
      conn.destroy();
      return false;
    }
    this.attemptConn = conn;
    try {
      const resp = await this.handshake(conn, timeout);
      if (this.phase !== 'connecting') {
        conn.destroy();
        return false;
      }
      if (resp.timeoutMs <= 0) {
        conn.destroy();
        this.expire('the server reports the session expired');
        return false;
      }
      this.sessionId = resp.sessionId;
      this.password = resp.password;
      this.negotiatedTimeoutMs = resp.timeoutMs;
      if (this.cfg.sasl && !(await this.authenticate(conn, this.cfg.sasl, timeout))) return false;
      this.onConnected(conn, host, resp.readOnly);
      return true;
    } finally {
      this.attemptConn = null;
    }
  }

  /** Sends the ConnectRequest and waits for the ConnectResponse, writing nothing else meanwhile. */
  private handshake(conn: Connection, timeoutMs: number) {
    return new Promise<ReturnType<typeof decodeConnectResponse>>((resolve, reject) => {
      const timer = this.cfg.clock.setTimeout(() => conn.destroy(new Error(`no handshake reply within ${timeoutMs} ms`)), timeoutMs);
      conn.attach({
        onFrame: (payload) => {
          this.cfg.clock.clearTimeout(timer);
          try {
            resolve(decodeConnectResponse(payload));
          } catch (err) {
            conn.destroy();
            reject(err);
          }
        },
        onClose: (err) => {
          this.cfg.clock.clearTimeout(timer);
          // A close without a reply is not an expiry: e.g. the server is behind our lastZxid.
          reject(err ?? new Error('server closed the connection during the handshake'));
        },
      });
      conn.write(
        encodeConnectRequest({
          lastZxidSeen: this.lastZxid,
          timeoutMs: this.cfg.sessionTimeoutMs,
          sessionId: this.seenReadWrite ? this.sessionId : 0n,
          password: this.seenReadWrite ? this.password : Buffer.alloc(16),
          readOnly: this.cfg.canBeReadOnly,
        }),
      );
    });
  }

  /**
   * Runs the SASL exchange on a new connection. Returns false when the session should not go
   * on: the server refused (the session is finished as AuthFailed: a retry would fail the same
   * way) or it finished meanwhile. @throws on a dropped connection or a timeout (retried).
   */
  private async authenticate(conn: Connection, mechanism: SaslMechanism, timeoutMs: number): Promise<boolean> {
    try {
      await authenticate(mechanism, { conn, clock: this.cfg.clock, timeoutMs, nextXid: () => this.takeXid() });
      this.saslWorked = true;
    } catch (err) {
      if (!(err instanceof SaslRefusedError)) throw err;
      // The same credentials worked for this session before: a refusal now is most likely a
      // server still starting (it can answer before its SASL server is ready), so retry as for
      // a dropped connection. The session timeout bounds it (then expiry ends the session).
      if (this.saslWorked) throw new Error(err.message);
      conn.destroy();
      this.finish('authfailed', KeeperState.AuthFailed, `SASL: ${err.message}`);
      return false;
    }
    if (this.phase === 'connecting') return true;
    conn.destroy();
    return false;
  }

  private onConnected(conn: Connection, host: HostPort, readOnly: boolean): void {
    this.conn = conn;
    this.connectedTo = host;
    this.phase = 'connected';
    this.lastError = undefined;
    this.cfg.clock.clearTimeout(this.expiryTimer);
    conn.attach({ onFrame: (f) => this.handleFrame(f), onClose: (err) => this.onConnectionLost(conn, err) });
    this.startPing(conn);
    if (readOnly) void this.searchReadWrite(conn);
    else this.seenReadWrite = true;
    this.cfg.onState(readOnly ? KeeperState.ConnectedReadOnly : KeeperState.SyncConnected);
    // Java's order: credentials, then watches, then requests queued while disconnected.
    for (const cred of this.credentials) this.sendAuth(cred);
    this.replayWatches();
    for (const p of this.queued.drain()) this.send(p);
  }

  /**
   * While connected to a read-only server, asks the other servers with `isro` whether they
   * serve read-write again (backing off from 100 ms to 60 s, as the Java client does) and moves
   * to the first that does: it drops the read-only connection and dials that server next.
   */
  private async searchReadWrite(conn: Connection): Promise<void> {
    const clock = this.cfg.clock;
    for (let delay = 100; this.conn === conn; delay = Math.min(delay * 2, 60_000)) {
      await new Promise<void>((resolve) => (this.rwProbeTimer = clock.setTimeout(resolve, delay)));
      for (let i = 0; i < this.cfg.hosts.length && this.conn === conn; i++) {
        const host = this.cfg.hosts[i]!;
        if (host === this.connectedTo) continue;
        const answer = await fourLetterWord(host.host, host.port, 'isro', { timeoutMs: 1000, tls: this.cfg.tls }).catch(() => '');
        if (answer.trim() !== 'rw' || this.conn !== conn) continue;
        this.hostIndex = i;
        conn.destroy(new Error(`moving to ${host.host}:${host.port}, which serves read-write`));
        return;
      }
    }
  }

  private replayWatches(): void {
    for (const lists of batchWatchLists(this.watches.lists(this.cfg.chroot))) {
      this.submit(encodeSetWatches(this.lastZxid, lists), (err) => {
        if (err !== 0) throw errorFromCode(err);
      }).catch((err: ZooKeeperError) => {
        // Watches that were not re-registered would never fire: treat it as a broken connection.
        if (err.code !== ErrorCode.CONNECTIONLOSS && !this.isFinished) this.conn?.destroy(new Error(`SetWatches failed: ${err.message}`));
      });
    }
  }

  private startPing(conn: Connection): void {
    const clock = this.cfg.clock;
    clock.clearInterval(this.pingTimer);
    const t = this.negotiatedTimeoutMs;
    const readTimeout = (t * 2) / 3;
    const pingEvery = readTimeout / 2;
    this.pingTimer = clock.setInterval(() => {
      const now = clock.now();
      if (now - conn.lastReceived >= readTimeout) {
        conn.destroy(new Error(`no reply from the server for ${Math.round(readTimeout)} ms`));
      } else if (conn.partialBytes > 0 && now - conn.lastFrame >= t) {
        // Bytes of an incomplete frame count as traffic above (a large reply on a slow link is
        // no dead server), but not for ever: stray bytes make us misread a length, and then the
        // only bytes to come are the ping answers that frame swallows, never completing it.
        conn.destroy(new Error(`no whole frame from the server for ${t} ms (${conn.partialBytes} bytes of one held): the stream is out of sync`));
      } else if (now - conn.lastSent >= pingEvery) {
        conn.write(PING);
      }
    }, Math.max(10, Math.floor(t / 15)));
  }

  // ---- receiving --------------------------------------------------------------------------

  private handleFrame(payload: Buffer): void {
    const r = new Reader(payload);
    const xid = r.int();
    const zxid = r.long();
    const err = r.int();
    if (err === ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH) return this.saslRequired();
    if (xid === Xid.notification) return this.handleNotification(r);
    if (xid === Xid.ping) return;
    if (xid === Xid.auth) return this.handleAuthReply(err);
    const p = this.inflight.shift();
    if (!p || p.xid !== xid) {
      if (p) p.reject(new ConnectionLossError(undefined, `reply out of order (expected xid ${p.xid}, got ${xid})`));
      this.conn?.destroy(new Error(`protocol error: reply xid ${xid} does not match the next request`));
      return;
    }
    if (zxid > 0n) this.lastZxid = zxid;
    if (!completeRequest(p, err, r)) this.conn?.destroy(new Error('malformed reply from the server'));
  }

  private handleNotification(r: Reader): void {
    const ev = readWatcherEvent(r);
    const path = this.cfg.chroot.toClient(ev.path);
    const event: WatchedEvent = { type: ev.type as EventType, state: KeeperState.SyncConnected, path };
    for (const w of this.watches.triggered(ev.type, path)) this.deliver(w, event);
  }

  private handleAuthReply(err: number): void {
    const cred = this.authInflight.shift();
    if (err === 0) {
      cred?.waiter?.resolve();
      if (cred) cred.waiter = undefined;
      return;
    }
    cred?.waiter?.reject(new AuthFailedError(undefined, `authentication failed for scheme "${cred.scheme}"`));
    this.finish('authfailed', KeeperState.AuthFailed, 'the server rejected the credentials');
  }

  /**
   * The server requires SASL (`sessionRequireClientSASLAuth`, `enforce.auth.enabled`) and this
   * client did not authenticate: every request is refused and the session closed, so fail now
   * rather than reconnect in a loop.
   */
  private saslRequired(): void {
    const why = this.cfg.sasl ? "the server requires SASL and refused this client's requests after authentication" : 'the server requires SASL authentication; connect with the sasl option (e.g. DIGEST-MD5 user and password)';
    this.finish('authfailed', KeeperState.AuthFailed, why);
  }

  /** Calls a watcher after the current reply's promise reactions, in event order. */
  deliver(w: Watcher, event: WatchedEvent): void {
    queueMicrotask(() => {
      try {
        w(event);
      } catch (err) {
        this.cfg.onCallbackError(err);
      }
    });
  }

  // ---- losing the connection or the session ------------------------------------------------

  private onConnectionLost(conn: Connection, err?: Error): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.connectedTo = undefined;
    this.cfg.clock.clearInterval(this.pingTimer);
    this.cfg.clock.clearTimeout(this.rwProbeTimer); // its search ends with this connection
    this.lastHeard = conn.lastReceived;
    this.lastError = err?.message ?? 'connection closed by the server';
    this.authInflight = [];
    this.failQueue(this.inflight, () => new ConnectionLossError(undefined, `connection to ZooKeeper lost: ${this.lastError}`));
    if (this.phase === 'closing') return;
    if (this.phase !== 'connected') return;
    this.phase = 'connecting';
    this.cfg.onState(KeeperState.Disconnected, this.lastError);
    this.armExpiryTimer();
    void this.connectLoop();
  }

  /**
   * The server expires a session once it has heard nothing for the timeout; if no server has
   * heard from us for that long we must assume it did, so a partitioned leader learns it lost
   * its ephemeral nodes instead of waiting forever.
   */
  private armExpiryTimer(): void {
    const clock = this.cfg.clock;
    clock.clearTimeout(this.expiryTimer);
    const left = this.negotiatedTimeoutMs - (clock.now() - this.lastHeard);
    this.expiryTimer = clock.setTimeout(() => {
      if (this.phase === 'connecting') {
        this.expire(`no ZooKeeper server reachable for the session timeout (${this.negotiatedTimeoutMs} ms)`);
      }
    }, Math.max(0, left));
  }

  private expire(reason: string): void {
    this.finish('expired', KeeperState.Expired, reason);
  }

  /** Ends the session for good: fails everything, tells every watcher, reports the state. */
  private finish(phase: Phase, state: KeeperState, reason: string): void {
    if (this.isFinished) return;
    this.phase = phase;
    this.lastError = reason;
    this.cfg.clock.clearInterval(this.pingTimer);
    this.cfg.clock.clearTimeout(this.expiryTimer);
    this.cfg.clock.clearTimeout(this.rwProbeTimer);
    this.wake?.();
    this.finished.abort(DIAL_ABANDONED);
    this.attemptConn?.destroy();
    const conn = this.conn;
    this.conn = null;
    this.connectedTo = undefined;
    conn?.destroy();
    const errorOf = () => this.finishedError();
    this.failQueue(this.inflight, errorOf);
    this.failQueue(this.queued, errorOf);
    for (const cred of this.credentials) cred.waiter?.reject(errorOf());
    this.cfg.onState(state, reason);
    const event: WatchedEvent = { type: EventType.None, state };
    for (const w of this.watches.drain()) this.deliver(w, event);
  }

  private finishedError(): ZooKeeperError {
    const why = this.lastError ? `: ${this.lastError}` : '';
    if (this.phase === 'expired') return new SessionExpiredError(undefined, `ZooKeeper session expired${why}`);
    if (this.phase === 'authfailed') return new AuthFailedError(undefined, `ZooKeeper authentication failed${why}`);
    return new ClientClosedError();
  }

  private failQueue(q: Fifo<PendingRequest>, error: () => ZooKeeperError): void {
    for (const p of q.drain()) p.reject(error());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const clock = this.cfg.clock;
      const t = clock.setTimeout(done, ms);
      function done() {
        clock.clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * Closes the session: sends closeSession and waits (bounded) for the reply, so the server
   * deletes this session's ephemeral nodes at once. Idempotent; never rejects.
   */
  close(closeFrame: Buffer, waitMs: number): Promise<void> {
    this.closePromise ??= this.doClose(closeFrame, waitMs);
    return this.closePromise;
  }

  private async doClose(closeFrame: Buffer, waitMs: number): Promise<void> {
    if (this.isFinished) return;
    if (this.phase === 'connected' && this.conn) {
      const conn = this.conn;
      const reply = this.submit(closeFrame, () => undefined).catch(() => undefined);
      conn.flush(); // on the wire before the caller's abort and close listeners run
      this.phase = 'closing';
      let timer: TimerHandle | undefined;
      const gone = new Promise<void>((resolve) => {
        timer = this.cfg.clock.setTimeout(resolve, waitMs);
        conn.attach({ onFrame: (f) => this.handleFrame(f), onClose: (err) => (this.onConnectionLost(conn, err), resolve()) });
      });
      await Promise.race([reply, gone]);
      this.cfg.clock.clearTimeout(timer);
      // The reply and the successor's notification (another session in this process, often)
      // come in the same poll: tearing down after that poll lets the notification go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.finish('closed', KeeperState.Closed, 'closed by the application');
  }
}
