// Unit tests of the pure codec (src/protocol) against known bytes, plus path validation and
// connect-string parsing. No network, no server: every expected byte is written out by hand
// (the five worked frames below were checked against a 3.8.0 server).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_MAX_FRAME,
  DecodeError,
  FrameDecoder,
  FrameTooLargeError,
  OPEN_ACL_UNSAFE,
  OpCode,
  Reader,
  SET_WATCHES_MAX_CHARS,
  Writer,
  batchWatchLists,
  decodeConnectResponse,
  emptyLists,
  encodeAuth,
  encodeConnectRequest,
  encodeMulti,
  encodePing,
  encodeSetWatches,
  patchXid,
  readGetData,
  readMultiResults,
  readReplyHeader,
  readStat,
  readStrings,
  readWatcherEvent,
  requestWriter,
  writePathWatch,
  type WatchLists,
} from '../src/protocol/index.js';
import { BadArgumentsError, ErrorCode, parseConnectString, validatePath } from '../src/index.js';

// ---- independent byte builders (deliberately not using Writer) --------------------------------

/** Parses hex with arbitrary whitespace: `hex('00 0a ff')`. */
function hex(s: string): Buffer {
  const clean = s.replace(/\s+/g, '');
  assert.equal(clean.length % 2, 0, `odd hex string: ${s}`);
  return Buffer.from(clean, 'hex');
}
function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function i64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}
function u8(n: number): Buffer {
  return Buffer.from([n]);
}
/** A jute ustring: int32 byte length + UTF-8 bytes. */
function str(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([i32(body.length), body]);
}
/** A jute vector of ustrings. */
function strs(items: string[]): Buffer {
  return Buffer.concat([i32(items.length), ...items.map(str)]);
}
/** A whole frame: int32 length prefix + payload. */
function frameOf(...parts: Buffer[]): Buffer {
  const payload = Buffer.concat(parts);
  return Buffer.concat([i32(payload.length), payload]);
}

/** A Stat with every field distinct, the longs beyond 2^53 where the field allows it. */
const STAT_FIELDS = {
  czxid: 0x0000_0001_0000_0002n,
  mzxid: 0x0000_0003_0000_0004n,
  ctime: 1_700_000_000_123,
  mtime: 1_700_000_999_456,
  version: 7,
  cversion: -3, // signed: the decoder must not read it as unsigned
  aversion: 2,
  ephemeralOwner: 0x0100_0abc_def0_1234n, // a realistic session id, above Number.MAX_SAFE_INTEGER
  dataLength: 1234,
  numChildren: 56,
  pzxid: 0x7fff_ffff_ffff_fff0n,
};
function statBytes(s = STAT_FIELDS): Buffer {
  return Buffer.concat([
    i64(s.czxid),
    i64(s.mzxid),
    i64(BigInt(s.ctime)),
    i64(BigInt(s.mtime)),
    i32(s.version),
    i32(s.cversion),
    i32(s.aversion),
    i64(s.ephemeralOwner),
    i32(s.dataLength),
    i32(s.numChildren),
    i64(s.pzxid),
  ]);
}

/** Deterministic PRNG (mulberry32) so "random" chunkings are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- worked frames -------------------------------------------------------------------------

describe('worked frames of §1.4, byte for byte', () => {
  test('ConnectRequest: new session, timeout 30000, readOnly=false', () => {
    const expected = hex(`00 00 00 2d  00 00 00 00  00 00 00 00 00 00 00 00  00 00 75 30
      00 00 00 00 00 00 00 00  00 00 00 10 ${'00 '.repeat(16)}  00`);
    const actual = encodeConnectRequest({ lastZxidSeen: 0n, timeoutMs: 30000, sessionId: 0n, password: Buffer.alloc(16), readOnly: false });
    assert.equal(expected.length, 4 + 45);
    assert.deepEqual(actual, expected);
  });

  test('ConnectRequest fields land where the table says (reconnect with zxid, id, password, readOnly)', () => {
    const pw = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const actual = encodeConnectRequest({ lastZxidSeen: 0x1_0000_0042n, timeoutMs: 4000, sessionId: 0x0100_0000_dead_beefn, password: pw, readOnly: true });
    const expected = frameOf(i32(0), i64(0x1_0000_0042n), i32(4000), i64(0x0100_0000_dead_beefn), i32(16), pw, u8(1));
    assert.deepEqual(actual, expected);
  });

  test('ping: xid -2, opcode 11', () => {
    assert.deepEqual(encodePing(), hex('00 00 00 08  ff ff ff fe  00 00 00 0b'));
  });

  test('getData("/a", watch=true) with xid 1, built with requestWriter + writePathWatch + patchXid', () => {
    const frame = writePathWatch(requestWriter(OpCode.getData), '/a', true).finish();
    // Built with a placeholder xid of 0: the session patches the real xid in at send time.
    assert.equal(frame.readInt32BE(4), 0);
    patchXid(frame, 1);
    assert.deepEqual(frame, hex('00 00 00 0f  00 00 00 01  00 00 00 04  00 00 00 02 2f 61  01'));
  });

  test('closeSession with xid 7: header only', () => {
    const frame = requestWriter(OpCode.closeSession, 0).finish();
    patchXid(frame, 7);
    assert.deepEqual(frame, hex('00 00 00 08  00 00 00 07  ff ff ff f5'));
  });

  test('auth digest "bob:secret": xid -4, opcode 100, AuthPacket{0, scheme, auth}', () => {
    const expected = Buffer.concat([
      hex('00 00 00 24  ff ff ff fc  00 00 00 64  00 00 00 00  00 00 00 06'),
      Buffer.from('digest'),
      hex('00 00 00 0a'),
      Buffer.from('bob:secret'),
    ]);
    assert.deepEqual(encodeAuth('digest', Buffer.from('bob:secret')), expected);
  });

  test('patchXid writes a big-endian signed xid at frame offset 4 and touches nothing else', () => {
    const frame = writePathWatch(requestWriter(OpCode.exists), '/zk', false).finish();
    const before = Buffer.from(frame);
    patchXid(frame, 0x7fffffff);
    assert.deepEqual(frame.subarray(4, 8), hex('7f ff ff ff'));
    assert.deepEqual(frame.subarray(0, 4), before.subarray(0, 4));
    assert.deepEqual(frame.subarray(8), before.subarray(8));
  });

  test('a Writer that outgrows its size hint still produces the right frame', () => {
    const long = 'x'.repeat(1000);
    const frame = writePathWatch(requestWriter(OpCode.getData, 1), '/' + long, false).finish();
    assert.deepEqual(frame, frameOf(i32(0), i32(OpCode.getData), str('/' + long), u8(0)));
  });
});

// ---- handshake ------------------------------------------------------------------------------

describe('ConnectResponse decoding', () => {
  const pw = hex('0f 0e 0d 0c 0b 0a 09 08 07 06 05 04 03 02 01 00');
  const base = Buffer.concat([i32(0), i32(4000), i64(0x0100_0123_4567_89abn), i32(16), pw]);

  test('37-byte payload: readOnly byte present', () => {
    assert.equal(base.length + 1, 37);
    const on = decodeConnectResponse(Buffer.concat([base, u8(1)]));
    assert.deepEqual(on, { protocolVersion: 0, timeoutMs: 4000, sessionId: 0x0100_0123_4567_89abn, password: pw, readOnly: true });
    const off = decodeConnectResponse(Buffer.concat([base, u8(0)]));
    assert.equal(off.readOnly, false);
  });

  test('36-byte payload: no readOnly byte (3.4–3.8 server, "old client") is accepted as read/write', () => {
    assert.equal(base.length, 36);
    const r = decodeConnectResponse(base);
    assert.equal(r.readOnly, false);
    assert.equal(r.timeoutMs, 4000);
    assert.equal(r.sessionId, 0x0100_0123_4567_89abn);
    assert.deepEqual(r.password, pw);
  });

  test('expired session shape: timeout 0, session 0, zero password', () => {
    const r = decodeConnectResponse(Buffer.concat([i32(0), i32(0), i64(0n), i32(16), Buffer.alloc(16), u8(0)]));
    assert.equal(r.timeoutMs, 0);
    assert.equal(r.sessionId, 0n);
    assert.deepEqual(r.password, Buffer.alloc(16));
  });

  test('a truncated ConnectResponse throws DecodeError', () => {
    assert.throws(() => decodeConnectResponse(base.subarray(0, 35)), DecodeError);
    assert.throws(() => decodeConnectResponse(base.subarray(0, 10)), DecodeError);
  });
});

// ---- records --------------------------------------------------------------------------------

describe('records', () => {
  test('Stat: a hand-built 68-byte record decodes field by field, consuming exactly 68 bytes', () => {
    const bytes = Buffer.concat([statBytes(), hex('aa bb')]);
    assert.equal(statBytes().length, 68);
    const r = new Reader(bytes);
    assert.deepEqual(readStat(r), STAT_FIELDS);
    assert.equal(r.pos, 68);
    assert.equal(r.remaining, 2);
  });

  test('Stat: 67 bytes is a DecodeError', () => {
    assert.throws(() => readStat(new Reader(statBytes().subarray(0, 67))), DecodeError);
  });

  test('ReplyHeader: xid, 64-bit zxid, err', () => {
    const h = readReplyHeader(new Reader(Buffer.concat([i32(-1), i64(-1n), i32(0)])));
    assert.deepEqual(h, { xid: -1, zxid: -1n, err: 0 });
    const h2 = readReplyHeader(new Reader(Buffer.concat([i32(42), i64(0x1_0000_0005n), i32(-101)])));
    assert.deepEqual(h2, { xid: 42, zxid: 0x1_0000_0005n, err: -101 });
    assert.throws(() => readReplyHeader(new Reader(Buffer.alloc(15))), DecodeError);
  });

  test('WatcherEvent: type, state, path', () => {
    const ev = readWatcherEvent(new Reader(Buffer.concat([i32(2), i32(3), str('/app/x')])));
    assert.deepEqual(ev, { type: 2, state: 3, path: '/app/x' });
  });

  test('GetDataResponse with null data (-1) gives null, with empty data gives an empty buffer', () => {
    const nul = readGetData(new Reader(Buffer.concat([i32(-1), statBytes()])));
    assert.equal(nul.data, null);
    assert.deepEqual(nul.stat, STAT_FIELDS);
    const empty = readGetData(new Reader(Buffer.concat([i32(0), statBytes()])));
    assert.ok(Buffer.isBuffer(empty.data));
    assert.equal(empty.data!.length, 0);
  });
});

describe('null vs empty', () => {
  test('Writer: null buffer/string is length -1, empty is length 0', () => {
    const w = new Writer().buffer(null).buffer(new Uint8Array(0)).string(null).string('').buffer(undefined).string(undefined);
    assert.deepEqual(w.finish(), frameOf(i32(-1), i32(0), i32(-1), i32(0), i32(-1), i32(-1)));
  });

  test('Writer: string length is the UTF-8 byte length, not the UTF-16 length', () => {
    assert.deepEqual(new Writer().string('é€').finish(), frameOf(i32(5), Buffer.from('é€', 'utf8')));
  });

  test('Writer: an empty vector is count 0, never -1 (a null vector gets MARSHALLINGERROR)', () => {
    assert.deepEqual(new Writer().vector([], () => undefined).finish(), frameOf(i32(0)));
  });

  test('Reader: -1 gives null, 0 gives empty, for buffers and strings', () => {
    const r = new Reader(Buffer.concat([i32(-1), i32(0), i32(-1), i32(0), i32(-1), i32(3), Buffer.from('abc')]));
    assert.equal(r.buffer(), null);
    const empty = r.buffer();
    assert.ok(empty !== null && empty.length === 0);
    assert.equal(r.stringOrNull(), null);
    assert.equal(r.stringOrNull(), '');
    assert.equal(r.string(), '', 'string() maps null to ""');
    assert.equal(r.string(), 'abc');
    assert.equal(r.remaining, 0);
  });

  test('Reader: a null vector (count -1) reads as an empty list', () => {
    assert.deepEqual(readStrings(new Reader(i32(-1))), []);
  });

  test('Reader.buffer returns a copy that does not alias the frame', () => {
    const frame = Buffer.concat([i32(2), hex('01 02')]);
    const b = new Reader(frame).buffer()!;
    frame[4] = 0xff;
    assert.deepEqual(b, hex('01 02'));
  });
});

describe('Reader: DecodeError on truncation', () => {
  const cases: Array<[string, Buffer, (r: Reader) => unknown]> = [
    ['int from 3 bytes', hex('00 00 01'), (r) => r.int()],
    ['long from 7 bytes', hex('00 00 00 00 00 00 01'), (r) => r.long()],
    ['bool from 0 bytes', Buffer.alloc(0), (r) => r.bool()],
    ['string shorter than its length', Buffer.concat([i32(10), Buffer.from('abc')]), (r) => r.string()],
    ['buffer shorter than its length', Buffer.concat([i32(5), hex('01 02')]), (r) => r.buffer()],
    ['buffer length prefix cut short', hex('00 00'), (r) => r.buffer()],
    ['vector with fewer elements than its count', Buffer.concat([i32(3), str('a'), str('b')]), (r) => readStrings(r)],
    ['vector with a huge count and no elements', i32(0x7fffffff), (r) => readStrings(r)],
  ];
  for (const [name, bytes, read] of cases) {
    test(name, () => {
      assert.throws(() => read(new Reader(bytes)), (e: unknown) => e instanceof DecodeError && /truncated/.test((e as Error).message));
    });
  }

  test('a Reader can start at an offset', () => {
    const r = new Reader(Buffer.concat([hex('ff ff'), i32(99)]), 2);
    assert.equal(r.int(), 99);
  });
});

// ---- multi ----------------------------------------------------------------------------------

describe('multi', () => {
  /** MultiHeader{type, done, err}. */
  const mh = (type: number, done: boolean, err: number) => Buffer.concat([i32(type), u8(done ? 1 : 0), i32(err)]);
  const worldAnyone = Buffer.concat([i32(1), i32(31), str('world'), str('anyone')]);

  test('encode layout: header per op + record, then the terminator {-1, true, -1}', () => {
    const frame = encodeMulti([
      { op: 'create', path: '/a', data: Buffer.from('x'), acl: OPEN_ACL_UNSAFE, flags: 1 },
      { op: 'delete', path: '/b', version: 3 },
      { op: 'setData', path: '/c', data: null, version: -1 },
      { op: 'check', path: '/d', version: 7 },
    ]);
    const expected = frameOf(
      i32(0), // xid placeholder
      i32(14), // multi
      mh(1, false, -1),
      str('/a'),
      i32(1),
      Buffer.from('x'),
      worldAnyone,
      i32(1),
      mh(2, false, -1),
      str('/b'),
      i32(3),
      mh(5, false, -1),
      str('/c'),
      i32(-1),
      i32(-1),
      mh(13, false, -1),
      str('/d'),
      i32(7),
      mh(-1, true, -1),
    );
    assert.deepEqual(frame, expected);
  });

  test('encode: container creates use opcode 19 (no ttl), TTL creates opcode 21 with the ttl long', () => {
    const frame = encodeMulti([
      { op: 'create', path: '/k', data: null, acl: OPEN_ACL_UNSAFE, flags: 4 },
      { op: 'create', path: '/t', data: null, acl: OPEN_ACL_UNSAFE, flags: 5, ttl: 60000n },
    ]);
    const expected = frameOf(
      i32(0),
      i32(14),
      mh(19, false, -1),
      str('/k'),
      i32(-1),
      worldAnyone,
      i32(4),
      mh(21, false, -1),
      str('/t'),
      i32(-1),
      worldAnyone,
      i32(5),
      i64(60000n),
      mh(-1, true, -1),
    );
    assert.deepEqual(frame, expected);
  });

  test('decode results of types 1, 15, 2, 5, 13 and -1, then stop at the terminator', () => {
    const body = Buffer.concat([
      mh(1, false, 0),
      str('/a0000000001'),
      mh(15, false, 0),
      str('/b'),
      statBytes(),
      mh(2, false, 0),
      mh(5, false, 0),
      statBytes(),
      mh(13, false, 0),
      mh(-1, false, -101),
      i32(-101),
      mh(-1, true, -1),
      hex('ee'), // a trailing byte after the terminator must not be read
    ]);
    const r = new Reader(body);
    assert.deepEqual(readMultiResults(r), [
      { op: 'create', path: '/a0000000001' },
      { op: 'create', path: '/b', stat: STAT_FIELDS },
      { op: 'delete' },
      { op: 'setData', stat: STAT_FIELDS },
      { op: 'check' },
      { op: 'error', err: -101 },
    ]);
    assert.equal(r.remaining, 1);
  });

  test('decode the failed-transaction shape: -1/0, -1/-101, -1/-2', () => {
    const body = Buffer.concat([mh(-1, false, 0), i32(0), mh(-1, false, -101), i32(-101), mh(-1, false, -2), i32(-2), mh(-1, true, -1)]);
    assert.deepEqual(readMultiResults(new Reader(body)), [
      { op: 'error', err: 0 },
      { op: 'error', err: -101 },
      { op: 'error', err: -2 },
    ]);
  });

  test('decode: an empty multi reply is just the terminator', () => {
    assert.deepEqual(readMultiResults(new Reader(mh(-1, true, -1))), []);
  });

  test('decode: an unknown result type throws instead of desynchronising', () => {
    assert.throws(() => readMultiResults(new Reader(Buffer.concat([mh(99, false, 0), mh(-1, true, -1)]))), /unknown multi result type 99/);
  });

  test('decode: a missing terminator is a DecodeError', () => {
    assert.throws(() => readMultiResults(new Reader(Buffer.concat([mh(2, false, 0)]))), DecodeError);
  });
});

// ---- SetWatches -----------------------------------------------------------------------------

describe('SetWatches', () => {
  const lists = (over: Partial<WatchLists>): WatchLists => ({ ...emptyLists(), ...over });

  test('SetWatches (101) when there are no persistent watches: zxid + 3 vectors, empty lists as count 0', () => {
    const frame = encodeSetWatches(0x1_0000_0005n, lists({ data: ['/a', '/b'], child: ['/c'] }));
    assert.deepEqual(frame, frameOf(i32(0), i32(101), i64(0x1_0000_0005n), strs(['/a', '/b']), strs([]), strs(['/c'])));
  });

  test('SetWatches2 (105) as soon as a persistent or recursive watch exists: 5 vectors', () => {
    const p = encodeSetWatches(9n, lists({ exist: ['/e'], persistent: ['/p'] }));
    assert.deepEqual(p, frameOf(i32(0), i32(105), i64(9n), strs([]), strs(['/e']), strs([]), strs(['/p']), strs([])));
    const rec = encodeSetWatches(9n, lists({ persistentRecursive: ['/r'] }));
    assert.deepEqual(rec, frameOf(i32(0), i32(105), i64(9n), strs([]), strs([]), strs([]), strs([]), strs(['/r'])));
  });

  test('batchWatchLists: nothing to send gives no batch', () => {
    assert.deepEqual(batchWatchLists(emptyLists()), []);
  });

  test('batchWatchLists: a small set is one batch, unchanged', () => {
    const l = lists({ data: ['/a'], exist: ['/b'], child: ['/c'], persistent: ['/d'], persistentRecursive: ['/e'] });
    assert.deepEqual(batchWatchLists(l), [l]);
  });

  test('batchWatchLists: splits at ~128 KB of path characters, keeps order and every path, each frame far under 1 MB', () => {
    const mk = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `/${prefix}/${String(i).padStart(6, '0')}/${'p'.repeat(80)}`);
    const l = lists({ data: mk('d', 1500), exist: mk('e', 700), child: mk('c', 1500), persistentRecursive: mk('r', 300) });
    const total = Object.values(l).flat().reduce((n, p) => n + p.length, 0);
    const batches = batchWatchLists(l);
    assert.ok(batches.length >= Math.ceil(total / SET_WATCHES_MAX_CHARS), `${batches.length} batches for ${total} chars`);
    assert.ok(batches.length <= Math.ceil(total / SET_WATCHES_MAX_CHARS) + 1);
    for (const b of batches) {
      const chars = Object.values(b).flat().reduce((n, p) => n + p.length, 0);
      assert.ok(chars > 0, 'no empty batch');
      assert.ok(chars <= SET_WATCHES_MAX_CHARS, `batch of ${chars} chars`);
      assert.ok(encodeSetWatches(1n, b).length < DEFAULT_MAX_FRAME / 4);
    }
    for (const key of Object.keys(l) as Array<keyof WatchLists>) {
      assert.deepEqual(
        batches.flatMap((b) => b[key]),
        l[key],
        `${key} paths survive batching, in order`,
      );
    }
  });

  test('batchWatchLists: exactly the limit fits in one batch, one more character starts a second', () => {
    const half = '/' + 'a'.repeat(SET_WATCHES_MAX_CHARS / 2 - 1);
    assert.equal(batchWatchLists(lists({ data: [half, half] })).length, 1);
    assert.equal(batchWatchLists(lists({ data: [half, half, '/'] })).length, 2);
  });

  test('batchWatchLists: a single path longer than the limit still goes out (alone)', () => {
    const huge = '/' + 'h'.repeat(SET_WATCHES_MAX_CHARS + 10);
    const batches = batchWatchLists(lists({ data: ['/x', huge, '/y'] }));
    assert.deepEqual(
      batches.map((b) => b.data),
      [['/x'], [huge], ['/y']],
    );
  });
});

// ---- framing --------------------------------------------------------------------------------

describe('FrameDecoder', () => {
  const payloads = [
    Buffer.alloc(0), // an empty frame is legal
    hex('01'),
    Buffer.from('hello, zookeeper'),
    Buffer.alloc(300, 7),
    Buffer.concat([i32(-1), i64(-1n), i32(0), i32(4), i32(3), str('/a')]), // a notification
    Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 0xff)),
    hex('ff ff ff ff'), // payload bytes that look like a negative length must not confuse it
  ];
  const stream = Buffer.concat(payloads.map((p) => frameOf(p)));

  /** Decodes a chunking. Frames are compared only at the end, which also proves that frames
   * handed out earlier are not overwritten by later pushes (no internal buffer reuse). */
  function decodeChunks(chunks: Buffer[]): Buffer[] {
    const d = new FrameDecoder();
    const out: Buffer[] = [];
    for (const c of chunks) d.push(c, (f) => out.push(f));
    assert.equal(d.buffered, 0, 'nothing left over at the end of the stream');
    return out;
  }

  test('the whole stream in one chunk', () => {
    assert.deepEqual(decodeChunks([stream]), payloads);
  });

  test('split into two chunks at every possible offset', () => {
    for (let i = 0; i <= stream.length; i++) {
      assert.deepEqual(decodeChunks([stream.subarray(0, i), stream.subarray(i)]), payloads, `split at ${i}`);
    }
  });

  test('split into three chunks at every pair of offsets within the first frames', () => {
    // All pairs over the whole stream would be ~30M decodes; the first 400 bytes cover every
    // small frame boundary, and the single-split test above covers the large frame.
    const lim = 400;
    for (let i = 0; i <= lim; i++) {
      for (let j = i; j <= lim; j += 3) {
        const got = decodeChunks([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
        assert.equal(got.length, payloads.length, `split at ${i}, ${j}`);
        for (let k = 0; k < payloads.length; k++) if (!got[k].equals(payloads[k])) assert.fail(`frame ${k} differs for split at ${i}, ${j}`);
      }
    }
  });

  test('byte by byte', () => {
    const chunks = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
    assert.deepEqual(decodeChunks(chunks), payloads);
  });

  test('random chunk sizes (seeded)', () => {
    const rnd = prng(1234);
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < stream.length; ) {
        const n = 1 + Math.floor(rnd() * 64);
        chunks.push(stream.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(decodeChunks(chunks), payloads, `round ${round}`);
    }
  });

  test('buffered counts the bytes of an incomplete frame', () => {
    const d = new FrameDecoder();
    const got: Buffer[] = [];
    d.push(hex('00 00 00 05 01 02'), (f) => got.push(f));
    assert.equal(d.buffered, 6);
    assert.equal(got.length, 0);
    d.push(hex('03 04 05 00 00'), (f) => got.push(f));
    assert.deepEqual(got, [hex('01 02 03 04 05')]);
    assert.equal(d.buffered, 2);
  });

  test('FrameTooLargeError for a negative length, as soon as the prefix arrives', () => {
    const d = new FrameDecoder();
    assert.throws(() => d.push(hex('ff ff ff ff'), () => assert.fail('no frame expected')), FrameTooLargeError);
    const d2 = new FrameDecoder();
    assert.throws(() => d2.push(hex('80 00 00 00 01 02'), () => undefined), FrameTooLargeError);
  });

  test('FrameTooLargeError for a length over the maximum, without waiting for (or buffering) the payload', () => {
    const d = new FrameDecoder(10);
    assert.throws(() => d.push(i32(11), () => undefined), (e: unknown) => e instanceof FrameTooLargeError && /11/.test((e as Error).message));
    // The check also applies when the prefix arrives in pieces.
    const d2 = new FrameDecoder(10);
    d2.push(hex('00 00'), () => undefined);
    assert.throws(() => d2.push(hex('00 0b'), () => undefined), FrameTooLargeError);
    // A frame of exactly the maximum is fine.
    const d3 = new FrameDecoder(10);
    const got: Buffer[] = [];
    d3.push(frameOf(Buffer.alloc(10, 1)), (f) => got.push(f));
    assert.deepEqual(got, [Buffer.alloc(10, 1)]);
  });

  test('the default maximum is jute.maxbuffer (0xfffff)', () => {
    assert.equal(DEFAULT_MAX_FRAME, 0xfffff);
    assert.throws(() => new FrameDecoder().push(i32(0xfffff + 1), () => undefined), FrameTooLargeError);
    new FrameDecoder().push(i32(0xfffff), () => assert.fail('incomplete'));
  });
});

// ---- path validation ------------------------------------------------------------------------

describe('validatePath', () => {
  const valid = ['/', '/a', '/a/b/c', '/a-b_c.d', '/.a', '/a.', '/...', '/a/..b', '/a/.b/c', '/ü/日本', '/zookeeper', '/a b'];
  for (const p of valid) {
    test(`accepts ${JSON.stringify(p)}`, () => {
      validatePath(p);
    });
  }

  const invalid: Array<[string, unknown]> = [
    ['empty', ''],
    ['relative', 'a'],
    ['relative with slash', 'a/b'],
    ['trailing slash', '/a/'],
    ['double slash', '/a//b'],
    ['only slashes', '//'],
    ['dot segment', '/./a'],
    ['trailing dot segment', '/a/.'],
    ['dot-dot segment', '/a/../b'],
    ['trailing dot-dot', '/a/..'],
    ['NUL', '/a\u0000b'],
    ['control char U+0001', '/a\u0001'],
    ['newline', '/a\nb'],
    ['DEL U+007F', '/a\u007f'],
    ['C1 control U+0085', '/a\u0085'],
    ['lone surrogate', '/a\ud800'],
    ['emoji (surrogate pair)', '/😀'],
    ['private use U+F8FF', '/\uf8ff'],
    ['U+FFF0', '/\ufff0'],
    ['U+FFFF', '/\uffff'],
    ['not a string', 123],
    ['undefined', undefined],
  ];
  for (const [name, p] of invalid) {
    test(`rejects ${name} with BadArgumentsError (-8)`, () => {
      assert.throws(
        () => validatePath(p),
        (e: unknown) => e instanceof BadArgumentsError && (e as BadArgumentsError).code === ErrorCode.BADARGUMENTS,
      );
    });
  }

  test('sequential: a trailing "/" is allowed (the server appends the suffix), but not "//"', () => {
    validatePath('/a/', true);
    validatePath('/', true);
    validatePath('/a/b-', true);
    assert.throws(() => validatePath('/a//', true), BadArgumentsError);
    assert.throws(() => validatePath('/a/', false), BadArgumentsError);
    assert.throws(() => validatePath('/./', true), BadArgumentsError);
  });

  test('sequential: a last name of "." or ".." is allowed, checked with the suffix as Java does (java-oracle seed 216598587, op 56)', () => {
    // PathUtils.validatePath(path, true) checks path + "1": the node is named "..0000000005".
    for (const p of ['/..', '/.', '/a/..', '/a/.']) validatePath(p, true);
    for (const p of ['/../a', '/./', '/a/../', '/a/./b']) assert.throws(() => validatePath(p, true), BadArgumentsError);
    assert.throws(() => validatePath('/..', false), BadArgumentsError);
  });

  test('the error message names the rule', () => {
    assert.throws(() => validatePath('/a//b'), /empty segment/);
    assert.throws(() => validatePath('/a/'), /must not end with/);
    assert.throws(() => validatePath('x'), /start with "\/"/);
    assert.throws(() => validatePath('/a\u0001'), /U\+0001/);
  });
});

// ---- connect strings ------------------------------------------------------------------------

describe('parseConnectString', () => {
  test('one host', () => {
    assert.deepEqual(parseConnectString('127.0.0.1:2181'), { hosts: [{ host: '127.0.0.1', port: 2181 }], chroot: '' });
  });

  test('several hosts, default port 2181, whitespace trimmed', () => {
    assert.deepEqual(parseConnectString(' zk1:2182 , zk2,zk3:1 '), {
      hosts: [
        { host: 'zk1', port: 2182 },
        { host: 'zk2', port: 2181 },
        { host: 'zk3', port: 1 },
      ],
      chroot: '',
    });
  });

  test('chroot after the host list', () => {
    assert.deepEqual(parseConnectString('a:1,b:2/app/x'), {
      hosts: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      chroot: '/app/x',
    });
    assert.equal(parseConnectString('a/app').chroot, '/app');
    assert.deepEqual(parseConnectString('a/app').hosts, [{ host: 'a', port: 2181 }]);
  });

  test('a chroot of "/" means no chroot', () => {
    assert.equal(parseConnectString('a:1/').chroot, '');
  });

  test('IPv6 in brackets, with and without a port', () => {
    assert.deepEqual(parseConnectString('[::1]:2182,[fe80::1:2]').hosts, [
      { host: '::1', port: 2182 },
      { host: 'fe80::1:2', port: 2181 },
    ]);
    assert.deepEqual(parseConnectString('[::1]:3000/chroot'), { hosts: [{ host: '::1', port: 3000 }], chroot: '/chroot' });
  });

  const bad: Array<[string, unknown]> = [
    ['empty', ''],
    ['blank', '   '],
    ['no hosts', ','],
    ['only a chroot', '/app'],
    ['port 0', 'a:0'],
    ['port 65536', 'a:65536'],
    ['non-numeric port', 'a:xyz'],
    ['port with trailing junk', 'a:12a'],
    ['empty port', 'a:'],
    ['negative port', 'a:-1'],
    ['missing host', ':2181'],
    ['unterminated IPv6', '[::1:2181'],
    ['junk after IPv6', '[::1]x'],
    ['invalid chroot (trailing slash)', 'a:1/app/'],
    ['invalid chroot (double slash)', 'a:1//app'],
    ['not a string', 42],
  ];
  for (const [name, input] of bad) {
    test(`rejects ${name} with BadArgumentsError`, () => {
      assert.throws(
        () => parseConnectString(input as string),
        (e: unknown) => e instanceof BadArgumentsError && (e as BadArgumentsError).code === -8,
      );
    });
  }
});
