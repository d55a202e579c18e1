/**
 * One transport connection to one server: a TCP or TLS socket, frame reassembly, and batched
 * writes. Knows nothing of sessions or xids; the session layer drives it.
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import { FrameDecoder } from '../protocol/framer.js';
import type { HostPort } from './connect-string.js';

/** Callbacks a connection reports to. */
export interface ConnectionHandlers {
  /** A whole frame's payload (without the length prefix). */
  onFrame(payload: Buffer): void;
  /** The socket closed (`error` says why, when it was not a clean close we asked for). */
  onClose(error?: Error): void;
}

/** Options for opening a connection. */
export interface ConnectionOptions {
  /** TLS options; when set the socket is a TLS socket (ZooKeeper's `secureClientPort`). */
  tls?: tls.ConnectionOptions;
  /** Largest frame accepted from the server. */
  maxFrame: number;
  /** Milliseconds allowed for TCP (and TLS) establishment. */
  connectTimeoutMs: number;
}

/** A live socket to one server. */
export class Connection {
  /** `performance.now()` of the last byte received (partial frames count). */
  lastReceived = performance.now();
  /** `performance.now()` of the last frame written. */
  lastSent = performance.now();
  private socket!: net.Socket;
  private readonly decoder: FrameDecoder;
  private corked = false;
  private closed = false;
  private handlers: ConnectionHandlers | null = null;

  private constructor(
    readonly address: HostPort,
    maxFrame: number,
  ) {
    this.decoder = new FrameDecoder(maxFrame);
  }

  /**
   * Opens a socket to `address`. Resolves once connected (and the TLS handshake is done).
   * @throws Error (from the socket: ECONNREFUSED, TLS failures) or a timeout Error.
   */
  static open(address: HostPort, opts: ConnectionOptions): Promise<Connection> {
    const conn = new Connection(address, opts.maxFrame);
    return conn.start(opts).then(() => conn);
  }

  private start(opts: ConnectionOptions): Promise<void> {
    const { host, port } = this.address;
    return new Promise((resolve, reject) => {
      const ready = opts.tls ? 'secureConnect' : 'connect';
      const socket = opts.tls
        ? tls.connect({ servername: net.isIP(host) ? undefined : host, ...opts.tls, host, port })
        : net.connect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy(new Error(`timed out after ${opts.connectTimeoutMs} ms connecting to ${host}:${port}`));
      }, opts.connectTimeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.closed = true;
        reject(err);
      };
      socket.once('error', fail);
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.off('error', fail);
        this.wire();
        resolve();
      });
    });
  }

  private wire(): void {
    const s = this.socket;
    s.on('data', (chunk: Buffer) => {
      this.lastReceived = performance.now();
      try {
        this.decoder.push(chunk, (payload) => this.handlers?.onFrame(payload));
      } catch (err) {
        this.destroy(err as Error);
      }
    });
    let error: Error | undefined;
    s.on('error', (err) => (error = err));
    s.on('close', () => {
      this.closed = true;
      const h = this.handlers;
      this.handlers = null;
      h?.onClose(error);
    });
  }

  /** Routes frames and close events to `handlers` (set once, right after open). */
  attach(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
  }

  /** True once the socket is closed or closing. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Queues a frame. Writes made in the same tick are corked into one syscall (writev), which is
   * what makes a pipeline of thousands of requests cheap.
   */
  write(frame: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.lastSent = performance.now(); // once per batch: the ping timer needs no finer grain
      this.socket.cork();
      process.nextTick(() => this.flush());
    }
    this.socket.write(frame);
  }

  /**
   * Sends what {@link Connection.write} has queued in this tick now instead of at the end of
   * the tick: for a frame whose latency matters more than batching (closeSession, whose
   * delivery starts every successor's failover, while the closing side still has listeners
   * to run).
   */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  /** Closes the socket; `onClose` is then called with `error` (if given). Idempotent. */
  destroy(error?: Error): void {
    if (this.closed && this.socket.destroyed) return;
    this.closed = true;
    this.socket.destroy(error);
  }
}
