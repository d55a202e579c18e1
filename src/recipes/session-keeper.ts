/**
 * Keeps a process in a live ZooKeeper session: when the current client's session expires, a
 * new client (a new session) is connected in its place and announced, so recipes can re-join.
 * What it hands out is a client ({@link SessionKeeper.client}); a session is the server's
 * (an id and a timeout) and ends for good at expiry. Like etcd's `concurrency.Session`, one
 * SessionKeeper is shared by the recipes of one process.
 * @module
 */
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { ClientClosedError, KeeperState, ZooKeeper, type ZooKeeperOptions } from '../client/index.js';
import { emitBackgroundError } from './errors.js';

/** Events of a {@link SessionKeeper}. */
export interface SessionKeeperEvents {
  /** A new session replaced an expired one; `client` is the new client. */
  session: [client: ZooKeeper];
  /** The current client's state changed (Disconnected, SyncConnected, Expired, Closed...). */
  state: [state: KeeperState, reason?: string];
  /** Replacing an expired session failed once; it is retried with backoff. */
  error: [error: unknown];
}

const MAX_RETRY_MS = 2000;
/** One shared abort reason: nothing reads its stack. */
const SESSION_CLOSED = new Error('SessionKeeper closed');

/** Keeps one live ZooKeeper session, replacing it after expiry until closed. */
export class SessionKeeper extends EventEmitter<SessionKeeperEvents> {
  private current: ZooKeeper;
  private closeRequested = false;
  private replacing: Promise<void> | undefined;
  private readonly closing = new AbortController();
  /** Options for replacement sessions: close() aborts them (the caller's `signal` was for the first connect only). */
  private readonly options: ZooKeeperOptions;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;

  private constructor(
    private readonly connectString: string,
    options: ZooKeeperOptions,
    first: ZooKeeper,
  ) {
    super();
    this.options = { ...options, signal: this.closing.signal };
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.current = first;
    this.watch(first);
  }

  /**
   * Connects the first session. Blocks until connected (`options.signal` aborts this first
   * connect only; replacements stop when the session is closed).
   * @throws as {@link ZooKeeper.connect} (bad connect string, unreachable servers, the abort reason).
   */
  static async open(connectString: string, options: ZooKeeperOptions = {}): Promise<SessionKeeper> {
    const zk = await ZooKeeper.connect(connectString, options);
    return new SessionKeeper(connectString, options, zk);
  }

  /** The current client. It changes after an expiry: read it again after `session` events. */
  get client(): ZooKeeper {
    return this.current;
  }

  /** True after {@link SessionKeeper.close}. */
  get isClosed(): boolean {
    return this.closeRequested;
  }

  private watch(zk: ZooKeeper): void {
    zk.on('state', (state, reason) => {
      if (zk !== this.current) return;
      this.emit('state', state, reason);
      if (state === KeeperState.Expired && !this.closeRequested) this.replacing ??= this.replace();
    });
    zk.on('error', (err) => emitBackgroundError(this, err, 'watcher'));
  }

  private async replace(): Promise<void> {
    for (let attempt = 0; !this.closeRequested; attempt++) {
      try {
        const zk = await ZooKeeper.connect(this.connectString, this.options);
        if (this.closeRequested) {
          await zk.close();
          return;
        }
        this.current = zk;
        this.watch(zk);
        this.replacing = undefined;
        this.emit('session', zk);
        this.emit('state', zk.state);
        return;
      } catch (err) {
        if (this.closeRequested) return; // close() aborted the connect: not a failure
        emitBackgroundError(this, err, 'reconnecting after session expiry');
        await delay(Math.min(MAX_RETRY_MS, 100 * 2 ** attempt), undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Resolves when the current session is connected, waiting through reconnects and through
   * the replacement of an expired session. @throws ClientClosedError once closed; the abort reason.
   */
  async whenConnected(signal?: AbortSignal): Promise<ZooKeeper> {
    for (;;) {
      if (this.closeRequested) throw new ClientClosedError();
      signal?.throwIfAborted();
      const zk = this.current;
      try {
        await zk.whenConnected(signal);
        return zk;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        // Expired: wait for the replacement session, then try again.
        void err;
        await new Promise<void>((resolve) => {
          const done = () => (this.off('session', done), this.closing.signal.removeEventListener('abort', done), resolve());
          this.once('session', done);
          this.closing.signal.addEventListener('abort', done, { once: true });
        });
      }
    }
  }

  /**
   * Closes the current session (its ephemeral nodes go at once) and stops replacing it: a
   * replacement being connected is aborted. Resolves once both are done. Never rejects.
   */
  async close(): Promise<void> {
    this.closeRequested = true;
    // closeSession goes on the wire first: the successor's failover waits on it, and abort()
    // builds an exception with a stack (about 0.1 ms) that need not delay it.
    const closed = this.current.close();
    this.closing.abort(SESSION_CLOSED);
    await Promise.all([closed, this.replacing]);
    this.markEnded();
  }

  /** Same as {@link SessionKeeper.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Resolves once {@link SessionKeeper.close} has finished: the last client is closed and no
   * replacement will come. An expiry does not count, since the session is replaced; at once if
   * already closed. Never rejects.
   */
  closed(): Promise<void> {
    return this.ended;
  }
}
