// Service registry, discovery, observer and ClusterNode's role wiring against real ZooKeeper.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClusterNode, LeaderElection, LeaderObserver, SessionKeeper, AddressDiscovery, AddressRegistry, ZooKeeper } from '../src/index.js';
import { TcpProxy, TestingServer } from '../src/testing/index.js';
import { expireSession } from './support/expire.js';
import { until, whenEvent } from './support/wait.js';

let server: TestingServer;
let admin: ZooKeeper;
let n = 0;
const fresh = () => `/reg${++n}`;


const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

before(async () => {
  server = await TestingServer.start({ tickTime: 250 });
  admin = await ZooKeeper.connect(server.connectString);
});
after(async () => {
  await admin?.close();
  await server?.stop();
});

describe('registry and discovery', () => {
  test('join, leave and session expiry are reflected in every view', async () => {
    const parent = fresh();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const sessions = await Promise.all([0, 1, 2].map((i) => SessionKeeper.open(i === 2 ? proxy.connectString : server.connectString, { sessionTimeout: 4000 })));
    const watcherSession = await SessionKeeper.open(server.connectString);
    const discovery = new AddressDiscovery(watcherSession, parent);
    const regs = sessions.map((s) => new AddressRegistry(s, parent));
    try {
      assert.deepEqual(await discovery.start(), [], 'missing parent reads as empty');
      const changes: string[][] = [];
      discovery.on('change', (a) => changes.push(a));
      await regs[0].register('http://a:1');
      await regs[1].register('http://b:2');
      await regs[2].register('http://c:3');
      await whenEvent(discovery, 'change', () => same(discovery.getAllServiceAddresses(), ['http://a:1', 'http://b:2', 'http://c:3']), 5000, 'all joined');
      assert.match(regs[0].node!, /^n_\d{10}$/);
      await regs[1].unregister();
      await whenEvent(discovery, 'change', () => same(discovery.getAllServiceAddresses(), ['http://a:1', 'http://c:3']), 5000, 'leave seen');
      // Expire session 2 from the server side; its registration is re-created on the new session.
      const victim = sessions[2].client;
      const oldNode = regs[2].node!;
      const reRegistered = new Promise<string>((r) => regs[2].once('registered', r));
      await expireSession(victim, proxy, server.connectString);
      const newNode = await reRegistered;
      assert.notEqual(newNode, oldNode);
      assert.notEqual(sessions[2].client.sessionId, victim.sessionId, 'a new session');
      assert.equal(await admin.exists(`${parent}/${oldNode}`), null, 'the expired registration is gone');
      await whenEvent(discovery, 'change', () => same(discovery.getAllServiceAddresses(), ['http://a:1', 'http://c:3']), 8000, 're-registered after expiry');
      assert.deepEqual((await admin.getChildren(parent)).sort(), [regs[0].node, newNode].sort());
      assert.ok(changes.length >= 3, `changes: ${JSON.stringify(changes)}`);
    } finally {
      discovery.close();
      await Promise.all(regs.map((r) => r.close()));
      await Promise.all([...sessions, watcherSession].map((s) => s.close()));
      await proxy.close();
    }
  });

  test('discovery survives a reconnect and the registry parent vanishing', async () => {
    const parent = fresh();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const viewer = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 8000 });
    const worker = await SessionKeeper.open(server.connectString);
    const discovery = new AddressDiscovery(viewer, parent);
    const reg = new AddressRegistry(worker, parent);
    try {
      await discovery.start();
      await reg.register('http://w:1');
      await whenEvent(discovery, 'change', () => same(discovery.getAllServiceAddresses(), ['http://w:1']), 5000, 'registered');
      proxy.refuse();
      await until(() => viewer.client.state === 0, 5000, 'viewer disconnected');
      await reg.unregister();
      await admin.delete(parent); // the operator removes the registry altogether
      await proxy.heal();
      await whenEvent(discovery, 'change', () => discovery.getAllServiceAddresses().length === 0, 8000, 'view caught up after reconnect');
      await reg.register('http://w:2'); // re-creates the parent
      await whenEvent(discovery, 'change', () => same(discovery.getAllServiceAddresses(), ['http://w:2']), 5000, 'parent re-created and seen');
    } finally {
      discovery.close();
      await reg.close();
      await viewer.close();
      await worker.close();
      await proxy.close();
    }
  });
});

describe('observer', () => {
  test('any process is told the current leader and every change', async () => {
    const parent = fresh();
    const session = await SessionKeeper.open(server.connectString);
    const observer = new LeaderObserver(session, parent);
    try {
      assert.equal(await observer.start(), undefined);
      const seen: Array<string | undefined> = [];
      observer.on('leader', (l) => seen.push(l?.node));
      const a = await LeaderElection.start(server.connectString, { parent, data: 'A' });
      const b = await LeaderElection.start(server.connectString, { parent, data: 'B' });
      await whenEvent(observer, 'leader', () => seen.length === 1, 5000, 'first leader');
      assert.equal(observer.leader?.data?.toString(), 'A');
      await a.close();
      await whenEvent(observer, 'leader', () => seen.length === 2, 5000, 'second leader');
      assert.deepEqual(seen, [a.status.node ?? seen[0], b.status.node]);
      await b.close();
      await whenEvent(observer, 'leader', () => seen.length === 3, 5000, 'no leader');
      assert.equal(seen[2], undefined);
    } finally {
      observer.close();
      await session.close();
    }
  });
});

describe('ClusterNode (the design’s node)', () => {
  test('the leader unregisters and watches the workers; workers register; the leader never appears in the list', async () => {
    const electionPath = fresh();
    const registryPath = fresh();
    const nodes: ClusterNode[] = [];
    const leaderHooks: string[] = [];
    const workerHooks: string[] = [];
    const start = (i: number) =>
      ClusterNode.start(server.connectString, {
        address: `http://127.0.0.1:${9000 + i}`,
        electionPath,
        registryPath,
        onElectedToBeLeader: (nd) => void leaderHooks.push(nd.election.status.node!),
        onWorker: (nd) => void workerHooks.push(nd.election.status.node!),
        zookeeper: { sessionTimeout: 4000 },
      });
    try {
      for (let i = 0; i < 4; i++) nodes.push(await start(i));
      const leader = () => nodes.find((x) => x.isLeader)!;
      await whenEvent(nodes, 'workers', () => leader()?.workers.length === 3, 5000, 'leader sees 3 workers');
      const l1 = leader();
      assert.ok(!l1.workers.includes(`http://127.0.0.1:${9000 + nodes.indexOf(l1)}`), 'leader not in its worker list');
      assert.equal(leaderHooks.length, 1);
      assert.equal(workerHooks.length, 3);
      const registered = await admin.getChildren(registryPath);
      assert.equal(registered.length, 3, 'only workers are registered');
      // The leader goes: the successor unregisters itself and sees the remaining 2 workers.
      await l1.close();
      await whenEvent(nodes, 'workers', () => leader() !== undefined && leader() !== l1 && leader().workers.length === 2, 8000, 'new leader sees 2 workers');
      const l2 = leader();
      assert.ok(!l2.workers.includes(`http://127.0.0.1:${9000 + nodes.indexOf(l2)}`));
      assert.equal((await admin.getChildren(registryPath)).length, 2);
      assert.equal(leaderHooks.length, 2);
    } finally {
      await Promise.all(nodes.map((x) => x.close()));
    }
  });
});
