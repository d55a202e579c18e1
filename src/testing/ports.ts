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
  const held = await holdFreePorts(count);
  await held.release();
  return held.ports;
}

/** Ports held open by {@link holdFreePorts} until `release()`. */
export interface HeldPorts {
  readonly ports: number[];
  /** Closes them, for the servers that are to bind them. Resolves when closed. */
  release(): Promise<void>;
}

/**
 * Like {@link getFreePorts}, but keeps the ports bound until `release()`: whatever else
 * listens on port 0 meanwhile (the harness's own proxies) cannot be given one of them, which
 * it would be once they are closed (a server's "address in use", seen in the fresh-clone CI).
 *
 * @throws {Error} if the ports cannot be bound on 127.0.0.1 (none is left open then).
 */
export async function holdFreePorts(count: number): Promise<HeldPorts> {
  const servers: net.Server[] = [];
  const release = () => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() => undefined);
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnAnyPort());
  } catch (error) {
    await release();
    throw error;
  }
  return { ports: servers.map((s) => (s.address() as net.AddressInfo).port), release };
}

function listenOnAnyPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(server));
  });
}
