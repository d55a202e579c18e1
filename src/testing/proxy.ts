/**
 * A fault-injecting TCP proxy for tests (in the spirit of Toxiproxy): put it between a client and
 * a ZooKeeper server, then delay replies, partition the network silently, refuse connections or
 * cut them, and heal again, all on cue and on a stable port.
 * @module
 */
import net from 'node:net';

/**
 * One direction of one proxied connection. While the pipe is gated, data (and the end of the
 * stream) coming from `from` is held instead of written to `to`; opening the gate delivers it
 * in order. Holding rather than dropping keeps the byte stream intact, so a healed connection
 * behaves like a real network whose TCP retransmissions finally got through.
 */
class Pipe {
  private held: Buffer[] = [];
  private endHeld = false;
  private gated = false;

  constructor(
    from: net.Socket,
    private readonly to: net.Socket,
  ) {
    from.on('data', (chunk: Buffer) => (this.gated ? this.held.push(chunk) : this.write(chunk)));
    // 'close' covers both a clean end and a reset; either way the other side must learn of it.
    from.on('close', () => (this.gated ? (this.endHeld = true) : this.endOther()));
  }

  /** Stops forwarding; later data and the end of the stream are held. */
  gate(): void {
    this.gated = true;
  }

  /** Delivers everything held, in order, and resumes forwarding. */
  open(): void {
    if (!this.gated) return;
    this.gated = false;
    for (const chunk of this.held) this.write(chunk);
    this.held = [];
    if (this.endHeld) this.endOther();
  }

  /** Forgets held bytes (the connection is being destroyed anyway). */
  discard(): void {
    this.held = [];
  }

  private write(chunk: Buffer): void {
    // The other side may already be gone (e.g. it closed during a partition): drop, don't throw.
    if (!this.to.destroyed) this.to.write(chunk);
  }

  private endOther(): void {
    // end() flushes what was written first; destroy once flushed so no half-open socket lingers.
    if (!this.to.destroyed) this.to.end(() => this.to.destroy());
  }
}

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
 * them all. Nothing here throws once started; the methods are synchronous unless they return a
 * promise. Always {@link TcpProxy.close} it (e.g. in `t.after`) so no socket stays open.
 *
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 2181 });
 * const zk = await ZooKeeper.connect(proxy.connectString);
 * proxy.blackhole();      // the client hears nothing, sends into the void
 * await proxy.heal();     // traffic flows again
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private server: net.Server;
  private holding = false;
  private blackholed = false;
  private refusing = false;
  private closed = false;
  /** Set while heal() is listening again after refuse(), so concurrent calls share it. */
  private relisten: Promise<void> | undefined;

  private constructor(
    private readonly target: { host: string; port: number },
    server: net.Server,
    /** The local port the proxy listens on; the same for the proxy's whole life. */
    readonly port: number,
  ) {
    this.server = server;
  }

  /**
   * Starts a proxy to `target` listening on 127.0.0.1 on a free port. The target need not be up
   * yet: each client connection opens its own upstream connection, and is closed if that fails.
   * @throws the listen error (e.g. no free port).
   */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = net.createServer();
    await listen(server, 0);
    const proxy = new TcpProxy({ ...target }, server, (server.address() as net.AddressInfo).port);
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
   * Back to normal forwarding: clears blackhole and held replies (delivering what was held) and,
   * after {@link TcpProxy.refuse}, listens again on the same port. Resolves once listening.
   * @throws the listen error if the port was taken by someone else meanwhile (unlikely).
   */
  async heal(): Promise<void> {
    this.blackholed = false;
    this.holding = false;
    for (const l of this.links) {
      l.up.open();
      l.down.open();
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
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // Errors (ECONNRESET, ECONNREFUSED upstream) end up as 'close', handled by the pipes; without
    // listeners they would crash the test process.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    const link: Link = { client, upstream, up: new Pipe(client, upstream), down: new Pipe(upstream, client) };
    if (this.blackholed) link.up.gate();
    if (this.blackholed || this.holding) link.down.gate();
    this.links.add(link);
    let open = 2;
    const gone = () => {
      if (--open === 0) this.links.delete(link);
    };
    client.on('close', gone);
    upstream.on('close', gone);
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

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
