/**
 * The server-to-server links of a test quorum as {@link TcpProxy} instances, one per ordered
 * pair of servers and per port (quorum and election), so a test can cut or slow each link.
 * @module
 */
import { HOST } from './ports.js';
import { TcpProxy, type OpeningRewrite } from './proxy.js';
import type { PeerSpec } from './server.js';

/** The two ports a server listens on for other servers: `quorum` (followers to the leader) and `election`. */
export type PeerPort = 'quorum' | 'election';

const PEER_PORTS: readonly PeerPort[] = ['quorum', 'election'];

/**
 * A new leader opens its quorum port a moment after it decided to lead, and its followers dial
 * at once. Without a proxy they would be refused and retry the connect; through one, their
 * connect would succeed and then close, which a follower takes for a failed leader and starts
 * another election (seconds lost, up to initLimit). So the proxies redial for this long (well
 * below initLimit, 10 ticks) before giving up on a target.
 */
const PEER_CONNECT_RETRY_MS = 1000;

/**
 * A proxy for every connection one server opens to another. Each server is told (in its own
 * zoo.cfg, see {@link PeerLinks.viewOf}) that every other server lives at a proxy, so whatever
 * it sends another server crosses that pair's proxy. ZooKeeper 3.5+ servers keep their
 * configs apart as long as dynamic reconfiguration is off (the default), so these different
 * views are never merged.
 */
export class PeerLinks {
  readonly #proxies: Map<string, TcpProxy>;
  readonly #peers: readonly PeerSpec[];

  private constructor(peers: readonly PeerSpec[], proxies: Map<string, TcpProxy>) {
    this.#peers = peers;
    this.#proxies = proxies;
  }

  /**
   * Starts the proxies between `peers` (their targets need not be up yet). Resolves once all
   * listen. @throws the listen error (every proxy started is closed again).
   */
  static async start(peers: readonly PeerSpec[]): Promise<PeerLinks> {
    const proxies = new Map<string, TcpProxy>();
    const links = new PeerLinks(peers, proxies);
    try {
      for (const from of peers) {
        for (const to of peers) {
          if (from === to) continue;
          for (const port of PEER_PORTS) {
            // Looked up when a connection opens, by which time every proxy exists.
            const back = () => links.link(to.myid, from.myid, 'election').connectString;
            const target = { host: HOST, port: port === 'quorum' ? to.quorumPort : to.electionPort };
            proxies.set(key(from.myid, to.myid, port), await TcpProxy.start(target, { connectRetryMs: PEER_CONNECT_RETRY_MS, ...(port === 'election' ? { rewriteOpening: electionHello(back) } : {}) }));
          }
        }
      }
    } catch (err) {
      await links.close();
      throw err;
    }
    return links;
  }

  /** The `server.N` entries server `id` gets: its own real ports, every other server's proxies. */
  viewOf(id: number): PeerSpec[] {
    return this.#peers.map((peer) =>
      peer.myid === id
        ? peer
        : { myid: peer.myid, quorumPort: this.link(id, peer.myid, 'quorum').port, electionPort: this.link(id, peer.myid, 'election').port },
    );
  }

  /**
   * The proxy carrying the connections server `from` opens to server `to`'s `port`.
   * @throws {RangeError} if there is no such pair (same id twice, or an unknown id).
   */
  link(from: number, to: number, port: PeerPort): TcpProxy {
    const proxy = this.#proxies.get(key(from, to, port));
    if (!proxy) throw new RangeError(`no link from server ${from} to server ${to}`);
    return proxy;
  }

  /** Silences every link between servers `a` and `b`, both ways, both ports (blackholes, no resets). */
  cut(a: number, b: number): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const port of PEER_PORTS) this.link(from, to, port).blackhole();
    }
  }

  /** Clears every fault on every link (see {@link TcpProxy.heal}); resolves once all are healed. */
  async heal(): Promise<void> {
    await Promise.all([...this.#proxies.values()].map((p) => p.heal()));
  }

  /** Closes every proxy, destroying its connections. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.#proxies.values()].map((p) => p.close()));
  }
}

function key(from: number, to: number, port: PeerPort): string {
  return `${from}>${to}:${port}`;
}

/** Longest address list a hello may carry here; ZooKeeper's own cap (maxBuffer) is larger, real ones are short. */
const MAX_HELLO_ADDRESS = 4096;

/**
 * Rewrites the first message a server sends on an election connection, where it announces its
 * own election address: protocol version (int64, -65536 or -65535), server id (int64), the
 * address's length (int32) and `host:port`. The receiver may drop the connection and dial back
 * that address (when the caller's id is the lower one), which would bypass every proxy; so the
 * address becomes `address()`, the proxy from the receiver back to the caller. Anything else
 * (an older protocol that sends only the id) passes unchanged.
 */
export function electionHello(address: () => string): OpeningRewrite {
  return (head) => {
    if (head.length < 8) return undefined;
    const version = head.readBigInt64BE(0);
    if (version !== -65536n && version !== -65535n) return head;
    if (head.length < 20) return undefined;
    const length = head.readInt32BE(16);
    if (length <= 0 || length > MAX_HELLO_ADDRESS) return head; // not a hello after all: leave it to the server
    const end = 20 + length;
    if (head.length < end) return undefined;
    const addr = Buffer.from(address(), 'utf8');
    const size = Buffer.alloc(4);
    size.writeInt32BE(addr.length);
    return Buffer.concat([head.subarray(0, 16), size, addr, head.subarray(end)]);
  };
}
