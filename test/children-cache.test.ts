// ChildrenCache against a real server: the snapshot and its changes, a missing or deleted
// parent, options, the lifecycle, the async iterator, and a resync after a missed change.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChildrenCache, CreateMode, SessionKeeper, ZooKeeper, type CachedChild, type ChildrenChange } from '../src/index.js';
import { TcpProxy, TestingServer } from '../src/testing/index.js';
import { expireSession } from './support/expire.js';

let server: TestingServer;
let admin: ZooKeeper;
let session: SessionKeeper;
let n = 0;
const fresh = () => `/cache${++n}`;
const names = (children: readonly CachedChild[]) => children.map((c) => c.name);

/** Resolves with the first snapshot for which `pred` holds (the current one included). */
function snapshot(cache: ChildrenCache, pred: (c: readonly CachedChild[]) => boolean): Promise<readonly CachedChild[]> {
  if (pred(cache.children)) return Promise.resolve(cache.children);
  return new Promise((resolve) => {
    const on = (c: readonly CachedChild[]) => pred(c) && (cache.off('change', on), resolve(c));
    cache.on('change', on);
  });
}

before(async () => {
  server = await TestingServer.start({ tickTime: 250 });
  admin = await ZooKeeper.connect(server.connectString);
  session = await SessionKeeper.open(server.connectString);
});
after(async () => {
  await session?.close();
  await admin?.close();
  await server?.stop();
});

test('a snapshot with data and owners, then every join and leave', async () => {
  const parent = fresh();
  await admin.create(parent);
  await admin.create(`${parent}/b`, 'two');
  const eph = await admin.create(`${parent}/a`, 'one', { mode: CreateMode.EPHEMERAL });
  await using cache = new ChildrenCache(session, parent);
  const first = await cache.start();
  assert.deepEqual(names(first), ['a', 'b']);
  assert.equal(first[0]?.data?.toString(), 'one');
  assert.equal(first[0]?.path, eph);
  assert.equal(first[0]?.owner, admin.sessionId);
  assert.equal(first[1]?.owner, 0n);
  await admin.create(`${parent}/c`, 'three');
  assert.deepEqual(names(await snapshot(cache, (c) => c.length === 3)), ['a', 'b', 'c']);
  await admin.delete(`${parent}/a`);
  assert.deepEqual(names(await snapshot(cache, (c) => c.length === 2)), ['b', 'c']);
});

test('a missing parent reads as empty, and its creation and deletion are followed', async () => {
  const parent = fresh();
  await using cache = new ChildrenCache(session, parent);
  assert.deepEqual(await cache.start(), []);
  await admin.create(parent);
  await admin.create(`${parent}/x`);
  assert.deepEqual(names(await snapshot(cache, (c) => c.length === 1)), ['x']);
  await admin.delete(`${parent}/x`);
  await admin.delete(parent);
  await snapshot(cache, (c) => c.length === 0);
  await admin.create(parent);
  await admin.create(`${parent}/y`);
  assert.deepEqual(names(await snapshot(cache, (c) => c.length === 1)), ['y'], 'still watching after the parent came back');
});

test('filter and order options shape the snapshot', async () => {
  const parent = fresh();
  await admin.create(parent);
  for (const name of ['k_2', 'k_10', 'other', 'k_1']) await admin.create(`${parent}/${name}`);
  const seq = (s: string) => Number(s.slice(2));
  await using cache = new ChildrenCache(session, parent, { filter: (s) => s.startsWith('k_'), order: (a, b) => seq(a) - seq(b) });
  assert.deepEqual(names(await cache.start()), ['k_1', 'k_2', 'k_10']);
});

test('start once, close idempotent, nothing after close; the iterator yields until close', async () => {
  const parent = fresh();
  await admin.create(parent);
  const cache = new ChildrenCache(session, parent);
  await cache.start();
  await assert.rejects(cache.start(), /started already/);
  const seen: string[][] = [];
  const iterated = (async () => {
    for await (const children of cache) {
      seen.push(names(children));
      if (children.length === 0) void admin.create(`${parent}/one`);
    }
  })();
  await snapshot(cache, (c) => c.length === 1);
  let late = 0;
  cache.on('change', () => late++);
  await cache.close();
  await cache.close();
  await iterated; // the loop ends with the close
  assert.deepEqual(seen, [[], ['one']]);
  await admin.create(`${parent}/two`);
  await admin.sync(parent);
  assert.equal(late, 0, 'no change after close');
  assert.deepEqual(cache.children, []);
  await assert.rejects(cache.start(), /was closed/);
});

test('a change made while disconnected is seen after the reconnect', async () => {
  const parent = fresh();
  await admin.create(parent);
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
  const cut = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 8000 });
  try {
    await using cache = new ChildrenCache(cut, parent);
    await cache.start();
    const disconnected = new Promise<void>((resolve) => cut.client.once('state', () => resolve()));
    proxy.refuse();
    await disconnected;
    await admin.create(`${parent}/while-away`);
    await proxy.heal();
    assert.deepEqual(names(await snapshot(cache, (c) => c.length === 1)), ['while-away']);
  } finally {
    await cut.close();
    await proxy.close();
  }
});

test('watchData: a child whose data changes is read again and reported as updated', async () => {
  const parent = fresh();
  await admin.create(parent);
  await admin.create(`${parent}/a`, 'a1');
  await admin.create(`${parent}/b`, 'b1');
  await using cache = new ChildrenCache(session, parent, { watchData: true });
  await cache.start();
  const changes: ChildrenChange[] = [];
  cache.on('change', (_children, change) => changes.push(change));
  const dataOf = (name: string) => cache.children.find((c) => c.name === name)?.data?.toString();
  await admin.setData(`${parent}/a`, 'a2');
  await snapshot(cache, () => dataOf('a') === 'a2');
  assert.deepEqual(changes.map((c) => c.updated), [['a']]);
  // A burst of writes ends with the last value, and the watch is set again after each read.
  for (let i = 3; i <= 6; i++) await admin.setData(`${parent}/b`, `b${i}`);
  await snapshot(cache, () => dataOf('b') === 'b6');
  assert.ok(changes.slice(1).every((c) => c.updated.join() === 'b'), JSON.stringify(changes));
  // Joins and leaves are reported as before, with nothing updated.
  await admin.create(`${parent}/c`, 'c1');
  await snapshot(cache, (c) => c.length === 3);
  assert.deepEqual(changes.at(-1)?.updated, []);
  await admin.setData(`${parent}/c`, 'c2');
  await snapshot(cache, () => dataOf('c') === 'c2');
});

test('without watchData, children are read once and change events report nothing updated', async () => {
  const parent = fresh();
  await admin.create(parent);
  await admin.create(`${parent}/a`, 'a1');
  await using cache = new ChildrenCache(session, parent);
  await cache.start();
  await admin.setData(`${parent}/a`, 'a2');
  await admin.create(`${parent}/b`);
  const [change] = await new Promise<[readonly CachedChild[], ChildrenChange]>((resolve) => cache.once('change', (...args) => resolve(args)));
  assert.deepEqual(change.map((c) => c.data?.toString() ?? null), ['a1', null], 'the data as first seen');
  assert.deepEqual(cache.children.length, 2);
});

test('watchData: after a session expiry, data changes are watched on the new session', async () => {
  const parent = fresh();
  await admin.create(parent);
  await admin.create(`${parent}/a`, 'v1');
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
  const keeper = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 4000 });
  try {
    await using cache = new ChildrenCache(keeper, parent, { watchData: true });
    await cache.start();
    const victim = keeper.client;
    const replaced = new Promise<void>((resolve) => keeper.once('session', () => resolve()));
    await expireSession(victim, proxy, server.connectString);
    await admin.setData(`${parent}/a`, 'v2'); // while the old session's watches are gone
    await replaced;
    await snapshot(cache, (c) => c[0]?.data?.toString() === 'v2');
    await admin.setData(`${parent}/a`, 'v3');
    await snapshot(cache, (c) => c[0]?.data?.toString() === 'v3');
  } finally {
    await keeper.close();
    await proxy.close();
  }
});
