/**
 * A minimal in-process fake ZooKeeper server for fault tests: it speaks the wire protocol with
 * the project's own codec, and lets a test decide, request by request, what to answer (or to
 * answer wrongly, late, never, or by closing the socket): faults a real server cannot produce
 * on cue. It records every frame the client sends so tests can assert on the client's traffic.
 *
 * It keeps no data tree: {@link standardReply} gives plausible canned answers, and a test's
 * handler overrides whatever it cares about.
 *
 * A client reaches it either over TCP (`connectString`, for tests that need a real socket, e.g.
 * through a TcpProxy) or in memory, with {@link FakeZooKeeper.dial} as the client's `transport`
 * (no socket at all; with a FakeClock the whole exchange is deterministic).
 * @module
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dialer } from '../../src/client/transport.js';
import { FrameDecoder } from '../../src/protocol/framer.js';
import { OpCode, Xid } from '../../src/protocol/constants.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { streamPair } from './stream-pair.js';

/** What the fake answers to a ConnectRequest. */
export interface FakeSessionConfig {
  /** Negotiated timeout granted to the client (the fake grants whatever you set). */
  timeoutMs: number;
  sessionId: bigint;
  /** 16-byte session password. */
  password: Buffer;
  /** The trailing readOnly byte; `undefined` omits it (a 36-byte ConnectResponse, 3.4–3.8 style). */
  readOnly: boolean | undefined;
}

/** A ConnectRequest as received. */
export interface ReceivedHandshake {
  /** Serial number of the connection it came on (1 for the first connection). */
  conn: number;
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeoutMs: number;
  sessionId: bigint;
  password: Buffer;
  /** `undefined` when the client did not send the byte. */
  readOnly: boolean | undefined;
}

/** The decoded lists of a SetWatches (101) or SetWatches2 (105) request. */
export interface ReceivedSetWatches {
  relativeZxid: bigint;
  data: string[];
  exist: string[];
  child: string[];
  /** Only for SetWatches2. */
  persistent?: string[];
  persistentRecursive?: string[];
}

/** One request frame as received (the handshake is recorded separately). */
export interface ReceivedFrame {
  /** Serial number of the connection it came on. */
  conn: number;
  xid: number;
  /** The opcode (see `OpCode`). */
  type: number;
  /** Payload length in bytes (without the 4-byte prefix). */
  size: number;
  /** The first field, for requests whose record starts with a path. */
  path?: string;
  setWatches?: ReceivedSetWatches;
  auth?: { scheme: string; auth: string };
}

/** A request handed to the test's handler; `body` is positioned after the RequestHeader. */
export interface FakeRequest {
  xid: number;
  type: number;
  body: Reader;
  frame: ReceivedFrame;
}

/** Decides what to do with each request (every request except pings). */
export type FakeHandler = (conn: FakeConnection, req: FakeRequest) => void;

/** Options of {@link FakeZooKeeper.start}. */
export interface FakeOptions {
  handler?: FakeHandler;
  session?: Partial<FakeSessionConfig>;
}

/** Builds a server → client frame: ReplyHeader + optional body. */
export function replyFrame(xid: number, zxid: bigint, err: number, body?: (w: Writer) => void): Buffer {
  const w = new Writer(64).int(xid).long(zxid).int(err);
  body?.(w);
  return w.finish();
}

/** Builds a watch notification frame (xid -1, zxid -1 as servers before 3.9 send it). */
export function notificationFrame(type: number, path: string, state = 3, zxid = -1n): Buffer {
  return replyFrame(Xid.notification, zxid, 0, (w) => w.int(type).int(state).string(path));
}

/** Writes an all-zero Stat except for the given fields (68 bytes). */
export function writeStat(w: Writer, s: { version?: number; dataLength?: number; numChildren?: number; ephemeralOwner?: bigint; mzxid?: bigint } = {}): Writer {
  return w
    .long(1n)
    .long(s.mzxid ?? 1n)
    .long(0n)
    .long(0n)
    .int(s.version ?? 0)
    .int(0)
    .int(0)
    .long(s.ephemeralOwner ?? 0n)
    .int(s.dataLength ?? 0)
    .int(s.numChildren ?? 0)
    .long(1n);
}

/** Requests whose record starts with a path string (for the log). */
const PATH_FIRST = new Set<number>([
  OpCode.create,
  OpCode.delete,
  OpCode.exists,
  OpCode.getData,
  OpCode.setData,
  OpCode.getACL,
  OpCode.setACL,
  OpCode.getChildren,
  OpCode.sync,
  OpCode.getChildren2,
  OpCode.check,
  OpCode.create2,
  OpCode.checkWatches,
  OpCode.removeWatches,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.getEphemerals,
  OpCode.getAllChildrenNumber,
  OpCode.addWatch,
]);

/**
 * Canned answers, used when no handler is given; handlers can fall back to it.
 * auth, setWatches(2), delete, addWatch, removeWatches: OK. closeSession: OK, then the socket
 * closes. exists: NONODE. getData: empty data. getChildren(2): no children. create(2): the path.
 * setData: a Stat. sync: the path. Anything else: UNIMPLEMENTED (-6).
 */
export function standardReply(conn: FakeConnection, req: FakeRequest): void {
  const { xid, type } = req;
  const zxid = conn.server.zxid;
  const path = req.frame.path ?? '';
  switch (type) {
    case OpCode.auth:
      return conn.reply(Xid.auth, 0n, 0);
    case OpCode.closeSession:
      conn.reply(xid, zxid, 0);
      return conn.end();
    case OpCode.setWatches:
    case OpCode.setWatches2:
    case OpCode.delete:
    case OpCode.removeWatches:
      return conn.reply(xid, zxid, 0);
    case OpCode.addWatch:
      return conn.reply(xid, zxid, 0, (w) => w.int(0));
    case OpCode.exists:
      return conn.reply(xid, zxid, -101);
    case OpCode.getData:
      return conn.reply(xid, zxid, 0, (w) => writeStat(w.buffer(Buffer.alloc(0))));
    case OpCode.getChildren:
      return conn.reply(xid, zxid, 0, (w) => w.int(0));
    case OpCode.getChildren2:
      return conn.reply(xid, zxid, 0, (w) => writeStat(w.int(0)));
    case OpCode.create:
      return conn.reply(xid, zxid, 0, (w) => w.string(path));
    case OpCode.create2:
      return conn.reply(xid, zxid, 0, (w) => writeStat(w.string(path)));
    case OpCode.setData:
      return conn.reply(xid, zxid, 0, (w) => writeStat(w));
    case OpCode.sync:
      return conn.reply(xid, zxid, 0, (w) => w.string(path));
    default:
      return conn.reply(xid, zxid, -6);
  }
}

/** One client connection to the fake, as the handler sees it. */
export class FakeConnection {
  /** The decoded ConnectRequest, once received. */
  handshake: ReceivedHandshake | undefined;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private handshakeAnswered = false;

  constructor(
    /** The fake server this connection belongs to. */
    readonly server: FakeZooKeeper,
    /** Serial number (1 for the first connection the server accepted). */
    readonly id: number,
    /** The server's end: a TCP socket, or one end of an in-memory pair. */
    private readonly socket: Duplex,
  ) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (payload) => this.onFrame(payload));
      } catch (err) {
        server.errors.push(err as Error);
        socket.destroy();
      }
    });
  }

  /** True once the socket is closed or closing. */
  get isClosed(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  /** Sends a ReplyHeader (+ body written by `body`). */
  reply(xid: number, zxid: bigint, err: number, body?: (w: Writer) => void): void {
    this.send(replyFrame(xid, zxid, err, body));
  }

  /** Sends a watch notification (EventType `type`, server path `path`). */
  notify(type: number, path: string, zxid = -1n): void {
    this.send(notificationFrame(type, path, 3, zxid));
  }

  /** Sends raw bytes as they are (e.g. several frames concatenated into one TCP write). */
  send(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /** Closes the socket after flushing what was sent (a clean server-side close). */
  end(): void {
    this.socket.end();
  }

  /** Destroys the socket at once (a dropped connection). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Answers the handshake now (used when handshakes are held). */
  answerHandshake(): void {
    if (this.handshakeAnswered || !this.handshake) return;
    this.handshakeAnswered = true;
    const s = this.server;
    if (s.expireSessions) {
      // What a real server sends for an expired or unknown session, then it closes the socket.
      this.send(new Writer(40).int(0).int(0).long(0n).buffer(Buffer.alloc(16)).bool(false).finish());
      this.end();
      return;
    }
    const c = s.session;
    const w = new Writer(40).int(0).int(c.timeoutMs).long(c.sessionId).buffer(c.password);
    if (c.readOnly !== undefined) w.bool(c.readOnly);
    this.send(w.finish());
  }

  private onFrame(payload: Buffer): void {
    const s = this.server;
    const r = new Reader(payload);
    if (!this.handshake) {
      const hs: ReceivedHandshake = {
        conn: this.id,
        protocolVersion: r.int(),
        lastZxidSeen: r.long(),
        timeoutMs: r.int(),
        sessionId: r.long(),
        password: r.buffer() ?? Buffer.alloc(0),
        readOnly: r.remaining >= 1 ? r.bool() : undefined,
      };
      this.handshake = hs;
      s.handshakes.push(hs);
      if (s.answerHandshakes) this.answerHandshake();
      return;
    }
    const xid = r.int();
    const type = r.int();
    const frame: ReceivedFrame = { conn: this.id, xid, type, size: payload.length };
    describeRequest(frame, new Reader(payload, 8));
    s.frames.push(frame);
    if (type === OpCode.ping) {
      if (s.answerPings) this.reply(Xid.ping, s.zxid, 0);
      return;
    }
    try {
      s.handler(this, { xid, type, body: r, frame });
    } catch (err) {
      s.errors.push(err as Error);
      this.destroy();
    }
  }
}

/** Fills in the decoded details of a request for the log (best effort: never throws). */
function describeRequest(frame: ReceivedFrame, r: Reader): void {
  try {
    if (PATH_FIRST.has(frame.type)) frame.path = r.string();
    else if (frame.type === OpCode.setWatches || frame.type === OpCode.setWatches2) {
      const strings = () => r.vector((x) => x.string());
      const sw: ReceivedSetWatches = { relativeZxid: r.long(), data: strings(), exist: strings(), child: strings() };
      if (frame.type === OpCode.setWatches2) {
        sw.persistent = strings();
        sw.persistentRecursive = strings();
      }
      frame.setWatches = sw;
    } else if (frame.type === OpCode.auth) {
      r.int();
      const scheme = r.string();
      frame.auth = { scheme, auth: (r.buffer() ?? Buffer.alloc(0)).toString('utf8') };
    }
  } catch {
    // A malformed request is still logged (type and xid); the handler can look at the body.
  }
}

/**
 * The fake server. Start it with {@link FakeZooKeeper.start}; every field below can be changed
 * at any time and applies to what happens next. Close it with {@link FakeZooKeeper.close}.
 */
export class FakeZooKeeper {
  /** What to answer to each request (not called for pings). */
  handler: FakeHandler;
  /** The ConnectResponse given to every handshake. */
  session: FakeSessionConfig;
  /** When true, handshakes are answered with an expired-session response and the socket closes. */
  expireSessions = false;
  /** When false, pings get no answer (a server that went silent). */
  answerPings = true;
  /** When false, handshakes are held unanswered; {@link FakeZooKeeper.answerHeldHandshakes} answers them. */
  answerHandshakes = true;
  /** zxid used by {@link standardReply} and ping replies. */
  zxid = 0x100n;
  /** Every request frame received, in order, over all connections (pings included). */
  readonly frames: ReceivedFrame[] = [];
  /** Every ConnectRequest received, in order. */
  readonly handshakes: ReceivedHandshake[] = [];
  /** Errors thrown by handlers or the decoder (tests should assert this stays empty). */
  readonly errors: Error[] = [];
  /** Every connection accepted, open or not, in order. */
  readonly allConnections: FakeConnection[] = [];
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Every address passed to {@link FakeZooKeeper.dial}, in order (refused ones included). */
  readonly dialed: string[] = [];
  private stopped = false;

  private constructor(
    private readonly server: net.Server,
    opts: FakeOptions,
  ) {
    this.port = (server.address() as net.AddressInfo).port;
    this.handler = opts.handler ?? standardReply;
    this.session = {
      timeoutMs: 1200,
      sessionId: 0x0100_0000_1234_5678n,
      password: Buffer.from('fake-password-16'),
      readOnly: false,
      ...opts.session,
    };
    server.on('connection', (socket) => this.accept(socket.setNoDelay(true)));
  }

  /**
   * A {@link Dialer} for the client's `transport` option: each call is a new connection to
   * this fake, in memory, whatever the address (recorded in {@link FakeZooKeeper.dialed}).
   * @throws an ECONNREFUSED Error once the fake is closed; the signal's reason if aborted.
   */
  readonly dial: Dialer = async (address, { signal }) => {
    signal.throwIfAborted();
    this.dialed.push(`${address.host}:${address.port}`);
    if (this.stopped) throw Object.assign(new Error(`connect ECONNREFUSED ${address.host}:${address.port} (fake closed)`), { code: 'ECONNREFUSED' });
    const [client, server] = streamPair();
    this.accept(server);
    return client;
  };

  private accept(socket: Duplex): void {
    this.allConnections.push(new FakeConnection(this, this.allConnections.length + 1, socket));
  }

  /** Starts listening on 127.0.0.1 on a free port. */
  static async start(opts: FakeOptions = {}): Promise<FakeZooKeeper> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FakeZooKeeper(server, opts);
  }

  /** `"127.0.0.1:<port>"`. */
  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Connections whose socket is still open. */
  get connections(): FakeConnection[] {
    return this.allConnections.filter((c) => !c.isClosed);
  }

  /** The most recent connection (open or not). */
  get lastConnection(): FakeConnection | undefined {
    return this.allConnections.at(-1);
  }

  /** Request frames of one type (pings excluded unless asked for). */
  framesOf(type: number): ReceivedFrame[] {
    return this.frames.filter((f) => f.type === type);
  }

  /** Request frames other than pings. */
  get requests(): ReceivedFrame[] {
    return this.frames.filter((f) => f.type !== OpCode.ping);
  }

  /** Answers every handshake that was held while {@link FakeZooKeeper.answerHandshakes} was false. */
  answerHeldHandshakes(): void {
    for (const c of this.allConnections) if (!c.isClosed) c.answerHandshake();
  }

  /** Destroys every open connection (the server side drops them). */
  dropAll(): void {
    for (const c of this.allConnections) c.destroy();
  }

  /**
   * Resolves with `probe()`'s first truthy result, checking every 10 ms. @throws an Error naming `what` after `timeoutMs`.
   */
  waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 3000): Promise<T> {
    return waitUntil(probe, what, timeoutMs);
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    this.stopped = true;
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Polls `probe` every 10 ms until it returns something truthy.
 * @throws an Error naming `what` after `timeoutMs`.
 */
export async function waitUntil<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
