// The client session under faults a real server cannot produce on cue, against an in-process
// fake server (test/support/fake-zk.ts). No ZooKeeper needed.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  BadArgumentsError,
  ClientClosedError,
  ConnectionLossError,
  ErrorCode,
  EventType,
  KeeperState,
  NoNodeError,
  SessionExpiredError,
  ZooKeeper,
  ZooKeeperError,
  type WatchedEvent,
  type ZooKeeperOptions,
} from '../src/index.js';
import { OpCode, Xid } from '../src/protocol/constants.js';
import { FakeZooKeeper, notificationFrame, replyFrame, standardReply, waitUntil, writeStat, type FakeOptions } from './support/fake-zk.js';
import { sleep } from './support/wait.js';
import { recordStates } from './support/states.js';
import { rejection } from './support/settle.js';


/** A watcher that records what it receives. */
function recorder(): { events: WatchedEvent[]; watcher: (e: WatchedEvent) => void } {
  const events: WatchedEvent[] = [];
  return { events, watcher: (e) => events.push(e) };
}

/** Starts a fake and a client connected to it; both are closed after the test. */
async function setup(t: TestContext, opts: { fake?: FakeOptions; zk?: ZooKeeperOptions; chroot?: string } = {}) {
  const fake = await FakeZooKeeper.start(opts.fake);
  let zk: ZooKeeper | undefined;
  t.after(async () => {
    await zk?.close(300);
    await fake.close();
  });
  zk = await ZooKeeper.connect(fake.connectString + (opts.chroot ?? ''), { sessionTimeout: 1200, connectTimeout: 3000, ...opts.zk });
  const log = recordStates(zk);
  return { fake, zk, log };
}

describe('handshake', () => {
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

  test('an idle connection is kept alive by pings (no Disconnected while pings are answered)', async (t) => {
    const { fake, zk, log } = await setup(t);
    await sleep(1700); // > 2 read timeouts (800 ms each at a 1200 ms session timeout)
    assert.deepEqual(log.states(), []);
    assert.equal(zk.state, KeeperState.SyncConnected);
    const pings = fake.framesOf(OpCode.ping);
    assert.ok(pings.length >= 2, `expected a ping about every 400 ms, got ${pings.length}`);
    assert.ok(pings.every((p) => p.xid === Xid.ping && p.size === 8));
    assert.equal(fake.handshakes.length, 1);
  });
});

describe('reply matching', () => {
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

describe('connection loss', () => {
  test('in-flight requests reject with ConnectionLossError, Disconnected is emitted, and no watcher gets a node event', async (t) => {
    const def = recorder();
    const { fake, zk, log } = await setup(t, {
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
    await sleep(100);
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
    const { fake, zk, log } = await setup(t, { zk: { watcher: def.watcher, sessionTimeout: 4000 }, fake: { session: { timeoutMs: 4000 } } });
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
    await sleep(200);
    assert.equal(fake.handshakes.length, 2, 'no reconnect after expiry');
    assert.deepEqual(
      fake.requests.filter((f) => f.conn === 2),
      [],
      'nothing sent after the expired handshake',
    );
  });

  test('a silent server: Disconnected after ~2/3 of the negotiated timeout, Expired after the timeout', async (t) => {
    // Negotiated 1800 ms: read timeout 1200 ms, local expiry 1800 ms after the last byte received.
    const { fake, zk, log } = await setup(t, { fake: { session: { timeoutMs: 1800 } }, zk: { sessionTimeout: 1800 } });
    assert.equal(await zk.exists('/x'), null);
    const t0 = performance.now(); // the client last heard from the server about now
    fake.answerPings = false;
    fake.answerHandshakes = false;
    fake.handler = () => undefined;
    const pending = rejection(zk.getData('/pending'));

    const disconnectedAt = await log.when(KeeperState.Disconnected, 5000);
    assert.ok((await pending) instanceof ConnectionLossError);
    const expiredAt = await log.when(KeeperState.Expired, 5000);
    const d = disconnectedAt - t0;
    const e = expiredAt - t0;
    // Generous bounds, but tight enough to tell 2/3 of the timeout from the whole of it.
    assert.ok(d >= 1100 && d <= 1650, `Disconnected after ${Math.round(d)} ms (read timeout 1200)`);
    assert.ok(e >= 1700 && e <= 3500, `Expired after ${Math.round(e)} ms (session timeout 1800)`);
    assert.ok(
      fake.framesOf(OpCode.ping).some((p) => p.conn === 1),
      'the client pinged before giving up',
    );
    assert.ok(fake.handshakes.length >= 2, 'the client tried to reconnect before expiring');
    await assert.rejects(zk.exists('/y'), SessionExpiredError);
  });
});

describe('client-side refusals', () => {
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

describe('ordering within one TCP chunk', () => {
  test('a notification before a reply in the same chunk is delivered before that reply\'s result is observed', async (t) => {
    const held: Array<{ xid: number; path?: string }> = [];
    const { fake, zk } = await setup(t, {
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
    await sleep(20);
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
