/**
 * The transport seam: the client reads and writes bytes through a {@link Transport} that a
 * {@link Dialer} opens, so it can run over TCP/TLS (the default, {@link dialTcp}), or over
 * anything else that carries a byte stream: an in-memory pair in tests, a proxy, a tunnel.
 * @module
 */
import type tls from 'node:tls';
import type { HostPort } from './connect-string.js';

/**
 * A connected, duplex byte stream to one server: the subset of `net.Socket` (and of any Node
 * `Duplex`) the client uses. Events: `data` for received bytes in order, `error` before a close
 * that was not asked for, and `close` exactly once when the stream is gone for good.
 */
export interface Transport {
  /** Queues bytes for sending; never blocks (the return value, backpressure, is ignored). */
  write(chunk: Uint8Array): unknown;
  /** Buffers writes until {@link Transport.uncork}, so a tick's frames go out as one write. */
  cork(): void;
  /** Sends what was buffered since {@link Transport.cork}. */
  uncork(): void;
  /** Closes the stream at once (emitting `error` first if `error` is given), then `close`. */
  destroy(error?: Error): unknown;
  /** True once {@link Transport.destroy} was called or the stream closed. */
  readonly destroyed: boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** What a {@link Dialer} is given besides the address. */
export interface DialOptions {
  /** TLS options, when the client was configured for TLS (ZooKeeper's `secureClientPort`). */
  tls?: tls.ConnectionOptions;
  /**
   * Aborted when the connect timeout passes or the client gives up (closed, or the signal of
   * `connect` aborted); its `reason` says which. The dialer should then release what it
   * opened and reject. A stream delivered after the abort is destroyed by the client.
   */
  signal: AbortSignal;
}

/**
 * Opens a {@link Transport} to one server. Resolves once the stream is connected and ready for
 * the handshake (for TLS: after the TLS handshake).
 * @throws (rejects with) whatever stopped the connection: a socket error, a TLS failure, or the
 *   signal's reason when it aborted. The client then tries the next server.
 */
export type Dialer = (address: HostPort, options: DialOptions) => Promise<Transport>;
