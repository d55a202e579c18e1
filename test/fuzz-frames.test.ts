// Fuzzed server frames (issue 15, "proof under faults"), with fast-check. Three layers:
// 1. every decoder of server bytes (framer, replies, notifications, handshake, multi,
//    multiRead) fed random and mutated bytes throws nothing but DecodeError /
//    FrameTooLargeError and never builds more than the bytes it was given can hold;
// 2. a real client whose in-memory fake server (test/support/fake-zk.ts, on a FakeClock)
//    answers with random and mutated frames: nothing escapes the event loop, every call
//    settles, a bad frame closes the connection naming the problem, the session reconnects and
//    works, and nothing stays pending;
// 3. valid records survive the writer → reader round trip unchanged.
// Fixed examples replay each bug the properties found. On failure fast-check prints the seed
// and the shrunk counterexample; on success nothing is printed.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { DecodeError, FrameDecoder, FrameTooLargeError, Reader, Writer, decodeConnectResponse, type ConnectResponse } from '../src/protocol/index.js';
import { readMultiResults, type MultiResult } from '../src/protocol/multi.js';
import { readACL, readStat, readWatcherEvent, writeACL, type ACL, type Stat } from '../src/protocol/records.js';
import { NameList } from '../src/protocol/name-list.js';
import { readCreate2, readGetACL, readGetChildren2, readGetData, readReplyHeader, readStrings } from '../src/protocol/responses.js';
import { readMultiReadResults, type MultiReadResult } from '../src/protocol/multi-read.js';
import { ErrorCode, EventType, KeeperState, OpCode, Xid } from '../src/protocol/constants.js';
import { AddWatchMode, ConnectionLossError, MarshallingError, SessionExpiredError, ZooKeeper, ZooKeeperError, type WatchedEvent } from '../src/index.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeZooKeeper, replyFrame, standardReply, waitUntil, type FakeConnection, type FakeRequest } from './support/fake-zk.js';
import { rejection, track } from './support/settle.js';

/** The whole file must stay under 30 s on a 2-core machine: run counts are set for that. */
const RUNS = { decoder: 1500, frames: 1500, session: 400, handshake: 100, roundTrip: 600 };
const BOUNDED = { timeout: 60_000 };
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

// ---- valid records: arbitraries and test-side writers (on the project's Writer) ----------------

/** fc.record making ordinary objects (fast-check's null-prototype ones never deepEqual a decoded record). */
const rec = <T,>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });
const int32 = fc.integer(INT32);
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const bytes = (maxLength = 40) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u));
const text = fc.string({ maxLength: 30, unit: 'grapheme' });
const arbStat: fc.Arbitrary<Stat> = rec({
  czxid: int64,
  mzxid: int64,
  ctime: fc.maxSafeInteger().map((n) => n - Math.floor(Number.MAX_SAFE_INTEGER / 2)),
  mtime: fc.maxSafeInteger(),
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});
const arbACL: fc.Arbitrary<ACL> = rec({ perms: int32, id: rec({ scheme: text, id: text }) });

function writeFullStat(w: Writer, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).long(BigInt(s.ctime)).long(BigInt(s.mtime)).int(s.version).int(s.cversion).int(s.aversion);
  w.long(s.ephemeralOwner).int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

const arbMulti: fc.Arbitrary<MultiResult[]> = fc.array(
  fc.oneof(
    rec({ op: fc.constant('create' as const), path: text }),
    rec({ op: fc.constant('create' as const), path: text, stat: arbStat }),
    fc.constant({ op: 'delete' as const }),
    rec({ op: fc.constant('setData' as const), stat: arbStat }),
    fc.constant({ op: 'check' as const }),
    rec({ op: fc.constant('error' as const), err: int32 }),
  ),
  { maxLength: 5 },
);
function writeMulti(w: Writer, results: MultiResult[]): void {
  for (const m of results) {
    if (m.op === 'create') {
      w.int(m.stat ? OpCode.create2 : OpCode.create).bool(false).int(0).string(m.path);
      if (m.stat) writeFullStat(w, m.stat);
    } else if (m.op === 'setData') writeFullStat(w.int(OpCode.setData).bool(false).int(0), m.stat);
    else if (m.op === 'error') w.int(OpCode.error).bool(false).int(m.err).int(m.err);
    else w.int(m.op === 'delete' ? OpCode.delete : OpCode.check).bool(false).int(0);
  }
  w.int(-1).bool(true).int(-1);
}

const arbMultiRead: fc.Arbitrary<MultiReadResult[]> = fc.array(
  fc.oneof(
    rec({ op: fc.constant('getData' as const), data: fc.option(bytes(), { nil: null }), stat: arbStat }),
    rec({ op: fc.constant('getChildren' as const), children: fc.array(text, { maxLength: 4 }) }),
    rec({ op: fc.constant('error' as const), err: int32 }),
  ),
  { maxLength: 5 },
);
function writeMultiRead(w: Writer, results: MultiReadResult[]): void {
  for (const m of results) {
    if (m.op === 'getData') writeFullStat(w.int(OpCode.getData).bool(false).int(0).buffer(m.data), m.stat);
    else if (m.op === 'getChildren') w.int(OpCode.getChildren).bool(false).int(0).vector(m.children, (x, c) => void x.string(c));
    else w.int(OpCode.error).bool(false).int(m.err).int(m.err);
  }
  w.int(-1).bool(true).int(-1);
}

const arbConnect: fc.Arbitrary<ConnectResponse> = rec({
  protocolVersion: int32,
  timeoutMs: int32,
  sessionId: int64,
  password: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
  readOnly: fc.boolean(),
});

/** One record type: how to make valid values, write them, and read them back. */
interface Codec<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  write: (w: Writer, v: T) => void;
  /** Decodes a whole payload (as the client does with a frame's bytes). */
  decode: (payload: Buffer) => T;
}
const codec = <T>(name: string, arb: fc.Arbitrary<T>, write: (w: Writer, v: T) => void, read: (r: Reader) => T): Codec<T> => ({ name, arb, write, decode: (b) => read(new Reader(b)) });
const strings = fc.array(text, { maxLength: 6 });

const CODECS: Codec<any>[] = [
  codec('ReplyHeader', rec({ xid: int32, zxid: int64, err: int32 }), (w, h) => void w.int(h.xid).long(h.zxid).int(h.err), readReplyHeader),
  codec('Stat', arbStat, writeFullStat, readStat),
  codec('ACL', arbACL, writeACL, readACL),
  codec('WatcherEvent', rec({ type: int32, state: int32, path: text }), (w, e) => void w.int(e.type).int(e.state).string(e.path), readWatcherEvent),
  codec('Create2Response', rec({ path: text, stat: arbStat }), (w, v) => writeFullStat(w.string(v.path), v.stat), readCreate2),
  codec('GetDataResponse', rec({ data: fc.option(bytes(), { nil: null }), stat: arbStat }), (w, v) => writeFullStat(w.buffer(v.data), v.stat), readGetData),
  codec('GetChildrenResponse', strings, (w, v) => void w.vector(v, (x, s) => void x.string(s)), readStrings),
  codec('GetChildrenResponse as a NameList', strings, (w, v) => void w.vector(v, (x, s) => void x.string(s)), (r) => NameList.read(r).toArray()),
  codec('GetChildren2Response', rec({ children: strings, stat: arbStat }), (w, v) => writeFullStat(w.vector(v.children, (x, s) => void x.string(s)), v.stat), readGetChildren2),
  codec('GetACLResponse', rec({ acl: fc.array(arbACL, { maxLength: 4 }), stat: arbStat }), (w, v) => writeFullStat(w.vector(v.acl, writeACL), v.stat), readGetACL),
  codec('MultiResponse', arbMulti, writeMulti, readMultiResults),
  codec('MultiReadResponse', arbMultiRead, writeMultiRead, readMultiReadResults),
  {
    name: 'ConnectResponse',
    arb: arbConnect,
    write: (w, c: ConnectResponse) => void w.int(c.protocolVersion).int(c.timeoutMs).long(c.sessionId).buffer(c.password).bool(c.readOnly),
    decode: decodeConnectResponse,
  },
];

/** A record's payload bytes (the frame without its 4-byte length prefix). */
function encode<T>(c: Codec<T>, v: T): Buffer {
  const w = new Writer();
  c.write(w, v);
  return Buffer.from(w.finish().subarray(4));
}

// ---- mutations ------------------------------------------------------------------------------

/** Lengths and counts a hostile or broken server could put in any int32 field. */
const hostileInt = fc.oneof(fc.constantFrom(0x7fffffff, -0x80000000, -1, -2, 0x40000000, 0x100000, 1 << 24, 17), int32);
type Mutation = { k: 'truncate'; at: number } | { k: 'flip'; at: number; bit: number } | { k: 'int'; at: number; v: number } | { k: 'append'; bytes: Buffer };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  rec({ k: fc.constant('truncate' as const), at: fc.nat() }),
  rec({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  rec({ k: fc.constant('int' as const), at: fc.nat(), v: hostileInt }),
  rec({ k: fc.constant('append' as const), bytes: bytes(24) }),
);

/** Applies `ms` in order to a copy of `b`, from byte `from` on (earlier bytes stay intact). */
function mutate(b: Buffer, ms: readonly Mutation[], from = 0): Buffer {
  let out = Buffer.from(b);
  for (const m of ms) {
    const span = out.length - from;
    if (m.k === 'append') out = Buffer.concat([out, m.bytes]);
    else if (span <= 0) continue;
    else if (m.k === 'truncate') out = out.subarray(0, from + (m.at % span));
    else if (m.k === 'flip') out[from + (m.at % span)] ^= 1 << m.bit;
    else if (span >= 4) out.writeInt32BE(m.v, from + (m.at % (span - 3)));
  }
  return out;
}

/** Bytes (or elements) a decoded value holds: never more than the input had. */
function weight(v: unknown): number {
  if (Buffer.isBuffer(v) || typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length + v.reduce((n: number, x) => n + weight(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + weight(x), 0);
  return 0;
}

/** Decodes, and fails unless it returned a bounded value or threw the codec's DecodeError. */
function decodesOrRefuses(c: Codec<unknown>, input: Buffer): void {
  let out: unknown;
  try {
    out = c.decode(input);
  } catch (e) {
    assert.ok(e instanceof DecodeError, `${c.name} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} (want DecodeError)`);
    assert.ok(e.message.length > 0);
    return;
  }
  assert.ok(weight(out) <= input.length, `${c.name} built ${weight(out)} bytes/elements from ${input.length} bytes`);
}

// ---- 1. decoders ------------------------------------------------------------------------------

describe('decoders fed random and mutated bytes', () => {
  test('every response, notification and handshake decoder: a bounded value or DecodeError, nothing else', () => {
    // Drawn by name, so that a counterexample prints as [name, bytes].
    const byName = new Map(CODECS.map((c) => [c.name, c]));
    const names = fc.constantFrom(...byName.keys());
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.tuple(names, bytes(120)) },
      {
        weight: 3,
        arbitrary: names.chain((n) => {
          const c = byName.get(n)!;
          return fc.tuple(fc.constant(n), fc.tuple(c.arb, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(encode(c, v), ms)));
        }),
      },
    );
    fc.assert(
      fc.property(input, ([name, b]) => decodesOrRefuses(byName.get(name)!, b)),
      { numRuns: RUNS.decoder * CODECS.length },
    );
  });

  test('a 2 GiB (or negative) length or vector count is refused at once, before reading or allocating for it', () => {
    // A length or count field followed by `tail` bytes.
    const at = (n: number, tail = 8) => Buffer.concat([int(n), Buffer.alloc(tail)]);
    for (const n of [0x7fffffff, 0x10000000, 1000]) {
      assert.throws(() => readGetData(new Reader(at(n))), (e: unknown) => e instanceof DecodeError && new RegExp(`need ${n} bytes`).test(e.message), 'data length');
      assert.throws(() => readCreate2(new Reader(at(n))), (e: unknown) => e instanceof DecodeError && new RegExp(`need ${n} bytes`).test(e.message), 'string length');
      let elements = 0;
      const counted = new Reader(at(n));
      assert.throws(() => counted.vector((r) => (elements++, r.int())), (e: unknown) => e instanceof DecodeError && new RegExp(`truncated record: vector count ${n} exceeds the 8 bytes left`).test(e.message));
      assert.equal(elements, 0, 'no element read for a count the frame cannot hold');
    }
    for (const n of [-2, -0x80000000]) {
      assert.deepEqual(readStrings(new Reader(at(n, 0))), [], 'a negative count reads as empty, as in jute');
      assert.equal(readGetData(new Reader(Buffer.concat([int(n), statBytes()]))).data, null, 'a negative length reads as null, as in jute');
    }
  });

  test('regressions: an unknown multi / multiRead result type and a refused session are DecodeErrors that say so', () => {
    const unknown = Buffer.concat([int(99), Buffer.from([0]), int(0)]);
    assert.throws(() => readMultiResults(new Reader(unknown)), (e: unknown) => e instanceof DecodeError && /unknown multi result type 99/.test(e.message));
    assert.throws(() => readMultiReadResults(new Reader(unknown)), (e: unknown) => e instanceof DecodeError && /unknown multiRead result type 99/.test(e.message));
    const refused = Buffer.concat([int(0), Buffer.alloc(8), int(-119)]);
    assert.throws(() => decodeConnectResponse(refused), (e: unknown) => e instanceof DecodeError && /refused to create a session \(error -119: a read-only server needs localSessionsEnabled/.test(e.message));
  });

  test('the frame decoder, any bytes in any chunks: only FrameTooLargeError, frames within the bound, never more buffered than one frame', () => {
    const max = 64;
    fc.assert(
      fc.property(fc.array(bytes(100), { maxLength: 8 }), (chunks) => {
        const d = new FrameDecoder(max);
        for (const chunk of chunks) {
          try {
            d.push(chunk, (payload) => assert.ok(payload.length <= max, `a ${payload.length}-byte frame passed a ${max}-byte bound`));
          } catch (e) {
            assert.ok(e instanceof FrameTooLargeError, `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
            assert.match(e.message, /frame length -?\d+ is out of range \(max 64 bytes\)/);
            return; // the stream is unusable after that, by contract
          }
          assert.ok(d.buffered < max + 4, `${d.buffered} bytes held for a ${max}-byte bound`);
        }
      }),
      { numRuns: RUNS.frames },
    );
  });

  test('an oversized length prefix is refused as soon as its 4 bytes arrive: nothing is buffered for it', () => {
    for (const len of [0x7fffffff, 0x100001, -1]) {
      const d = new FrameDecoder();
      assert.throws(() => d.push(Buffer.concat([int(len), Buffer.alloc(1000)]), () => assert.fail('no frame')), FrameTooLargeError);
      assert.equal(d.buffered, 0);
    }
  });
});

// ---- 3. round trips -----------------------------------------------------------------------------

describe('valid records: writer → reader is the identity', () => {
  for (const c of CODECS) {
    test(c.name, () => {
      fc.assert(
        fc.property(c.arb, (v) => {
          const payload = encode(c, v);
          assert.deepEqual(c.decode(payload), v);
          // Trailing bytes are another record's business: the decoder must not need or take them.
          assert.deepEqual(c.decode(Buffer.concat([payload, Buffer.from('trailing')])), v);
        }),
        { numRuns: RUNS.roundTrip },
      );
    });
  }

  test('Reader consumes exactly what Writer wrote, primitive by primitive', () => {
    const prim = fc.oneof(
      int32.map((v) => ['int', v] as const),
      int64.map((v) => ['long', v] as const),
      fc.boolean().map((v) => ['bool', v] as const),
      fc.option(bytes(), { nil: null }).map((v) => ['buffer', v] as const),
      text.map((v) => ['string', v] as const),
      fc.array(text, { maxLength: 4 }).map((v) => ['vector', v] as const),
    );
    fc.assert(
      fc.property(fc.array(prim, { maxLength: 12 }), (fields) => {
        const w = new Writer(1);
        for (const [k, v] of fields) {
          if (k === 'vector') w.vector(v, (x, s) => void x.string(s));
          else (w[k] as (x: typeof v) => Writer).call(w, v);
        }
        const r = new Reader(Buffer.from(w.finish()), 4);
        for (const [k, v] of fields) assert.deepEqual(k === 'vector' ? r.vector((x) => x.string()) : r[k](), v);
        assert.equal(r.remaining, 0);
      }),
      { numRuns: RUNS.roundTrip },
    );
  });

  test('the frame decoder returns exactly the frames written, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(bytes(50), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map(framed));
        const got: Buffer[] = [];
        const d = new FrameDecoder(64);
        for (const chunk of split(stream, cuts)) d.push(chunk, (p) => got.push(Buffer.from(p)));
        assert.deepEqual(got, payloads);
        assert.equal(d.buffered, 0);
      }),
      { numRuns: RUNS.roundTrip },
    );
  });
});

// ---- 2. a client against a fuzzing server -------------------------------------------------------

/** What the fake does with one request. */
type Fault =
  | { k: 'valid' }
  | { k: 'error'; code: number }
  | { k: 'xid'; xid: { delta: number } | { abs: number } }
  | { k: 'body'; bytes: Buffer }
  | { k: 'mutate'; ms: Mutation[] }
  | { k: 'short'; bytes: Buffer }
  | { k: 'notify'; type: number; state: number; path: Buffer }
  | { k: 'badNotify'; bytes: Buffer }
  | { k: 'oversized'; len: number; tail: Buffer }
  | { k: 'stray'; bytes: Buffer }
  | { k: 'drop' };
type Planned = { fault: Fault; cuts: number[] };

/**
 * Error codes to answer with. SESSIONCLOSEDREQUIRESASLAUTH (-124) is left out: in any reply
 * it is the server's order to stop (the session finishes as AuthFailed, by design).
 */
const errorCode = fc
  .oneof(fc.constantFrom(...(Object.values(ErrorCode).filter((v) => typeof v === 'number') as number[])), int32)
  .filter((c) => c !== 0 && c !== ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH);
/** The reserved xids (-1, -2, -4) are no "wrong xid": they are a notification, a ping's and an auth answer. */
const foreignXid = int32.filter((x) => x !== Xid.notification && x !== Xid.ping && x !== Xid.auth);
const CLIENT_MAX_FRAME = 4 * 1024 * 1024;
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ k: 'valid' as const }) },
  { weight: 2, arbitrary: rec({ k: fc.constant('error' as const), code: errorCode }) },
  { weight: 1, arbitrary: rec({ k: fc.constant('xid' as const), xid: fc.oneof(fc.integer({ min: 1, max: 3 }).map((delta) => ({ delta })), foreignXid.map((abs) => ({ abs }))) }) },
  { weight: 2, arbitrary: rec({ k: fc.constant('body' as const), bytes: bytes(80) }) },
  { weight: 3, arbitrary: rec({ k: fc.constant('mutate' as const), ms: fc.array(mutation, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: rec({ k: fc.constant('short' as const), bytes: bytes(15) }) },
  {
    weight: 3,
    arbitrary: rec({
      k: fc.constant('notify' as const),
      type: fc.oneof(fc.integer({ min: -2, max: 8 }), int32),
      state: fc.oneof(fc.constantFrom(-112, 0, 3, 4, 5, 7), int32),
      path: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('/', '/w', '/w/x', '', 'w', 'w/x', '//', '/w/')).map((s) => Buffer.from(s)),
    }),
  },
  { weight: 1, arbitrary: rec({ k: fc.constant('badNotify' as const), bytes: bytes(40) }) },
  {
    weight: 1,
    arbitrary: rec({ k: fc.constant('oversized' as const), len: fc.oneof(fc.integer({ min: CLIENT_MAX_FRAME + 1, max: INT32.max }), fc.integer({ min: INT32.min, max: -1 })), tail: bytes(64) }),
  },
  {
    weight: 1,
    arbitrary: rec({
      k: fc.constant('stray' as const),
      // Small byte values too: a misread length under the 4 MiB bound is what waits for more.
      bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom(0, 1, 2, 0x10), { minLength: 1, maxLength: 4 })).map((u) => Buffer.from(u)),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'drop' as const }) },
);
const planned: fc.Arbitrary<Planned> = rec({ fault, cuts: fc.array(fc.nat(), { maxLength: 4 }) });

/** The calls a batch can make (their standard answers are in fake-zk's standardReply). */
const CALLS: Record<string, (zk: ZooKeeper) => Promise<unknown>> = {
  getData: (zk) => zk.getData('/w'),
  getChildren: (zk) => zk.getChildren('/w'),
  getChildrenWithStat: (zk) => zk.getChildrenWithStat('/w'),
  exists: (zk) => zk.exists('/w/x'),
  setData: (zk) => zk.setData('/w', 'data'),
  create: (zk) => zk.create('/w/c'),
  createWithStat: (zk) => zk.createWithStat('/w/c'),
  delete: (zk) => zk.delete('/w/c'),
  sync: (zk) => zk.sync('/w'),
  multi: (zk) => zk.multi([{ op: 'check', path: '/w', version: 1 }]),
};
const batches = fc.array(fc.array(fc.constantFrom(...Object.keys(CALLS)), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 });

/**
 * Why a connection may be closed after a bad frame: each names the problem. A reason outside
 * this list (a TypeError's message, an empty one) fails the property.
 */
const CLEAR_REASONS = [
  /^protocol error: reply xid -?\d+ does not match the next request$/,
  /^malformed reply from the server$/,
  /^truncated record: need \d+ bytes at offset \d+, frame has \d+$/,
  /^truncated record: vector count -?\d+ exceeds the \d+ bytes left at offset \d+$/,
  /^frame length -?\d+ is out of range \(max \d+ bytes\)$/,
  /^connection closed by the server$/,
  /^SetWatches failed: .+$/,
  /^no whole frame from the server for \d+ ms \(\d+ bytes of one held\): the stream is out of sync$/,
];

function int(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function statBytes(): Buffer {
  return Buffer.alloc(68);
}
/** A length-prefixed frame of `payload`. */
function framed(payload: Buffer): Buffer {
  return Buffer.concat([int(payload.length), payload]);
}
/** `b` cut at the given offsets (modulo its length), in order. */
function split(b: Buffer, cuts: readonly number[]): Buffer[] {
  if (b.length === 0) return [];
  const at = [...new Set(cuts.map((c) => c % b.length))].filter((c) => c > 0).sort((x, y) => x - y);
  return [0, ...at].map((start, i) => b.subarray(start, at[i] ?? b.length));
}

/** The frame standardReply would send for `req` (payload only), caught instead of sent. */
function standardPayload(conn: FakeConnection, req: FakeRequest): Buffer {
  const sent: Buffer[] = [];
  const catcher = Object.create(conn) as FakeConnection;
  catcher.send = (b) => void sent.push(Buffer.from(b));
  standardReply(catcher, req);
  return Buffer.concat(sent).subarray(4);
}

/** The bytes the fake sends for `req` under `f` (undefined: drop the connection). */
function faultBytes(conn: FakeConnection, req: FakeRequest, f: Fault): Buffer | undefined {
  const zxid = conn.server.zxid;
  const valid = () => standardPayload(conn, req);
  switch (f.k) {
    case 'valid':
      return framed(valid());
    case 'error':
      return replyFrame(req.xid, zxid, f.code);
    case 'xid': {
      const p = valid();
      p.writeInt32BE('delta' in f.xid ? (req.xid + f.xid.delta) | 0 : f.xid.abs, 0);
      return framed(p);
    }
    case 'body':
      return framed(Buffer.concat([replyFrame(req.xid, zxid, 0).subarray(4), f.bytes]));
    case 'mutate': {
      // The xid stays intact: a reply turned into a ping's or a notification would be no answer
      // at all, and a server that never answers a request leaves it pending, by design. A
      // mutation that makes the err -124 is undone (see errorCode).
      const p = mutate(valid(), f.ms, 4);
      return framed(p.length >= 16 && p.readInt32BE(12) === ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH ? valid() : p);
    }
    case 'short':
      return framed(f.bytes);
    case 'notify': {
      const note = replyFrame(Xid.notification, -1n, 0, (w) => void w.int(f.type).int(f.state).buffer(f.path));
      return Buffer.concat([note, framed(valid())]);
    }
    case 'badNotify':
      return Buffer.concat([framed(Buffer.concat([replyFrame(Xid.notification, -1n, 0).subarray(4), f.bytes])), framed(valid())]);
    case 'oversized':
      return Buffer.concat([int(f.len), f.tail]);
    case 'stray':
      return Buffer.concat([framed(valid()), f.bytes]);
    case 'drop':
      return undefined;
  }
}

/** Fails the test if anything reaches uncaughtException / unhandledRejection while it runs. */
function trapEscapes(t: TestContext): unknown[] {
  const escaped: unknown[] = [];
  const onEscape = (e: unknown) => void escaped.push(e);
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  t.after(() => {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  });
  return escaped;
}

/**
 * Virtual time within which every call must settle: only stray bytes need a timeout to end (the
 * session timeout, 1200 ms, after the last whole frame); every other fault ends at once.
 */
const SETTLE_MS = 2000;

/** Moves the clock until every tracked call has settled. @throws naming the calls left after {@link SETTLE_MS}. */
async function settleAll(clock: FakeClock, calls: Array<{ name: string; t: ReturnType<typeof track> }>): Promise<void> {
  for (let ms = 0; ms <= SETTLE_MS; ms += 100) {
    if (calls.every((c) => c.t.settled())) return;
    await clock.advance(100);
  }
  assert.fail(`calls still pending after ${SETTLE_MS} virtual ms: ${calls.filter((c) => !c.t.settled()).map((c) => c.name).join(', ')}`);
}

/** A connected client on a fresh fake, in memory, on a FakeClock, with watches to trigger. */
async function fuzzSetup() {
  const fake = await FakeZooKeeper.start();
  const clock = new FakeClock();
  const zk = await ZooKeeper.connect(fake.connectString, { sessionTimeout: 1200, connectTimeout: 3000, transport: fake.dial, clock });
  const events: WatchedEvent[] = [];
  const reasons: string[] = [];
  const problems: unknown[] = [];
  zk.on('state', (state, reason) => void (state === KeeperState.Disconnected && reasons.push(reason ?? '(none)')));
  zk.on('error', (e) => void problems.push(e));
  await zk.addWatch('/', (e) => void events.push(e), AddWatchMode.PERSISTENT_RECURSIVE);
  await zk.getData('/w', (e) => void events.push(e));
  const close = async () => {
    fake.handler = standardReply;
    await Promise.all([zk.close(300), clock.advance(300)]);
    await fake.close();
  };
  return { fake, clock, zk, events, reasons, problems, close };
}

/** Answers each request with the next planned fault, then correctly once the plan is used up. */
function planHandler(plan: readonly Planned[]) {
  let next = 0;
  return (conn: FakeConnection, req: FakeRequest) => {
    const p = plan[next++];
    if (!p) return standardReply(conn, req);
    const out = faultBytes(conn, req, p.fault);
    if (!out) return conn.destroy();
    for (const chunk of split(out, p.cuts)) conn.send(chunk);
  };
}

describe('a client whose server sends random and mutated frames', BOUNDED, () => {
  test('nothing escapes, every call settles, bad frames close the connection naming the problem, the session goes on, nothing stays pending', async (t) => {
    const escaped = trapEscapes(t);
    await fc.assert(
      fc.asyncProperty(fc.array(planned, { minLength: 1, maxLength: 12 }), batches, async (plan, calls) => {
        const s = await fuzzSetup();
        try {
          s.fake.handler = planHandler(plan);
          for (const batch of calls) {
            await waitUntil(() => s.zk.state === KeeperState.SyncConnected, 'reconnected', 3000);
            const issued = batch.map((name) => ({ name, t: track(CALLS[name]!(s.zk)) }));
            await settleAll(s.clock, issued);
            for (const { name, t } of issued) {
              await t.result.catch((e: unknown) => assert.ok(e instanceof ZooKeeperError, `${name} rejected with ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`));
            }
          }
          // The plan is over: the server answers correctly, and the same session serves again.
          // Stray bytes left by the last fault can still cost one call (ConnectionLoss), no more.
          s.fake.handler = standardReply;
          let after: unknown;
          for (let attempt = 1; attempt <= 2; attempt++) {
            await waitUntil(() => s.zk.state === KeeperState.SyncConnected, 'reconnected', 3000);
            const call = track(s.zk.exists('/after'));
            await settleAll(s.clock, [{ name: 'exists /after', t: call }]);
            after = await call.result.catch((e: unknown) => (assert.ok(e instanceof ConnectionLossError && attempt === 1, String(e)), e));
            if (after === null) break;
          }
          assert.equal(after, null, 'a valid request after the faults succeeds');
          assert.equal(s.zk.sessionId, s.fake.session.sessionId);
          assert.ok(s.fake.handshakes.every((h, i) => i === 0 || h.sessionId === s.fake.session.sessionId), 'every reconnect resumed the session');
          assert.equal(s.zk['session'].pendingCount, 0, 'nothing left pending once every call settled');
          for (const r of s.reasons) assert.ok(CLEAR_REASONS.some((re) => re.test(r)), `unclear Disconnected reason: ${r}`);
          assert.equal(s.fake.handshakes.length, s.reasons.length + 1, 'one reconnect per closed connection');
          assert.deepEqual(s.problems, [], 'no watcher error');
          assert.deepEqual(s.fake.errors, []);
          assert.deepEqual(escaped, [], 'nothing reached uncaughtException / unhandledRejection');
        } finally {
          await s.close();
        }
      }),
      { numRuns: RUNS.session },
    );
    assert.deepEqual(escaped, []);
  });

  test('a garbage ConnectResponse (mutated, cut in chunks) on the first attempts: connect settles, connected or with a ZooKeeperError; nothing escapes', async (t) => {
    const escaped = trapEscapes(t);
    const badAnswer = fc.tuple(arbConnect, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 3 }));
    const connectCodec = CODECS.find((c) => c.name === 'ConnectResponse')!;
    await fc.assert(
      fc.asyncProperty(fc.array(badAnswer, { minLength: 1, maxLength: 3 }), async (bad) => {
        const fake = await FakeZooKeeper.start();
        fake.answerHandshakes = false;
        const clock = new FakeClock();
        const connecting = track(ZooKeeper.connect(fake.connectString, { sessionTimeout: 1200, connectTimeout: 3000, transport: fake.dial, clock }));
        const seen = new Set<FakeConnection>();
        try {
          // Each new connection's handshake gets the next garbage answer, then correct ones.
          for (let ms = 0; ms <= 5000 && !connecting.settled(); ms += 50) {
            for (const c of fake.allConnections) {
              if (!c.handshake || seen.has(c)) continue;
              seen.add(c);
              const b = bad[seen.size - 1];
              if (!b) c.answerHandshake();
              else for (const chunk of split(framed(mutate(encode(connectCodec, b[0]), b[1])), b[2])) c.send(chunk);
            }
            await clock.advance(50);
          }
          assert.ok(connecting.settled(), 'connect settled within 5000 virtual ms (its timeout is 3000)');
          const zk = await connecting.result.catch((e: unknown) => void assert.ok(e instanceof ZooKeeperError, `connect rejected with ${String(e)}`));
          if (zk) {
            fake.answerHandshakes = true;
            fake.answerHeldHandshakes();
            // A garbage timeout (1 ms, say) can cost the first connection; the next one is sound.
            let after: unknown;
            for (let attempt = 1; attempt <= 2 && after !== null; attempt++) {
              const call = track(zk.exists('/after'));
              await settleAll(clock, [{ name: 'exists /after', t: call }]);
              after = await call.result.catch((e: unknown) => e);
              // A garbage answer to a reconnect may have said "expired" (timeout <= 0): final, as from a real server.
              if (after instanceof SessionExpiredError && zk.state === KeeperState.Expired) break;
              if (after !== null) assert.ok(after instanceof ConnectionLossError && attempt === 1, String(after));
            }
            if (zk.state !== KeeperState.Expired) assert.equal(after, null, 'the client works');
            await Promise.all([zk.close(300), clock.advance(300)]);
          }
          assert.deepEqual(escaped, []);
        } finally {
          await fake.close();
        }
      }),
      { numRuns: RUNS.handshake },
    );
  });

  test('regression: a notification with a relative path ("w/x") is delivered as it came; the event loop no longer hangs in the recursive-watch lookup', async (t) => {
    const s = await fuzzSetup();
    t.after(s.close);
    s.fake.lastConnection!.send(replyFrame(Xid.notification, -1n, 0, (w) => void w.int(EventType.NodeDataChanged).int(3).string('w/x')));
    s.fake.lastConnection!.notify(EventType.NodeDataChanged, '/w');
    await waitUntil(() => s.events.length >= 2, 'both notifications');
    assert.deepEqual(
      s.events.map((e) => e.path),
      ['/w', '/w'],
      'the relative path matches no watch; the next notification is delivered (to the data watch and the recursive one)',
    );
    assert.equal(s.zk.state, KeeperState.SyncConnected);
  });

  test('regression: frames after a protocol error in the same chunk are not used: the next call fails with ConnectionLoss rather than take a reply from a stream out of sync', async (t) => {
    const s = await fuzzSetup();
    t.after(s.close);
    let held: FakeRequest | undefined;
    s.fake.handler = (conn, req) => {
      if (req.frame.path !== '/second') return void (held = req);
      // One chunk: a reply with an xid nobody waits for, then a well-formed answer to /second.
      conn.send(Buffer.concat([replyFrame(held!.xid + 100, 0x300n, 0), replyFrame(req.xid, 0x300n, ErrorCode.NONODE)]));
    };
    const first = rejection(s.zk.exists('/first'));
    const second = rejection(s.zk.exists('/second'));
    const [e1, e2] = await Promise.all([first, second]);
    assert.ok(e1 instanceof ConnectionLossError, `first: ${String(e1)}`);
    assert.ok(e2 instanceof ConnectionLossError, `second: ${String(e2)}; it must not resolve from the condemned stream`);
    assert.match((e2 as Error).message, /reply xid \d+ does not match the next request/);
  });

  test('regression: stray bytes between frames (a misread length) do not hang calls while pings are answered: the connection is dropped one session timeout after its last whole frame', async (t) => {
    const s = await fuzzSetup();
    t.after(s.close);
    // A correct reply followed by two stray bytes: the next length reads as 0x0001xxxx (64 KiB
    // and more), which only the 20-byte ping replies would ever fill, one per ping interval.
    s.fake.handler = (conn, req) => (req.frame.path === '/stray' ? conn.send(Buffer.concat([replyFrame(req.xid, 1n, ErrorCode.NONODE), Buffer.from([0, 1])])) : standardReply(conn, req));
    assert.equal(await s.zk.exists('/stray'), null);
    const start = s.clock.now();
    const stuck = track(s.zk.exists('/next'));
    await settleAll(s.clock, [{ name: 'exists /next', t: stuck }]);
    const e = await rejection(stuck.result);
    assert.ok(e instanceof ConnectionLossError, String(e));
    assert.ok(s.clock.now() - start <= 1200 + 80 + 100, `settled after ${s.clock.now() - start} virtual ms (session timeout 1200, ping timer every 80, clock steps of 100)`);
    assert.match(s.reasons.at(-1)!, /^no whole frame from the server for 1200 ms \(\d+ bytes of one held\): the stream is out of sync$/);
    await waitUntil(() => s.zk.state === KeeperState.SyncConnected, 'reconnected');
    assert.equal(await s.zk.exists('/ok'), null);
  });

  test('each bad frame closes the connection with its own reason, and the call that met it learns what happened', async (t) => {
    const s = await fuzzSetup();
    t.after(s.close);
    const cases: Array<{ send: (conn: FakeConnection, req: FakeRequest) => void; reason: RegExp; error: (e: unknown) => boolean }> = [
      { send: (c, r) => c.send(replyFrame(r.xid + 1, 1n, 0)), reason: /^protocol error: reply xid \d+ does not match/, error: (e) => e instanceof ConnectionLossError && /reply out of order/.test(e.message) },
      { send: (c, r) => c.send(replyFrame(r.xid, 1n, 0, (w) => void w.int(50))), reason: /^malformed reply from the server$/, error: (e) => e instanceof MarshallingError && /malformed reply from the server: truncated record: need 50 bytes/.test(e.message) },
      { send: (c) => c.send(framed(Buffer.alloc(7))), reason: /^truncated record: need 8 bytes at offset 4, frame has 7$/, error: (e) => e instanceof ConnectionLossError && /truncated record/.test(e.message) },
      { send: (c) => c.send(Buffer.concat([int(0x7fffffff), Buffer.alloc(10)])), reason: /^frame length 2147483647 is out of range \(max 4194304 bytes\)$/, error: (e) => e instanceof ConnectionLossError && /frame length 2147483647 is out of range/.test(e.message) },
    ];
    for (const c of cases) {
      s.fake.handler = (conn, req) => (req.frame.path === '/bad' ? c.send(conn, req) : standardReply(conn, req));
      const before = s.reasons.length;
      const e = await rejection(s.zk.getData('/bad'));
      assert.ok(c.error(e), `${c.reason}: the call got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      await waitUntil(() => s.reasons.length > before && s.zk.state === KeeperState.SyncConnected, 'Disconnected, then reconnected');
      assert.match(s.reasons[before]!, c.reason);
      s.fake.handler = standardReply;
      assert.equal(await s.zk.exists('/ok'), null, 'the session works again');
      assert.equal(s.zk['session'].pendingCount, 0);
    }
  });
});
