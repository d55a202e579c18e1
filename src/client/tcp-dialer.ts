/**
 * The default {@link Dialer}: a TCP socket, or a TLS socket when TLS options are given.
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Dialer, Transport } from './transport.js';

/**
 * Connects with `node:net` (or `node:tls`, sending the host name as SNI `servername` unless the
 * host is an IP address), with Nagle off: requests are already batched per tick. Resolves once
 * connected (and the TLS handshake is done).
 * @throws the socket's error (ECONNREFUSED, TLS failures), or the signal's reason on abort.
 */
export const dialTcp: Dialer = ({ host, port }, { tls: tlsOptions, signal }) =>
  new Promise<Transport>((resolve, reject) => {
    signal.throwIfAborted();
    const socket = tlsOptions ? tls.connect({ servername: net.isIP(host) ? undefined : host, ...tlsOptions, host, port }) : net.connect({ host, port });
    socket.setNoDelay(true);
    const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    const settle = () => {
      signal.removeEventListener('abort', abort);
      socket.off('error', fail);
    };
    const fail = (err: Error) => (settle(), reject(err));
    socket.once('error', fail);
    socket.once(tlsOptions ? 'secureConnect' : 'connect', () => (settle(), resolve(socket)));
    signal.addEventListener('abort', abort, { once: true });
  });
