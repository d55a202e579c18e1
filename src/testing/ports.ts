/**
 * Loopback addresses and free TCP ports for the harness's servers.
 * @module
 */
import net from 'node:net';

/** Loopback only: tests must never expose a server to the network. */
export const HOST = '127.0.0.1';

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; we close it
 * again). Another process could grab it before the server binds it; that is rare with
 * ephemeral ports and shows up as a clear "address in use" in the server log.
 * Blocks for one listen and close on loopback.
 *
 * @throws {Error} if no port can be bound on 127.0.0.1.
 */
export async function getFreePort(): Promise<number> {
  const [port] = await getFreePorts(1);
  return port as number;
}

/**
 * Like {@link getFreePort} for `count` ports, guaranteed distinct (all are held open together).
 *
 * @throws {Error} if the ports cannot be bound on 127.0.0.1.
 */
export async function getFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnAnyPort());
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function listenOnAnyPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(server));
  });
}
