// The client session under faults a real server cannot produce on cue, against an in-process
// fake server (test/support/fake-zk.ts). No ZooKeeper needed. The tests run in memory (the
// fake's dialer as the client's transport) on a FakeClock, so timing is asserted in exact
// virtual milliseconds. (The TcpProxy's own tests are with the harness's, in harness-proxy.)
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import {
  BadArgumentsError,
  ClientClosedError,
  ConnectionLossError,
  ErrorCode,
  EventType,
  KeeperState,
  SessionKeeper,
  NoNodeError,
  SessionExpiredError,
  ZooKeeper,
  ZooKeeperError,
  realClock,
  type Clock,
  type Dialer,
  type Transport,
  type WatchedEvent,
  type ZooKeeperOptions,
} from '../src/index.js';
import { OpCode, Xid } from '../src/protocol/constants.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeZooKeeper, notificationFrame, replyFrame, standardReply, waitUntil, writeStat, type FakeOptions } from './support/fake-zk.js';
import { streamPair } from './support/stream-pair.js';
import { sleep } from './support/wait.js';
import { recordStates } from './support/states.js';
import { rejection, track } from './support/settle.js';

/**
 * Bounds each suite: on a FakeClock no timeout of the client fires by itself, so a broken
 * client would otherwise wait forever instead of failing.
 */
const BOUNDED = { timeout: 60_000 };

/** A watcher that records what it receives. */
function recorder(): { events: WatchedEvent[]; watcher: (e: WatchedEvent) => void } {
  const events: WatchedEvent[] = [];
  return { events, watcher: (e) => events.push(e) };
}

/**
 * Starts a fake and a client connected to it in memory, on a FakeClock at 0; both are closed
 * after the test.
 */
async function setup(t: TestContext, opts: { fake?: FakeOptions; zk?: ZooKeeperOptions; chroot?: string } = {}) {
  const fake = await FakeZooKeeper.start(opts.fake);
  const clock = new FakeClock();
  let zk: ZooKeeper | undefined;
  t.after(async () => {
    // The clock moves so close()'s bounded wait can end even if the fake does not answer.
    if (zk) await Promise.all([zk.close(300), clock.advance(300)]);
    await fake.close();
  });
  zk = await ZooKeeper.connect(fake.connectString + (opts.chroot ?? ''), { sessionTimeout: 1200, connectTimeout: 3000, transport: fake.dial, clock, ...opts.zk });
  const log = recordStates(zk, clock);
  return { fake, zk, log, clock };
}

/**
 * Resolves with a {@link track}ed promise's result once it settles, failing (in real time,
 * naming `what`) rather than hanging when it does not: on a FakeClock nothing else would end it.
 */
async function settled<T>(p: { settled: () => boolean; result: Promise<T> }, what: string): Promise<T> {
  await waitUntil(() => p.settled(), what);
  return p.result;
}

describe('handshake', BOUNDED, () => {
  test('a 36-byte ConnectResponse (no readOnly byte) is accepted; the negotiated values are used', async (t) => {
    const { fake, zk } = await setup(t, { fake: { session: { readOnly: undefined, timeoutMs: 1500 } }, zk: { sessionTimeout: 9000 } });
    assert.equal(zk.state, KeeperState.SyncConnected);
    assert.equal(zk.sessionId, fake.session.sessionId);
    assert.deepEqual(zk.sessionPassword, fake.session.password);
    assert.equal(zk.sessionTimeout, 1500, 'the granted timeout, not the requested one');
    // The client asked for what it was told, and always sends the readOnly byte.
    const hs = fake.handshakes[0];
    assert.equal(hs.timeoutMs, 9000);
    assert.equal(hs.readOnly, false);
    assert.equal(hs.sessionId, 0n);
    assert.equal(hs.lastZxidSeen, 0n);
    assert.deepEqual(hs.password, Buffer.alloc(16));
    assert.equal(await zk.exists('/x'), null, 'requests flow after the short handshake');
  });

  test('a 37-byte ConnectResponse with readOnly=1 gives ConnectedReadOnly', async (t) => {
    const { fake, zk } = await setup(t, { fake: { session: { readOnly: true } }, zk: { canBeReadOnly: true } });
    assert.equal(zk.state, KeeperState.ConnectedReadOnly);
    assert.equal(fake.handshakes[0].readOnly, true);
  });

  test('an idle connection is kept alive by pings: one each third of the timeout, no Disconnected while answered', async (t) => {
    const { fake, zk, log, clock } = await setup(t);
    // At a 1200 ms session timeout: a ping after 400 ms without sending, read timeout 800 ms.
    await clock.advance(399);
    assert.equal(fake.framesOf(OpCode.ping).length, 0, 'no ping before a third of the timeout');
    await clock.advance(1);
    assert.equal(fake.framesOf(OpCode.ping).length, 1, 'a ping at 400 ms');
    await clock.advance(1300); // to 1700 ms: more than 2 read timeouts
    assert.deepEqual(log.states(), []);
    assert.equal(zk.state, KeeperState.SyncConnected);
    const pings = fake.framesOf(OpCode.ping);
    assert.equal(pings.length, 4, 'pings at 400, 800, 1200 and 1600 ms');
    assert.ok(pings.every((p) => p.xid === Xid.ping && p.size === 8));
    assert.equal(fake.handshakes.length, 1);
  });
});

describe('reply matching', BOUNDED, () => {
  test('a reply with the wrong xid fails that request with ConnectionLossError (-4) and the client reconnects', async (t) => {
    const { fake, zk, log } = await setup(t, {
      fake: {
        handler: (conn, req) => {
          if (req.frame.path === '/bad') return conn.reply(req.xid + 1000, 0x200n, 0, (w) => writeStat(w.buffer(Buffer.from('x'))));
          standardReply(conn, req);
        },
      },
    });
    await assert.rejects(zk.getData('/bad'), (e: unknown) => e instanceof ConnectionLossError && (e as ConnectionLossError).code === ErrorCode.CONNECTIONLOSS);
    await log.when(KeeperState.Disconnected);
    await log.when(KeeperState.SyncConnected);
    assert.equal(fake.handshakes.length, 2);
    assert.equal(fake.handshakes[1].sessionId, fake.session.sessionId, 'same session on the new connection');
    assert.deepEqual(fake.handshakes[1].password, fake.session.password);
    assert.equal(await zk.exists('/after'), null, 'the new connection works');
    assert.equal(fake.lastConnection!.id, 2);
  });

  test('an unsolicited reply (nothing in flight) is a protocol error: the client reconnects', async (t) => {
    const { fake, log } = await setup(t);
    fake.lastConnection!.reply(77, 0x200n, 0);
    await log.when(KeeperState.Disconnected);
    await log.when(KeeperState.SyncConnected);
    assert.equal(fake.handshakes.length, 2);
  });

  test('a reply with a truncated body rejects with a ZooKeeperError (the documented contract of every call)', async (t) => {
    const { zk } = await setup(t, {
      fake: {
        handler: (conn, req) => {
          // err 0 but the GetDataResponse claims 100 data bytes that never come.
          if (req.type === OpCode.getData) return conn.reply(req.xid, 0x200n, 0, (w) => w.int(100));
          standardReply(conn, req);
        },
      },
    });
    await assert.rejects(zk.getData('/short'), (e: unknown) => {
      assert.ok(e instanceof ZooKeeperError, `expected a ZooKeeperError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      assert.equal(typeof (e as ZooKeeperError).code, 'number');
      return true;
    });
  });

  test('a failed multi (header err 0, results -1/0, -1/-101, -1/-2) rejects with the failing op\'s error', async (t) => {
    const { zk } = await setup(t, {
      fake: {
        handler: (conn, req) => {
          if (req.type !== OpCode.multi) return standardReply(conn, req);
          conn.reply(req.xid, 0x200n, 0, (w) => {
            w.int(-1).bool(false).int(0).int(0);
            w.int(-1).bool(false).int(-101).int(-101);
            w.int(-1).bool(false).int(-2).int(-2);
            w.int(-1).bool(true).int(-1);
          });
        },
      },
    });
    const err = await zk.transaction().create('/a').delete('/missing').setData('/c', 'x').commit().catch((e: unknown) => e);
    assert.ok(err instanceof NoNodeError, `got ${String(err)}`);
    const f = err as NoNodeError & { opIndex: number; results: unknown[] };
    assert.equal(f.opIndex, 1);
    assert.deepEqual(f.results, [
      { type: 'error', code: 0 },
      { type: 'error', code: -101 },
      { type: 'error', code: -2 },
    ]);
  });
});

describe('connection loss', BOUNDED, () => {
  test('in-flight requests reject with ConnectionLossError, Disconnected is emitted, and no watcher gets a node event', async (t) => {
    const def = recorder();
    const { fake, zk, log, clock } = await setup(t, {
      zk: { watcher: def.watcher },
      fake: {
        handler: (conn, req) => {
          if (req.frame.path === '/slow') return; // never answered
          if (req.frame.path === '/eph' && req.type === OpCode.exists) {
            return conn.reply(req.xid, 0x200n, 0, (w) => writeStat(w, { ephemeralOwner: fake.session.sessionId }));
          }
          standardReply(conn, req);
        },
      },
    });
    const data = recorder();
    const exist = recorder();
    const child = recorder();
    const eph = recorder();
    await zk.getData('/d', data.watcher);
    assert.equal(await zk.exists('/missing', exist.watcher), null);
    await zk.getChildren('/parent', child.watcher);
    assert.ok(await zk.exists('/eph', eph.watcher)); // an ephemeral, as in node-zookeeper-client's bug
    def.events.length = 0;

    const inflight = [rejection(zk.getData('/slow')), rejection(zk.exists('/slow'))];
    await fake.waitFor(() => fake.requests.filter((f) => f.path === '/slow').length === 2, 'the slow requests');
    fake.lastConnection!.destroy();

    for (const e of await Promise.all(inflight)) {
      assert.ok(e instanceof ConnectionLossError && e.code === -4, `got ${String(e)}`);
    }
    await log.when(KeeperState.Disconnected);
    await log.when(KeeperState.SyncConnected);
    await clock.advance(1000); // pings flow; nothing else happens
    assert.deepEqual(log.states(), [KeeperState.Disconnected, KeeperState.SyncConnected]);
    // The default watcher hears the state changes, as None events...
    assert.deepEqual(def.events, [
      { type: EventType.None, state: KeeperState.Disconnected },
      { type: EventType.None, state: KeeperState.SyncConnected },
    ]);
    // ...and no node watcher heard anything: a lost connection is not a deleted node.
    for (const [name, r] of Object.entries({ data, exist, child, eph })) assert.deepEqual(r.events, [], `${name} watcher`);

    // The watches survived the reconnect: a real notification still reaches them, once.
    fake.lastConnection!.notify(EventType.NodeDeleted, '/eph');
    await waitUntil(() => eph.events.length > 0, 'the NodeDeleted event');
    assert.deepEqual(eph.events, [{ type: EventType.NodeDeleted, state: KeeperState.SyncConnected, path: '/eph' }]);
    assert.deepEqual(data.events, []);
  });

  test('after reconnect: auth packets first, then SetWatches (lists as registered, relativeZxid = last normal zxid), then queued requests', async (t) => {
    let zxid = 0n;
    const { fake, zk, log } = await setup(t, {
      chroot: '/app',
      zk: { sessionTimeout: 5000 },
      fake: {
        session: { timeoutMs: 5000 },
        handler: (conn, req) => {
          conn.server.zxid = zxid;
          standardReply(conn, req);
        },
      },
    });
    await zk.addAuthInfo('digest', 'bob:secret');
    await zk.addAuthInfo('digest', 'alice:pw');
    zxid = 0x10n;
    await zk.getData('/d', () => undefined); // data watch
    zxid = 0x11n;
    assert.equal(await zk.exists('/e', () => undefined), null); // exist watch (node missing)
    zxid = 0x20n;
    await zk.getChildren('/c', () => undefined); // child watch
    zxid = 0x21n;
    await zk.getData('/nowatch'); // a read without a watch sets nothing
    assert.equal(fake.handshakes[0].lastZxidSeen, 0n);

    // Frames that must NOT move lastZxid: a ping reply, a notification (3.9 servers give it a
    // zxid), an auth reply (zxid 0). Sent just before a clean close, so they are read first.
    const conn1 = fake.lastConnection!;
    fake.answerHandshakes = false;
    conn1.send(Buffer.concat([replyFrame(Xid.ping, 0x999n, 0), notificationFrame(EventType.NodeDataChanged, '/app/unwatched', 3, 0x998n), replyFrame(Xid.auth, 0n, 0)]));
    conn1.end();
    await log.when(KeeperState.Disconnected);

    // Requests made while disconnected wait in a queue.
    const q1 = zk.getData('/q1');
    const q2 = zk.exists('/q2');
    await fake.waitFor(() => fake.handshakes.length === 2, 'the reconnect handshake');
    const hs = fake.handshakes[1];
    assert.equal(hs.lastZxidSeen, 0x21n, 'ConnectRequest.lastZxidSeen is the last zxid of a normal reply');
    assert.equal(hs.sessionId, fake.session.sessionId);
    assert.deepEqual(hs.password, fake.session.password);
    zxid = 0x30n;
    fake.answerHeldHandshakes();
    await q1;
    assert.equal(await q2, null);

    const sent = fake.requests.filter((f) => f.conn === 2);
    assert.deepEqual(
      sent.map((f) => [f.type, f.xid < 0 ? f.xid : 'normal']),
      [
        [OpCode.auth, Xid.auth],
        [OpCode.auth, Xid.auth],
        [OpCode.setWatches, 'normal'],
        [OpCode.getData, 'normal'],
        [OpCode.exists, 'normal'],
      ],
    );
    assert.deepEqual(
      sent.slice(0, 2).map((f) => f.auth),
      [
        { scheme: 'digest', auth: 'bob:secret' },
        { scheme: 'digest', auth: 'alice:pw' },
      ],
    );
    assert.deepEqual(sent[2].setWatches, { relativeZxid: 0x21n, data: ['/app/d'], exist: ['/app/e'], child: ['/app/c'] });
    assert.deepEqual(
      sent.slice(3).map((f) => f.path),
      ['/app/q1', '/app/q2'],
    );
    // xids follow send order, and the queued requests got theirs at send time.
    assert.equal(sent[3].xid, sent[2].xid + 1);
    assert.equal(sent[4].xid, sent[3].xid + 1);
    assert.ok(sent[2].xid > Math.max(...fake.requests.filter((f) => f.conn === 1 && f.xid > 0).map((f) => f.xid)));
  });

  test('an expired ConnectResponse (timeout 0): Expired, queued calls reject with SessionExpiredError (-112), watchers get None/Expired', async (t) => {
    const def = recorder();
    const { fake, zk, log, clock } = await setup(t, { zk: { watcher: def.watcher, sessionTimeout: 4000 }, fake: { session: { timeoutMs: 4000 } } });
    const w = recorder();
    await zk.getData('/w', w.watcher);
    assert.equal(await zk.exists('/x', w.watcher), null);

    fake.answerHandshakes = false;
    fake.expireSessions = true;
    fake.lastConnection!.destroy();
    await log.when(KeeperState.Disconnected);
    const queued = rejection(zk.getData('/queued'));
    await fake.waitFor(() => fake.handshakes.length === 2, 'the reconnect handshake');
    fake.answerHeldHandshakes();

    const qe = await queued;
    assert.ok(qe instanceof SessionExpiredError && qe.code === -112, `got ${String(qe)}`);
    await log.when(KeeperState.Expired);
    assert.equal(zk.state, KeeperState.Expired);
    await waitUntil(() => w.events.length > 0, 'the watcher to hear of the expiry');
    assert.deepEqual(w.events, [{ type: EventType.None, state: KeeperState.Expired }], 'each watcher told once, with no path');
    assert.deepEqual(def.events.at(-1), { type: EventType.None, state: KeeperState.Expired });
    await assert.rejects(zk.exists('/later'), SessionExpiredError);
    await clock.advance(40_000); // ten session timeouts
    assert.equal(fake.handshakes.length, 2, 'no reconnect after expiry');
    assert.equal(clock.pendingTimers, 0, 'no timer left armed');
    assert.deepEqual(
      fake.requests.filter((f) => f.conn === 2),
      [],
      'nothing sent after the expired handshake',
    );
  });

  test('a silent server: Disconnected exactly when 2/3 of the negotiated timeout pass with no byte, Expired at the whole timeout', async (t) => {
    // Negotiated 1800 ms: read timeout 1200 ms, local expiry 1800 ms after the last byte received.
    const { fake, zk, log, clock } = await setup(t, { fake: { session: { timeoutMs: 1800 } }, zk: { sessionTimeout: 1800 } });
    assert.equal(await zk.exists('/x'), null);
    const t0 = clock.now(); // the client last heard from the server now
    fake.answerPings = false;
    fake.answerHandshakes = false;
    fake.handler = () => undefined;
    const pending = rejection(zk.getData('/pending'));
    const closed = track(zk.closed());

    await clock.advance(1199);
    assert.deepEqual(log.states(), [], 'still connected 1 ms before the read timeout');
    assert.ok(
      fake.framesOf(OpCode.ping).some((p) => p.conn === 1),
      'the client pinged before giving up',
    );
    await clock.advance(1);
    assert.deepEqual(log.events, [{ state: KeeperState.Disconnected, at: t0 + 1200 }], 'Disconnected at the read timeout (2/3 of 1800 ms)');
    assert.ok((await pending) instanceof ConnectionLossError);
    assert.equal(closed.settled(), false, 'a Disconnected client is not closed');

    await clock.advance(599);
    assert.equal(zk.state, KeeperState.Disconnected, 'not expired 1 ms before the session timeout');
    assert.ok(fake.handshakes.length >= 2, 'the client tried to reconnect before expiring');
    await clock.advance(1);
    assert.deepEqual(log.events.at(-1), { state: KeeperState.Expired, at: t0 + 1800 }, 'Expired at the session timeout after the last byte received');
    await settled(closed, 'closed() after the expiry'); // expiry finishes the client
    await assert.rejects(zk.exists('/y'), SessionExpiredError);
    assert.equal(clock.pendingTimers, 0, 'no timer left armed after expiry');
  });
});

describe('client-side refusals', BOUNDED, () => {
  test('calls after close() reject with ClientClosedError; close sends closeSession and is idempotent', async (t) => {
    const { fake, zk } = await setup(t);
    const w = recorder();
    await zk.getData('/w', w.watcher);
    await zk.close();
    await zk.close();
    assert.equal(zk.state, KeeperState.Closed);
    assert.equal(fake.framesOf(OpCode.closeSession).length, 1);
    const closed = (e: unknown) => e instanceof ClientClosedError && (e as ClientClosedError).code === ErrorCode.CLOSING;
    await assert.rejects(zk.getData('/a'), closed);
    await assert.rejects(zk.create('/a'), closed);
    await assert.rejects(zk.exists('/a', () => undefined), closed);
    await assert.rejects(zk.addAuthInfo('digest', 'a:b'), closed);
    await waitUntil(() => w.events.length > 0, 'the Closed event');
    assert.deepEqual(w.events, [{ type: EventType.None, state: KeeperState.Closed }]);
    assert.equal(fake.handshakes.length, 1, 'no reconnect after close');
  });

  test('a request over 1 MB is refused with BadArgumentsError and nothing is sent; exactly 1 MB - 1 goes out', async (t) => {
    const { fake, zk } = await setup(t);
    const limit = 0xfffff; // jute.maxbuffer: the server drops the connection above this
    // setData payload = header 8 + path (4 + 2) + data (4 + n) + version 4 = 22 + n
    const over = Buffer.alloc(limit - 22 + 1);
    const bad = (e: unknown) => e instanceof BadArgumentsError && (e as BadArgumentsError).code === -8;
    await assert.rejects(zk.setData('/a', over), bad);
    await assert.rejects(zk.create('/a', over), bad);
    await assert.rejects(zk.multi([{ op: 'create', path: '/a', data: over }]), bad);
    await zk.setData('/a', Buffer.alloc(limit - 22));
    const big = fake.requests.filter((f) => f.size > 1000);
    assert.deepEqual(
      big.map((f) => [f.type, f.size]),
      [[OpCode.setData, limit]],
    );
    assert.equal(fake.handshakes.length, 1, 'the connection was never dropped');
  });

  test('an auth packet over 1 MB is refused too (it would be re-sent after every reconnect)', async (t) => {
    const { fake, zk } = await setup(t);
    await assert.rejects(zk.addAuthInfo('digest', 'u:' + 'x'.repeat(0xfffff)), BadArgumentsError);
    await zk.exists('/sync');
    assert.deepEqual(fake.framesOf(OpCode.auth), [], 'nothing sent');
  });

  test('an invalid path rejects with BadArgumentsError (-8) and nothing is sent', async (t) => {
    const { fake, zk } = await setup(t);
    const bad = (e: unknown) => e instanceof BadArgumentsError && (e as BadArgumentsError).code === ErrorCode.BADARGUMENTS;
    await assert.rejects(zk.getData('relative'), bad);
    await assert.rejects(zk.exists('/trailing/'), bad);
    await assert.rejects(zk.create('/a//b'), bad);
    await assert.rejects(zk.setData('/./x', 'v'), bad);
    await assert.rejects(zk.delete('/a/..'), bad);
    await assert.rejects(zk.getChildren(''), bad);
    await assert.rejects(zk.getData('/ctl\u0001'), bad);
    await assert.rejects(zk.multi([{ op: 'delete', path: '/ok' }, { op: 'create', path: 'bad' }]), bad);
    assert.equal(await zk.exists('/ok'), null);
    assert.deepEqual(
      fake.requests.map((f) => [f.type, f.path]),
      [[OpCode.exists, '/ok']],
    );
  });
});

describe('ordering within one TCP chunk', BOUNDED, () => {
  test('a notification before a reply in the same chunk is delivered before that reply\'s result is observed', async (t) => {
    const held: Array<{ xid: number; path?: string }> = [];
    const { fake, zk, clock } = await setup(t, {
      fake: {
        handler: (conn, req) => {
          if (req.type !== OpCode.getData) return standardReply(conn, req);
          held.push({ xid: req.xid, path: req.frame.path });
          if (held.length < 2) return;
          // One write: reply to /a (sets the watch), a NodeDataChanged on /a, reply to /b.
          const data = (w: Parameters<typeof writeStat>[0]) => writeStat(w.buffer(Buffer.from('v')), { dataLength: 1 });
          conn.send(Buffer.concat([replyFrame(held[0].xid, 0x300n, 0, data), notificationFrame(EventType.NodeDataChanged, '/a'), replyFrame(held[1].xid, 0x301n, 0, data)]));
        },
      },
    });
    const order: string[] = [];
    const pa = zk.getData('/a', (e) => order.push(`event ${EventType[e.type]} ${e.path}`));
    const pb = zk.getData('/b').then(() => order.push('reply /b'));
    await Promise.all([pa, pb]);
    await clock.advance(0); // let anything still queued run
    assert.deepEqual(held.map((h) => h.path), ['/a', '/b']);
    // Why this order is guaranteed: Connection hands the frames of one chunk to
    // Session.handleFrame synchronously, in stream order. The /a reply registers the watch
    // inside that call (so the notification right behind it finds it), the notification then
    // schedules the watcher with queueMicrotask, and only afterwards does the /b reply resolve
    // its promise; a caller's `then`/`await` runs in a later microtask than the watcher, which
    // was queued first. (The reverse, a reply then a notification, is not guaranteed to be
    // *observed* in that order by an awaiting caller, since async wrappers add microtask hops,
    // so it is not asserted.)
    assert.deepEqual(order, ['event NodeDataChanged /a', 'reply /b']);
    assert.equal(fake.handshakes.length, 1);
  });

  test('replies and notifications split across many small TCP writes are reassembled', async (t) => {
    const { fake, zk } = await setup(t, {
      fake: {
        handler: (conn, req) => {
          if (req.type !== OpCode.getData) return standardReply(conn, req);
          const bytes = Buffer.concat([
            notificationFrame(EventType.NodeCreated, '/other'),
            replyFrame(req.xid, 0x400n, 0, (w) => writeStat(w.buffer(Buffer.from('hello')), { dataLength: 5 })),
          ]);
          // Dribble it out a few bytes at a time.
          let i = 0;
          const tick = () => {
            if (i >= bytes.length) return;
            conn.send(bytes.subarray(i, i + 3));
            i += 3;
            setImmediate(tick);
          };
          tick();
        },
      },
    });
    const { data } = await zk.getData('/dribble');
    assert.equal(data?.toString(), 'hello');
    assert.equal(fake.handshakes.length, 1);
  });
});

describe('lifecycle: closed() and aborting connect', BOUNDED, () => {
  /** The platform's abort convention: `signal.reason` of a bare `abort()`. */
  const isAbortError = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

  /** A dialer that never connects and ignores its signal; it records each signal it was given. */
  function hangingDialer() {
    const signals: AbortSignal[] = [];
    let deliver: ((stream: Transport) => void) | undefined;
    const dial: Dialer = (_address, { signal }) =>
      new Promise<Transport>((resolve) => {
        signals.push(signal);
        deliver = resolve;
      });
    return { dial, signals, deliverLate: (stream: Transport) => deliver?.(stream) };
  }

  test('closed() stays pending through a reconnect, resolves after close() once the Closed event was emitted, and again at once', async (t) => {
    const { fake, zk, log, clock } = await setup(t);
    const closed = track(zk.closed());
    fake.lastConnection!.destroy();
    await log.when(KeeperState.Disconnected);
    await log.when(KeeperState.SyncConnected);
    await clock.advance(0);
    assert.equal(closed.settled(), false, 'a reconnecting client is not closed');
    let closedEventFirst = false;
    void closed.result.then(() => (closedEventFirst = log.states().includes(KeeperState.Closed)));
    await zk.close();
    await settled(closed, 'closed() after close()');
    assert.ok(closedEventFirst, 'the Closed state event is emitted before closed() resolves');
    await zk.closed();
  });

  test('closed() resolves when the server refuses the credentials (AuthFailed)', async (t) => {
    const { zk, log } = await setup(t, {
      fake: { handler: (conn, req) => (req.type === OpCode.auth ? conn.reply(Xid.auth, 0n, -115) : standardReply(conn, req)) },
    });
    const closed = track(zk.closed());
    await assert.rejects(zk.addAuthInfo('digest', 'bob:wrong'));
    await log.when(KeeperState.AuthFailed);
    await settled(closed, 'closed() after AuthFailed');
  });

  test('an already-aborted signal rejects connect with its reason at once and dials nothing', async (t) => {
    const fake = await FakeZooKeeper.start();
    t.after(() => fake.close());
    const err = await rejection(ZooKeeper.connect(fake.connectString, { transport: fake.dial, signal: AbortSignal.abort() }));
    assert.ok(isAbortError(err), `got ${String(err)}`);
    assert.deepEqual(fake.dialed, []);
  });

  test('aborting during the handshake rejects with an AbortError, closes the connection and clears every timer', async (t) => {
    const fake = await FakeZooKeeper.start();
    t.after(() => fake.close());
    fake.answerHandshakes = false;
    const clock = new FakeClock();
    const ac = new AbortController();
    const connecting = rejection(ZooKeeper.connect(fake.connectString, { transport: fake.dial, clock, signal: ac.signal }));
    await fake.waitFor(() => fake.handshakes.length === 1, 'the handshake');
    assert.ok(clock.pendingTimers > 0, 'connect and handshake timeouts are armed');
    ac.abort();
    assert.ok(isAbortError(await connecting));
    await fake.waitFor(() => fake.connections.length === 0, 'the fake to see the connection closed');
    assert.equal(clock.pendingTimers, 0, 'no timer left armed');
    await clock.advance(60_000);
    assert.deepEqual(fake.dialed, [fake.connectString], 'no redial after the abort');
  });

  test('aborting a dial that hangs: its signal aborts, connect rejects with the given reason, a late stream is destroyed', async () => {
    const { dial, signals, deliverLate } = hangingDialer();
    const clock = new FakeClock();
    const ac = new AbortController();
    const connecting = rejection(ZooKeeper.connect('127.0.0.1:2181', { transport: dial, clock, signal: ac.signal }));
    await waitUntil(() => signals.length === 1, 'the dial');
    const reason = new Error('the caller gave up');
    ac.abort(reason);
    assert.equal(await connecting, reason, 'rejects with signal.reason as given');
    assert.equal(signals[0].aborted, true, "the dialer's signal aborted");
    assert.equal(clock.pendingTimers, 0, 'no timer left armed');
    const [late, peer] = streamPair();
    let peerClosed = false;
    peer.on('close', () => (peerClosed = true));
    deliverLate(late);
    await waitUntil(() => peerClosed, 'the late stream to be destroyed');
    assert.equal(late.destroyed, true);
  });

  test('the connect timeout runs on the clock: a dial that never completes fails connect at exactly connectTimeout', async () => {
    const { dial, signals } = hangingDialer();
    const clock = new FakeClock();
    const connecting = track(ZooKeeper.connect('127.0.0.1:2181', { transport: dial, clock, sessionTimeout: 1200, connectTimeout: 2000 }));
    const failure = rejection(connecting.result);
    await waitUntil(() => signals.length === 1, 'the first dial');
    await clock.advance(1199);
    assert.equal(signals[0].aborted, false, 'the dial is given the per-host timeout (1200 ms)');
    await clock.advance(1);
    assert.equal(signals[0].aborted, true, 'the dial is aborted at 1200 ms');
    await clock.advance(799);
    assert.ok(signals.length >= 2, 'the client dials again after a backoff');
    assert.equal(connecting.settled(), false, 'connect still waits 1 ms before its timeout');
    await clock.advance(1);
    const err = await failure;
    assert.ok(err instanceof ConnectionLossError, `got ${String(err)}`);
    assert.match((err as Error).message, /within 2000 ms.*timed out after 1200 ms connecting to 127\.0\.0\.1:2181/);
    assert.ok(signals.every((s) => s.aborted), 'every dial was given up');
    assert.equal(clock.pendingTimers, 0, 'no timer left armed');
  });

  test('aborting a real TLS dial that hangs (a server that never answers the TLS handshake) closes the socket', async (t) => {
    const accepted: net.Socket[] = [];
    const closedSockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      accepted.push(s);
      s.resume(); // read (and drop) the ClientHello, so the client's close is seen
      s.on('error', () => undefined);
      s.on('close', () => closedSockets.add(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    t.after(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const ac = new AbortController();
    const connecting = rejection(ZooKeeper.connect(`127.0.0.1:${port}`, { tls: { rejectUnauthorized: false }, signal: ac.signal, connectTimeout: 30_000, sessionTimeout: 30_000 }));
    await waitUntil(() => accepted.length === 1, 'the TLS dial to reach the server');
    ac.abort();
    assert.ok(isAbortError(await connecting));
    await waitUntil(() => closedSockets.has(accepted[0]), 'the client to close its socket');
    assert.equal(accepted.length, 1, 'no redial after the abort');
  });

  test('SessionKeeper.closed(): not on expiry (the session is replaced), after close(), which aborts a replacement in progress', async (t) => {
    const fake = await FakeZooKeeper.start();
    t.after(() => fake.close());
    const clock = new FakeClock();
    const managed = await SessionKeeper.open(fake.connectString, { transport: fake.dial, clock, sessionTimeout: 1200 });
    t.after(() => managed.close());
    const closed = track(managed.closed());
    const replacements: ZooKeeper[] = [];
    managed.on('session', (zk) => replacements.push(zk));

    // First expiry: the replacement connects. (Only the old session's handshake is expired.)
    let expiries = 0;
    managed.on('state', (state) => {
      if (state !== KeeperState.Expired) return;
      expiries++;
      fake.expireSessions = false;
      // At the second expiry the replacement's handshake is held, and close() comes meanwhile.
      if (expiries === 2) fake.answerHandshakes = false;
    });
    fake.expireSessions = true;
    fake.dropAll();
    await waitUntil(() => replacements.length === 1, 'the replacement session');
    await clock.advance(0);
    assert.equal(closed.settled(), false, 'an expiry does not close a SessionKeeper');

    const handshakesBefore = fake.handshakes.length;
    fake.expireSessions = true;
    fake.dropAll();
    await waitUntil(() => fake.handshakes.length >= handshakesBefore + 2 && !fake.answerHandshakes, 'the held replacement handshake');
    await managed.close();
    await settled(closed, 'SessionKeeper.closed() after close()');
    assert.equal(replacements.length, 1, 'the aborted replacement was never announced');
    await fake.waitFor(() => fake.connections.length === 0, 'every connection closed');
    assert.equal(clock.pendingTimers, 0, 'no timer left armed');
  });
});
