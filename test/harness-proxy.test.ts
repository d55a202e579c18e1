// TcpProxy, the harness's fault injector between a client and a server: forwarding, held
// replies, blackholes, cuts, refusals, delays, stalls and the rewritten election hello, first
// on raw sockets, then under a real client against the in-process fake server. No ZooKeeper
// needed (harness-partition.test.ts puts the proxies between real servers).
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { ConnectionLossError, KeeperState, ZooKeeper } from '../src/index.js';
import { TcpProxy, getFreePort } from '../src/testing/index.js';
import { electionHello } from '../src/testing/peer-links.js';
import { FakeZooKeeper, waitUntil } from './support/fake-zk.js';
import { rejection, track } from './support/settle.js';
import { recordStates } from './support/states.js';
import { sleep } from './support/wait.js';

/** An echo server that also counts the bytes it received, and keeps them in `text`. */
async function echoServer(t: TestContext) {
  const sockets = new Set<net.Socket>();
  const stats = { received: 0, text: '' };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => {
      stats.received += d.length;
      stats.text += d.toString('latin1');
      s.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as net.AddressInfo).port, stats, sockets };
}

/** A raw client socket that collects what it receives. */
async function rawClient(t: TestContext, port: number) {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined);
  t.after(() => void s.destroy());
  const state = { data: '', closed: false };
  s.on('data', (d) => (state.data += d.toString()));
  s.on('close', () => (state.closed = true));
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return { socket: s, state };
}

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(undefined)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

describe('TcpProxy', () => {
  test('forwards, holds replies, blackholes, cuts, refuses and heals on the same port', async (t) => {
    const echo = await echoServer(t);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    t.after(() => proxy.close());
    assert.equal(proxy.connectString, `127.0.0.1:${proxy.port}`);

    const a = await rawClient(t, proxy.port);
    a.socket.write('1');
    await waitUntil(() => a.state.data === '1', 'echo of 1');
    assert.equal(proxy.connections, 1);

    // holdReplies: the request reaches the server, the answer is held.
    proxy.holdReplies();
    a.socket.write('2');
    await waitUntil(() => echo.stats.received === 2, 'the server to get 2');
    await sleep(100);
    assert.equal(a.state.data, '1', 'reply held');
    proxy.releaseReplies();
    await waitUntil(() => a.state.data === '12', 'held reply delivered');

    // blackhole: nothing either way, on old and new connections; nothing closed.
    proxy.blackhole();
    a.socket.write('3');
    const b = await rawClient(t, proxy.port); // new connects still succeed
    b.socket.write('x');
    await sleep(150);
    assert.equal(echo.stats.received, 2, 'nothing reached the server');
    assert.equal(a.state.data, '12');
    assert.equal(b.state.data, '');
    assert.ok(!a.state.closed && !b.state.closed);
    assert.equal(proxy.connections, 2);
    await proxy.heal();
    await waitUntil(() => a.state.data === '123' && b.state.data === 'x', 'held bytes delivered after heal');

    // cutAll: every connection dies, the proxy keeps listening.
    proxy.cutAll();
    await waitUntil(() => a.state.closed && b.state.closed, 'both clients to see the cut');
    await waitUntil(() => proxy.connections === 0, 'no connections');
    const c = await rawClient(t, proxy.port);
    c.socket.write('4');
    await waitUntil(() => c.state.data === '4', 'a new connection works after cutAll');

    // refuse: ECONNREFUSED for new connects, existing ones destroyed.
    proxy.refuse();
    await waitUntil(() => c.state.closed, 'the existing connection to be destroyed');
    assert.equal(await connectError(proxy.port), 'ECONNREFUSED');
    await proxy.heal();
    const d = await rawClient(t, proxy.port);
    d.socket.write('5');
    await waitUntil(() => d.state.data === '5', 'the same port works after heal');

    await proxy.close();
    assert.equal(await connectError(proxy.port), 'ECONNREFUSED');
    await waitUntil(() => d.state.closed, 'close() destroys connections');
  });

  test('a server-side close during a blackhole is held: the client sees it only after heal', async (t) => {
    const echo = await echoServer(t);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    t.after(() => proxy.close());
    const a = await rawClient(t, proxy.port);
    await waitUntil(() => echo.sockets.size === 1, 'the upstream connection');
    proxy.blackhole();
    for (const s of echo.sockets) s.end();
    await waitUntil(() => echo.sockets.size === 0, 'the server side to close');
    await sleep(100);
    assert.equal(a.state.closed, false, 'never closed during the partition');
    await proxy.heal();
    await waitUntil(() => a.state.closed, 'the close delivered after heal');
  });

  test('a client through the proxy: held replies, cutAll, refuse, blackhole, each healed', async (t) => {
    const fake = await FakeZooKeeper.start({ session: { timeoutMs: 1500 } });
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: fake.port });
    let zk: ZooKeeper | undefined;
    t.after(async () => {
      await zk?.close(300);
      await proxy.close();
      await fake.close();
    });
    zk = await ZooKeeper.connect(proxy.connectString, { sessionTimeout: 1500, connectTimeout: 3000 });
    const log = recordStates(zk);

    // Held replies: the request arrives, the answer waits for releaseReplies().
    proxy.holdReplies();
    const held = track(zk.exists('/held'));
    await fake.waitFor(() => fake.requests.some((f) => f.path === '/held'), 'the request to reach the server');
    await sleep(150);
    assert.equal(held.settled(), false);
    proxy.releaseReplies();
    assert.equal(await held.result, null);

    // cutAll: the client notices and reconnects through the same proxy.
    proxy.cutAll();
    await log.when(KeeperState.Disconnected);
    await waitUntil(() => log.states().length >= 2, 'reconnect');
    assert.deepEqual(log.states(), [KeeperState.Disconnected, KeeperState.SyncConnected]);
    assert.equal(fake.handshakes.length, 2);
    assert.equal(proxy.connections, 1);

    // refuse, then heal: the client gets back in on the same port.
    log.events.length = 0;
    proxy.refuse();
    await log.when(KeeperState.Disconnected);
    await sleep(100);
    assert.equal(zk.state, KeeperState.Disconnected, 'cannot reconnect while refused');
    await proxy.heal();
    await log.when(KeeperState.SyncConnected);
    assert.equal(await zk.exists('/after-refuse'), null);

    // blackhole: nothing comes back, so the read timeout (2/3 × 1500) fires; heal before expiry.
    log.events.length = 0;
    const before = fake.requests.length;
    proxy.blackhole();
    const lost = rejection(zk.exists('/lost'));
    await log.when(KeeperState.Disconnected, 3000);
    assert.ok((await lost) instanceof ConnectionLossError);
    assert.equal(fake.requests.length, before, 'the request never reached the server');
    await proxy.heal();
    await log.when(KeeperState.SyncConnected, 3000);
    assert.equal(await zk.exists('/after-blackhole'), null);
    assert.equal(zk.state, KeeperState.SyncConnected);
  });

  test('delay: each chunk both ways arrives ms later, in order across a change of the delay, on new connections too; heal clears it', async (t) => {
    const echo = await echoServer(t);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    t.after(() => proxy.close());
    const a = await rawClient(t, proxy.port);
    assert.throws(() => proxy.delay(-1), RangeError);

    proxy.delay(200);
    const start = performance.now();
    a.socket.write('a');
    await waitUntil(() => echo.stats.text === 'a', 'the delayed request');
    const oneWay = performance.now() - start;
    await waitUntil(() => a.state.data === 'a', 'the delayed echo');
    const roundTrip = performance.now() - start;
    assert.ok(oneWay >= 190 && oneWay < 1500, `one way took ${oneWay} ms`);
    assert.ok(roundTrip >= 390 && roundTrip < 3000, `the round trip took ${roundTrip} ms`);

    // 'b' waits 300 ms in the proxy; 'c', sent after the delay went back to 0, must not pass it.
    proxy.delay(300);
    a.socket.write('b');
    await sleep(50);
    proxy.delay(0);
    a.socket.write('c');
    await waitUntil(() => a.state.data === 'abc', 'b and c');
    assert.equal(echo.stats.text, 'abc', 'order kept');

    proxy.delay(150);
    const b = await rawClient(t, proxy.port);
    const newStart = performance.now();
    b.socket.write('n');
    await waitUntil(() => b.state.data === 'n', 'the echo on a new connection');
    assert.ok(performance.now() - newStart >= 290, 'a new connection is delayed too');

    await proxy.heal();
    const healedStart = performance.now();
    a.socket.write('d');
    await waitUntil(() => a.state.data === 'abcd', 'the echo after heal');
    assert.ok(performance.now() - healedStart < 250, 'no delay after heal');
  });

  test('stall: nothing either way for ms, then all in order; heal ends a stall at once', async (t) => {
    const echo = await echoServer(t);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    t.after(() => proxy.close());
    const a = await rawClient(t, proxy.port);
    assert.throws(() => proxy.stall(Number.NaN), RangeError);

    proxy.stall(300);
    const start = performance.now();
    a.socket.write('1');
    await sleep(100);
    a.socket.write('2');
    await waitUntil(() => a.state.data === '12', 'the stalled echoes');
    const took = performance.now() - start;
    // One window for both directions: the echo comes right after the stall ends, not 2 × 300 ms.
    assert.ok(took >= 290 && took < 590, `the stalled round trip took ${took} ms`);
    assert.equal(echo.stats.text, '12');

    proxy.stall(10_000);
    a.socket.write('3');
    await sleep(100);
    assert.equal(echo.stats.received, 2, 'stalled');
    const healStart = performance.now();
    await proxy.heal();
    await waitUntil(() => a.state.data === '123', 'the echo after heal');
    assert.ok(performance.now() - healStart < 500, 'heal ends the stall');
  });

  test("rewriteOpening: an election hello's address becomes the one given, split or not; other openings pass unchanged", async (t) => {
    const echo = await echoServer(t);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port }, { rewriteOpening: electionHello(() => '127.0.0.1:4242') });
    t.after(() => proxy.close());
    const hello = (version: bigint, address: string, rest: string) => {
      const head = Buffer.alloc(20);
      head.writeBigInt64BE(version, 0);
      head.writeBigInt64BE(7n, 8);
      head.writeInt32BE(Buffer.byteLength(address), 16);
      return Buffer.concat([head, Buffer.from(address), Buffer.from(rest)]);
    };
    /** Sends `chunks` on a new connection and waits until the echo server got `expected`. */
    const arrives = async (chunks: Buffer[], expected: Buffer) => {
      const before = echo.stats.text.length;
      const c = await rawClient(t, proxy.port);
      for (const chunk of chunks) {
        c.socket.write(chunk);
        await sleep(30); // separate chunks at the proxy: the rewrite must wait for the whole hello
      }
      const got = () => Buffer.from(echo.stats.text.slice(before), 'latin1');
      await waitUntil(() => got().length >= expected.length, 'the opening upstream').catch(() => undefined);
      assert.deepEqual(got(), expected);
    };
    const v1 = hello(-65536n, '127.0.0.1:1111', 'NOTIFICATION');
    await arrives([v1.subarray(0, 5), v1.subarray(5, 18), v1.subarray(18)], hello(-65536n, '127.0.0.1:4242', 'NOTIFICATION'));
    await arrives([hello(-65535n, '127.0.0.1:1|127.0.0.2:1', '')], hello(-65535n, '127.0.0.1:4242', ''));
    const old = Buffer.concat([Buffer.alloc(8, 0), Buffer.from('just an id')]);
    await arrives([old], old);
  });

  test('connectRetryMs: a target that listens late is reached with the bytes sent meanwhile; one that never listens closes the client after the retry time', async (t) => {
    const port = await getFreePort();
    const late = await TcpProxy.start({ host: '127.0.0.1', port }, { connectRetryMs: 3000 });
    const never = await TcpProxy.start({ host: '127.0.0.1', port: await getFreePort() }, { connectRetryMs: 300 });
    const plain = await TcpProxy.start({ host: '127.0.0.1', port: await getFreePort() });
    t.after(() => Promise.all([late.close(), never.close(), plain.close()]));

    const a = await rawClient(t, late.port);
    a.socket.write('early');
    await sleep(300);
    assert.equal(a.state.closed, false, 'kept open while the target refuses');
    assert.equal(late.connections, 1);
    const server = net.createServer((s) => s.on('data', (d) => s.write(d)));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    t.after(() => new Promise((r) => server.close(r)));
    await waitUntil(() => a.state.data === 'early', 'the early bytes echoed once the target listens');
    a.socket.destroy();

    const started = performance.now();
    const b = await rawClient(t, never.port);
    await waitUntil(() => b.state.closed, 'the client closed once the retry time is over');
    assert.ok(performance.now() - started >= 280, 'not before the retry time');
    const c = await rawClient(t, plain.port);
    await waitUntil(() => c.state.closed, 'without connectRetryMs: closed at once', 500);
  });
});
