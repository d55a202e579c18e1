/**
 * One transport connection to one server: a {@link Transport} opened by a {@link Dialer}, frame
 * reassembly, and batched writes. Knows nothing of sessions or xids; the session layer drives it.
 * @module
 */
import type tls from 'node:tls';
import { FrameDecoder } from '../protocol/framer.js';
import type { Clock } from './clock.js';
import type { HostPort } from './connect-string.js';
import type { Dialer, Transport } from './transport.js';

/** Callbacks a connection reports to. */
export interface ConnectionHandlers {
  /** A whole frame's payload (without the length prefix). */
  onFrame(payload: Buffer): void;
  /** The stream closed (`error` says why, when it was not a clean close we asked for). */
  onClose(error?: Error): void;
}

/** Options for opening a connection. */
export interface ConnectionOptions {
  /** Opens the byte stream. */
  dial: Dialer;
  /** Times the connect timeout and stamps {@link Connection.lastReceived} / `lastSent`. */
  clock: Clock;
  /** TLS options, handed to the dialer (ZooKeeper's `secureClientPort`). */
  tls?: tls.ConnectionOptions;
  /** Largest frame accepted from the server. */
  maxFrame: number;
  /** Milliseconds allowed for establishing the stream (TCP and TLS). */
  connectTimeoutMs: number;
  /** Gives up the attempt when aborted (the session finished meanwhile). */
  signal?: AbortSignal;
}

/** A live stream to one server. */
export class Connection {
  /** `clock.now()` of the last byte received (partial frames count). */
  lastReceived: number;
  /** `clock.now()` of the last frame written. */
  lastSent: number;
  /** `clock.now()` of the last chunk that completed a frame (see {@link Connection.partialBytes}). */
  lastFrame: number;
  private readonly decoder: FrameDecoder;
  private corked = false;
  private closed = false;
  private handlers: ConnectionHandlers | null = null;

  private constructor(
    readonly address: HostPort,
    private readonly stream: Transport,
    maxFrame: number,
    private readonly clock: Clock,
  ) {
    this.decoder = new FrameDecoder(maxFrame);
    this.lastReceived = this.lastSent = this.lastFrame = clock.now();
    this.wire();
  }

  /**
   * Opens a stream to `address` through `opts.dial`. Resolves once connected (and the TLS
   * handshake is done).
   * @throws the dialer's error (ECONNREFUSED, TLS failures), a timeout Error after
   *   `connectTimeoutMs`, or `opts.signal`'s reason once it aborts.
   */
  static async open(address: HostPort, opts: ConnectionOptions): Promise<Connection> {
    const stream = await dialBounded(address, opts);
    return new Connection(address, stream, opts.maxFrame, opts.clock);
  }

  private wire(): void {
    const s = this.stream;
    s.on('data', (chunk: Buffer) => {
      const now = (this.lastReceived = this.clock.now());
      let whole = false;
      try {
        // Once condemned (a protocol error in an earlier frame of this chunk), the stream is out
        // of sync: the frames after it are not to be trusted, so none is handed on.
        this.decoder.push(chunk, (payload) => {
          whole = true;
          if (!this.closed) this.handlers?.onFrame(payload);
        });
        if (whole) this.lastFrame = now;
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

  /** Bytes held of a frame not complete yet (0 between frames). */
  get partialBytes(): number {
    return this.decoder.buffered;
  }

  /** True once the stream is closed or closing. */
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
      this.lastSent = this.clock.now(); // once per batch: the ping timer needs no finer grain
      this.stream.cork();
      process.nextTick(() => this.flush());
    }
    this.stream.write(frame);
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
    this.stream.uncork();
  }

  /** Closes the stream; `onClose` is then called with `error` (if given). Idempotent. */
  destroy(error?: Error): void {
    if (this.closed && this.stream.destroyed) return;
    this.closed = true;
    this.stream.destroy(error);
  }
}

/**
 * Runs the dialer under the connect timeout (on the client's clock) and `opts.signal`. The
 * race, not only the dialer's own handling of the signal, is what bounds the wait: a dialer
 * that ignores the signal still cannot hold the session up, and its late stream is destroyed.
 */
async function dialBounded(address: HostPort, opts: ConnectionOptions): Promise<Transport> {
  opts.signal?.throwIfAborted();
  const { host, port } = address;
  const attempt = new AbortController();
  const stop = () => attempt.abort(opts.signal!.reason);
  opts.signal?.addEventListener('abort', stop, { once: true });
  const timer = opts.clock.setTimeout(() => attempt.abort(new Error(`timed out after ${opts.connectTimeoutMs} ms connecting to ${host}:${port}`)), opts.connectTimeoutMs);
  const aborted = new Promise<never>((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason), { once: true }));
  try {
    const dialing = opts.dial(address, { tls: opts.tls, signal: attempt.signal });
    dialing.then(
      (stream) => attempt.signal.aborted && stream.destroy(),
      () => undefined, // reported through the race below
    );
    return await Promise.race([dialing, aborted]);
  } finally {
    opts.clock.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  }
}
