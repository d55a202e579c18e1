// Session behaviour against real ZooKeeper: expiry, partitions, reconnects across a quorum, TLS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthFailedError, CreateMode, EventType, KeeperState, SessionExpiredError, ZooKeeper, type WatchedEvent } from '../src/index.js';
import { TcpProxy, TestingCluster, TestingServer } from '../src/testing/index.js';
import { expireSession } from './support/expire.js';
import { sleep } from './support/wait.js';


/** Records state events and lets a test wait for one. */
function stateLog(zk: ZooKeeper) {
  const states: KeeperState[] = [];
  const reasons: Array<string | undefined> = [];
  zk.on('state', (s, r) => (states.push(s), reasons.push(r)));
  const waitFor = (want: KeeperState, timeoutMs = 30000) =>
    new Promise<void>((resolve, reject) => {
      if (states.includes(want)) return resolve();
      const t = setTimeout(() => reject(new Error(`no ${KeeperState[want]} within ${timeoutMs} ms; saw ${states.map((s) => KeeperState[s])}`)), timeoutMs);
      zk.on('state', (s) => s === want && (clearTimeout(t), resolve()));
    });
  return { states, reasons, waitFor };
}

function nextEvent(): [Promise<WatchedEvent>, (e: WatchedEvent) => void] {
  let fire!: (e: WatchedEvent) => void;
  const p = new Promise<WatchedEvent>((r) => (fire = r));
  return [p, fire];
}

describe('standalone server', () => {
  let server: TestingServer;
  let observer: ZooKeeper;
  before(async () => {
    server = await TestingServer.start({ tickTime: 250 });
    observer = await ZooKeeper.connect(server.connectString);
  });
  after(async () => {
    await observer?.close();
    await server?.stop();
  });

  test('server-reported expiry: Expired state, watchers told, ephemerals gone, calls fail', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const zk = await ZooKeeper.connect(proxy.connectString, { sessionTimeout: 6000 });
    const log = stateLog(zk);
    await zk.create('/exp1', null, { mode: CreateMode.EPHEMERAL });
    const [watchEv, fire] = nextEvent();
    await zk.exists('/exp1-never', fire);
    // Close the session from a second client that resumes it with the same id and password
    // (what Curator's KillSession does); the first client then learns of it from the server.
    await expireSession(zk, proxy, server.connectString);
    await proxy.close();
    await log.waitFor(KeeperState.Expired);
    assert.deepEqual(await watchEv, { type: EventType.None, state: KeeperState.Expired });
    assert.equal(zk.state, KeeperState.Expired);
    assert.match(log.reasons.at(-1) ?? '', /server reports the session expired/);
    await assert.rejects(zk.getData('/'), (e: SessionExpiredError) => e instanceof SessionExpiredError && e.code === -112);
    assert.equal(await observer.exists('/exp1'), null);
    await zk.close();
  });

  test('resuming an expired session fails connect with SessionExpiredError', async () => {
    const zk = await ZooKeeper.connect(server.connectString, { sessionTimeout: 3000 });
    const id = zk.sessionId;
    const pw = zk.sessionPassword;
    await zk.close();
    await assert.rejects(ZooKeeper.connect(server.connectString, { sessionId: id, sessionPassword: pw }), SessionExpiredError);
  });

  test('a change made while disconnected is delivered after reconnecting (SetWatches)', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const zk = await ZooKeeper.connect(proxy.connectString, { sessionTimeout: 6000 });
    try {
      const log = stateLog(zk);
      await observer.create('/missed', 'v1');
      const [ev, fire] = nextEvent();
      await zk.getData('/missed', fire);
      const [childEv, fireChild] = nextEvent();
      await zk.getChildren('/missed', fireChild);
      proxy.refuse();
      await log.waitFor(KeeperState.Disconnected);
      await observer.setData('/missed', 'v2');
      await observer.create('/missed/kid');
      let fired = false;
      void ev.then(() => (fired = true));
      await sleep(100);
      assert.equal(fired, false, 'no node event while disconnected');
      await proxy.heal();
      await log.waitFor(KeeperState.SyncConnected);
      assert.deepEqual(await ev, { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/missed' });
      assert.equal((await childEv).type, EventType.NodeChildrenChanged);
      assert.deepEqual(log.states, [KeeperState.Disconnected, KeeperState.SyncConnected]);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });

  test('no server reachable for the session timeout: Expired locally, then on the server', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const zk = await ZooKeeper.connect(proxy.connectString, { sessionTimeout: 2000 });
    try {
      const log = stateLog(zk);
      const eph = await zk.create('/partitioned', null, { mode: CreateMode.EPHEMERAL });
      const t0 = Date.now();
      proxy.blackhole();
      await log.waitFor(KeeperState.Disconnected, 5000);
      await log.waitFor(KeeperState.Expired, 10000);
      const took = Date.now() - t0;
      // Disconnected after ~2/3 of the timeout, Expired after the timeout; generous bound.
      assert.ok(took >= zk.sessionTimeout - 100 && took < zk.sessionTimeout + 3000, `expired after ${took} ms`);
      assert.match(log.reasons.at(-1) ?? '', /no ZooKeeper server reachable for the session timeout/);
      // The server expires it too (within a tick or so): the ephemeral node goes.
      for (let i = 0; i < 50 && (await observer.exists(eph)); i++) await sleep(100);
      assert.equal(await observer.exists(eph), null);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });

  test('connection loss during a request rejects it with ConnectionLoss; the session survives', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const zk = await ZooKeeper.connect(proxy.connectString, { sessionTimeout: 6000 });
    try {
      const log = stateLog(zk);
      proxy.holdReplies();
      const pending = zk.create('/lost-reply', 'x', { mode: CreateMode.EPHEMERAL });
      await sleep(200);
      proxy.cutAll();
      proxy.releaseReplies();
      await assert.rejects(pending, (e: Error & { code: number }) => e.code === -4);
      await log.waitFor(KeeperState.SyncConnected);
      // The create did reach the server: the outcome of a lost write is unknown to the caller.
      const st = await zk.exists('/lost-reply');
      assert.equal(st?.ephemeralOwner, zk.sessionId);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });
});

describe('3-server quorum', () => {
  let cluster: TestingCluster;
  before(async () => {
    cluster = await TestingCluster.start(3, { tickTime: 500 });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('killing the server in use: reconnect to another, same session, ephemerals and watches kept', async () => {
    const zk = await ZooKeeper.connect(cluster.connectString, { sessionTimeout: 8000 });
    const log = stateLog(zk);
    const sid = zk.sessionId;
    await zk.create('/q', 'v0');
    const eph = await zk.create('/q/e', null, { mode: CreateMode.EPHEMERAL });
    const [ev, fire] = nextEvent();
    await zk.getData('/q', fire);
    const used = cluster.servers.find((s) => s.connectString === zk.connectedServer)?.id;
    assert.ok(used !== undefined, `connected to ${zk.connectedServer}`);
    await cluster.kill(used);
    await log.waitFor(KeeperState.Disconnected);
    await log.waitFor(KeeperState.SyncConnected);
    assert.equal(zk.sessionId, sid);
    assert.notEqual(zk.connectedServer, cluster.servers.find((s) => s.id === used)?.connectString);
    assert.equal((await zk.exists(eph))?.ephemeralOwner, sid);
    const other = await ZooKeeper.connect(cluster.connectString);
    try {
      await other.setData('/q', 'v1');
      assert.deepEqual(await ev, { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/q' });
      assert.deepEqual(log.states, [KeeperState.Disconnected, KeeperState.SyncConnected]);
    } finally {
      await other.close();
      await zk.close();
      await cluster.restart(used);
    }
  });
});

describe('TLS', () => {
  let server: TestingServer;
  before(async () => {
    server = await TestingServer.start({ tls: true });
  });
  after(async () => {
    await server?.stop();
  });

  test('connects to secureClientPort with the CA and runs operations', async () => {
    assert.ok(server.tls, 'the harness started a TLS port');
    const zk = await ZooKeeper.connect(server.tls.connectString, { tls: { ca: server.tls.ca } });
    try {
      await zk.create('/tls', 'secret');
      assert.equal((await zk.getData('/tls')).data?.toString(), 'secret');
    } finally {
      await zk.close();
    }
  });

  test('an untrusted server certificate fails the connect at once with a clear error (no retry until the timeout)', async () => {
    const t0 = Date.now();
    await assert.rejects(ZooKeeper.connect(server.tls!.connectString, { tls: {}, connectTimeout: 20_000 }), (e: unknown) => e instanceof AuthFailedError && /TLS: .*(self.signed|certificate)/i.test(e.message));
    assert.ok(Date.now() - t0 < 5000, `failed after ${Date.now() - t0} ms`);
  });
});
