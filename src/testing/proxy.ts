/**
 * A fault-injecting TCP proxy for tests (in the spirit of Toxiproxy): put it between a client and
 * a ZooKeeper server (or between two servers), then hold replies, add latency, stall, partition
 * the network silently, refuse connections or cut them, and heal again, all on cue and on a
 * stable port.
 * @module
 */
import net from 'node:net';
import { Pipe, type OpeningRewrite } from './pipe.js';

export type { OpeningRewrite } from './pipe.js';

/** Options of {@link TcpProxy.start}. */
export interface TcpProxyOptions {
  /**
   * Rewrites what each client sends first (see {@link OpeningRewrite}), e.g. an address the
   * client announces about itself. Default: bytes pass unchanged.
   */
  rewriteOpening?: OpeningRewrite;
  /**
   * How long (ms) to keep dialing the target when it refuses, before closing the client's
   * connection. Default 0: closed at once. With more, a target that starts listening a moment
   * late (a ZooKeeper leader opening its quorum port) is reached as if the network had
   * retried the connect, instead of the client seeing its connection accepted and then closed.
   */
  connectRetryMs?: number;
}

/** Pause between two dials of a refusing target (see {@link TcpProxyOptions.connectRetryMs}). */
const REDIAL_MS = 25;

/** A client connection and its upstream connection, with one pipe per direction. */
interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** client → server */
  up: Pipe;
  /** server → client */
  down: Pipe;
}

/**
 * A TCP proxy on `127.0.0.1:<free port>` forwarding to one target, with switchable faults.
 * Connect a client to {@link TcpProxy.connectString} instead of the server.
 *
 * Faults apply to existing and new connections alike, and combine: {@link TcpProxy.heal} clears
 * them all. Nothing here throws once started but a bad argument; the methods are synchronous
 * unless they return a promise. Always {@link TcpProxy.close} it (e.g. in `t.after`) so no socket stays open.
 *
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 2181 });
 * const zk = await ZooKeeper.connect(proxy.connectString);
 * proxy.blackhole();      // the client hears nothing, sends into the void
 * await proxy.heal();     // traffic flows again
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  /** Client connections whose target is still being dialed (their bytes wait in the socket). */
  private readonly pending = new Set<net.Socket>();
  private server: net.Server;
  private holding = false;
  private blackholed = false;
  private refusing = false;
  private closed = false;
  private delayMs = 0;
  /** Epoch ms until which a {@link TcpProxy.stall} holds everything; 0 when none. */
  private stalledUntil = 0;
  /** Set while heal() is listening again after refuse(), so concurrent calls share it. */
  private relisten: Promise<void> | undefined;

  private constructor(
    private readonly target: { host: string; port: number },
    server: net.Server,
    /** The local port the proxy listens on; the same for the proxy's whole life. */
    readonly port: number,
    private readonly options: TcpProxyOptions,
  ) {
    this.server = server;
  }

  /**
   * Starts a proxy to `target` listening on 127.0.0.1 on a free port. The target need not be up
   * yet: each client connection opens its own upstream connection, and is closed if that fails.
   * @throws the listen error (e.g. no free port).
   */
  static async start(target: { host: string; port: number }, options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const server = net.createServer();
    await listen(server, 0);
    const proxy = new TcpProxy({ ...target }, server, (server.address() as net.AddressInfo).port, { ...options });
    proxy.attach(server);
    return proxy;
  }

  /** `"127.0.0.1:<port>"`, ready for a connect string. */
  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Number of client connections currently open through the proxy. A connection whose client
   * side closed during a partition is not counted, even while its held upstream side lingers.
   */
  get connections(): number {
    let n = 0;
    for (const l of this.links) if (!l.client.destroyed) n++;
    for (const c of this.pending) if (!c.destroyed) n++;
    return n;
  }

  /**
   * Stops delivering server → client bytes (they are buffered, not lost) while client → server
   * bytes keep flowing: requests reach the server, replies and pings' answers do not reach the
   * client. Applies to new connections too until {@link TcpProxy.releaseReplies} or heal.
   */
  holdReplies(): void {
    this.holding = true;
    for (const l of this.links) l.down.gate();
  }

  /** Delivers every held reply in order and resumes normal server → client flow. */
  releaseReplies(): void {
    this.holding = false;
    if (!this.blackholed) for (const l of this.links) l.down.open();
  }

  /**
   * A silent partition: existing and new connections forward nothing in either direction and
   * are never closed by the proxy (not even when one side closes: that is held too). New TCP
   * connects still succeed, as the proxy itself is reachable. Bytes are held, not dropped, so
   * connections that survive until {@link TcpProxy.heal} see them delivered late.
   */
  blackhole(): void {
    this.blackholed = true;
    for (const l of this.links) {
      l.up.gate();
      l.down.gate();
    }
  }

  /**
   * Latency: every chunk in either direction, on existing and new connections, is delivered
   * `ms` after it arrived, in order. Applies to chunks arriving from now on; 0 ends it (what is
   * already delayed still waits its turn). Cleared by {@link TcpProxy.heal}.
   * @throws {RangeError} if `ms` is not a finite number ≥ 0.
   */
  delay(ms: number): void {
    this.delayMs = checkMs(ms, 'delay');
    for (const l of this.links) for (const pipe of [l.up, l.down]) pipe.setDelay(this.delayMs);
  }

  /**
   * A packet stall: nothing is delivered in either direction, on existing and new connections,
   * for `ms` from now; then everything held goes through in order. A later stall replaces the
   * end time; {@link TcpProxy.heal} ends it at once.
   * @throws {RangeError} if `ms` is not a finite number ≥ 0.
   */
  stall(ms: number): void {
    this.stalledUntil = Date.now() + checkMs(ms, 'stall');
    for (const l of this.links) for (const pipe of [l.up, l.down]) pipe.stallUntil(this.stalledUntil);
  }

  /**
   * Closes the listener, so new connects fail with ECONNREFUSED, and destroys every current
   * connection (discarding held bytes): a server that is down. {@link TcpProxy.heal} undoes it.
   */
  refuse(): void {
    if (this.refusing || this.closed) return;
    this.refusing = true;
    this.server.close();
    this.cutAll();
  }

  /**
   * Back to normal forwarding: clears blackhole, held replies, delay and stall (delivering what
   * was held at once, in order) and,
   * after {@link TcpProxy.refuse}, listens again on the same port. Resolves once listening.
   * @throws the listen error if the port was taken by someone else meanwhile (unlikely).
   */
  async heal(): Promise<void> {
    this.blackholed = false;
    this.holding = false;
    this.delayMs = 0;
    this.stalledUntil = 0;
    for (const l of this.links) {
      for (const pipe of [l.up, l.down]) {
        pipe.setDelay(0);
        pipe.stallUntil(0);
        pipe.open();
      }
    }
    if (this.refusing && !this.closed) {
      this.relisten ??= this.listenAgain();
      await this.relisten;
    }
  }

  private async listenAgain(): Promise<void> {
    // A closed net.Server cannot reliably listen again; use a fresh one on the same port.
    const server = net.createServer();
    try {
      await listen(server, this.port);
    } finally {
      this.relisten = undefined;
    }
    this.server = server;
    this.refusing = false;
    this.attach(server);
  }

  /**
   * Destroys every current connection, both sides, discarding held bytes; the client sees its
   * connection close abruptly. Keeps listening, with the current faults still applied to new
   * connections.
   */
  cutAll(): void {
    for (const l of [...this.links]) this.destroyLink(l);
    for (const c of this.pending) c.destroy();
  }

  /** Destroys every connection and stops listening. Idempotent; resolves once the port is free. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A heal() still binding the port would otherwise leave a listener behind.
    await this.relisten?.catch(() => undefined);
    this.cutAll();
    if (this.refusing) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private attach(server: net.Server): void {
    server.on('connection', (client) => this.onConnection(client));
  }

  private onConnection(client: net.Socket): void {
    if (this.closed || this.refusing) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    // Errors (ECONNRESET, ECONNREFUSED upstream) end up as 'close', handled by the pipes; without
    // listeners they would crash the test process.
    client.on('error', () => undefined);
    const retryMs = this.options.connectRetryMs ?? 0;
    if (retryMs <= 0) return this.addLink(client, this.dial());
    // The client's bytes wait unread in its socket until the target answers.
    client.pause();
    this.pending.add(client);
    void this.dialUntil(Date.now() + retryMs).then((upstream) => {
      this.pending.delete(client);
      if (client.destroyed) return void upstream.destroy(); // cut or closed meanwhile
      this.addLink(client, upstream);
      client.resume();
    });
  }

  /** A new connection to the target (connecting; it closes if that fails). */
  private dial(): net.Socket {
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    upstream.setNoDelay(true);
    upstream.on('error', () => undefined);
    return upstream;
  }

  /** Dials until the target accepts or `deadline` (epoch ms) passes; then the last socket, connected or closed. */
  private async dialUntil(deadline: number): Promise<net.Socket> {
    for (;;) {
      const upstream = this.dial();
      const connected = await new Promise<boolean>((resolve) => {
        upstream.once('connect', () => resolve(true));
        upstream.once('close', () => resolve(false));
      });
      if (connected || this.closed || Date.now() >= deadline) return upstream;
      await new Promise((resolve) => setTimeout(resolve, REDIAL_MS));
    }
  }

  private addLink(client: net.Socket, upstream: net.Socket): void {
    const link: Link = { client, upstream, up: new Pipe(client, upstream, this.options.rewriteOpening), down: new Pipe(upstream, client) };
    if (this.blackholed) link.up.gate();
    if (this.blackholed || this.holding) link.down.gate();
    for (const pipe of [link.up, link.down]) {
      pipe.setDelay(this.delayMs);
      pipe.stallUntil(this.stalledUntil);
    }
    this.links.add(link);
    let open = 2;
    const gone = () => {
      if (--open === 0) this.links.delete(link);
    };
    // A target that never answered is closed already: count it gone now.
    for (const socket of [client, upstream]) {
      if (socket.destroyed) gone();
      else socket.on('close', gone);
    }
  }

  private destroyLink(l: Link): void {
    l.up.discard();
    l.down.discard();
    // Plain destroy, not resetAndDestroy(): on Node 20 the latter left the process busy-looping
    // when called on a socket whose end() was still pending. Clients treat a FIN here like an RST.
    l.client.destroy();
    l.upstream.destroy();
    this.links.delete(l);
  }
}

function checkMs(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be a finite number of ms >= 0, got ${ms}`);
  return ms;
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
