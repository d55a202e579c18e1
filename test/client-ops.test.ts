// Every client operation and error code against a real standalone ZooKeeper.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddWatchMode,
  AuthFailedError,
  BadArgumentsError,
  BadVersionError,
  ClientClosedError,
  CreateMode,
  EventType,
  InvalidACLError,
  KeeperState,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  NoWatcherError,
  Perms,
  WatcherType,
  ZooKeeper,
  type TransactionFailure,
  type WatchedEvent,
} from '../src/index.js';
import { TestingServer } from '../src/testing/index.js';
import { assertRefusedBefore36, atLeast } from './support/server-version.js';
import { sleep } from './support/wait.js';

let server: TestingServer;
let zk: ZooKeeper;
let n = 0;
/** getEphemerals, getAllChildrenNumber and addWatch came in 3.6; the matrix also runs 3.5. */
const has36 = () => atLeast(server.version, '3.6.0');
/** A fresh, unique base path per test so tests do not see each other's nodes. */
const base = () => `/ops${++n}`;

/** A promise of the first event a watcher receives, and that watcher. */
function nextEvent(): [Promise<WatchedEvent>, (e: WatchedEvent) => void] {
  let fire!: (e: WatchedEvent) => void;
  const p = new Promise<WatchedEvent>((r) => (fire = r));
  return [p, fire];
}


before(async () => {
  server = await TestingServer.start();
  zk = await ZooKeeper.connect(server.connectString, { sessionTimeout: 10000 });
});
after(async () => {
  await zk?.close();
  await server?.stop();
});

describe('create', () => {
  test('persistent, returns the path, data round-trips', async () => {
    const p = base();
    assert.equal(await zk.create(p, 'hello'), p);
    const { data, stat } = await zk.getData(p);
    assert.equal(data?.toString(), 'hello');
    assert.equal(stat.dataLength, 5);
    assert.equal(stat.ephemeralOwner, 0n);
  });

  test('null data is returned as null, empty data as an empty buffer', async () => {
    const p = base();
    await zk.create(p);
    assert.equal((await zk.getData(p)).data, null);
    await zk.create(p + 'e', Buffer.alloc(0));
    assert.deepEqual((await zk.getData(p + 'e')).data, Buffer.alloc(0));
  });

  test('sequential modes append a 10-digit counter; ephemeral is owned by the session', async () => {
    const p = base();
    await zk.create(p);
    const a = await zk.create(`${p}/c_`, null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    const b = await zk.create(`${p}/c_`, null, { mode: CreateMode.PERSISTENT_SEQUENTIAL });
    assert.match(a, /^\/ops\d+\/c_\d{10}$/);
    assert.equal(Number(b.slice(-10)), Number(a.slice(-10)) + 1);
    const st = await zk.exists(a);
    assert.equal(st?.ephemeralOwner, zk.sessionId);
  });

  test('createWithStat returns the Stat of the new node', async () => {
    const p = base();
    const { path, stat } = await zk.createWithStat(p, 'xy');
    assert.equal(path, p);
    assert.equal(stat.dataLength, 2);
    assert.ok(stat.czxid > 0n);
    assert.equal(stat.czxid, (await zk.exists(p))?.czxid);
  });

  test('container and TTL nodes are created (server runs with extendedTypesEnabled)', async () => {
    const p = base();
    await zk.create(p, null, { mode: CreateMode.CONTAINER });
    assert.ok(await zk.exists(p));
    const t = await zk.create(p + '/ttl', 'x', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 60000 });
    assert.equal(t, p + '/ttl');
    const s = await zk.create(p + '/s-', 'x', { mode: CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl: 60000 });
    assert.match(s, /\/s-\d{10}$/);
  });

  test('NodeExists (-110), NoNode for a missing parent (-101), children of ephemerals (-108)', async () => {
    const p = base();
    await zk.create(p);
    await assert.rejects(zk.create(p), (e: NodeExistsError) => e instanceof NodeExistsError && e.code === -110 && e.path === p);
    await assert.rejects(zk.create(p + '/missing/child'), (e: NoNodeError) => e instanceof NoNodeError && e.code === -101);
    await zk.create(p + '/eph', null, { mode: CreateMode.EPHEMERAL });
    await assert.rejects(zk.create(p + '/eph/x'), (e: NoChildrenForEphemeralsError) => e.code === -108);
  });

  test('mode misuse is refused before sending', async () => {
    const p = base();
    await assert.rejects(zk.create(p, null, { mode: CreateMode.PERSISTENT_WITH_TTL }), BadArgumentsError);
    await assert.rejects(zk.create(p, null, { mode: CreateMode.PERSISTENT, ttl: 1000 }), /ttl is only allowed/);
    await assert.rejects(zk.create(p, null, { mode: 99 as CreateMode }), /unknown create mode/);
    await assert.rejects(zk.create(p, null, { acl: [] }), /acl must be a non-empty array/);
    assert.equal(await zk.exists(p), null);
  });
});

describe('reads and writes', () => {
  test('setData with versions; BadVersion (-103)', async () => {
    const p = base();
    await zk.create(p, 'a');
    const s1 = await zk.setData(p, 'b', 0);
    assert.equal(s1.version, 1);
    await assert.rejects(zk.setData(p, 'c', 0), (e: BadVersionError) => e instanceof BadVersionError && e.code === -103);
    const s2 = await zk.setData(p, 'd');
    assert.equal(s2.version, 2);
    assert.equal((await zk.getData(p)).data?.toString(), 'd');
  });

  test('a version below -1 is sent as the Java client sends it (java-oracle seed 3, op 7: delete with -2 was refused before sending)', async () => {
    const p = base();
    // Only -1 means "any": the server matches every other version exactly (a version that
    // wrapped past 2^31-1 is negative), so -2 fails there, with the server's code.
    await assert.rejects(zk.delete(`${p}/none`, -2), NoNodeError);
    await zk.create(p, 'a');
    await assert.rejects(zk.setData(p, 'b', -2), BadVersionError);
    await assert.rejects(zk.delete(p, -2), BadVersionError);
    await assert.rejects(zk.setACL(p, [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }], -(2 ** 31)), BadVersionError);
    await assert.rejects(zk.multi([{ op: 'check', path: p, version: -2 }]), BadVersionError);
    // Outside the int32 a version field holds, it still cannot be sent.
    await assert.rejects(zk.setData(p, 'c', -(2 ** 31) - 1), BadArgumentsError);
    assert.equal((await zk.getData(p)).stat.version, 0);
  });

  test('a sequential create of "<parent>/.." makes "..<seq>", as the Java client does (java-oracle seed 216598587, op 56)', async () => {
    const p = base();
    await zk.create(p);
    const made = await zk.create(`${p}/..`, null, { mode: CreateMode.PERSISTENT_SEQUENTIAL });
    assert.equal(made, `${p}/..0000000000`);
    assert.deepEqual(await zk.multi([{ op: 'create', path: `${p}/.`, mode: CreateMode.EPHEMERAL_SEQUENTIAL }]), [{ type: 'create', path: `${p}/.0000000001` }]);
    await assert.rejects(zk.create(`${p}/..`), BadArgumentsError);
  });

  test('getChildren and getChildrenWithStat', async () => {
    const p = base();
    await zk.create(p);
    for (const c of ['x', 'y', 'z']) await zk.create(`${p}/${c}`);
    assert.deepEqual((await zk.getChildren(p)).sort(), ['x', 'y', 'z']);
    const { children, stat } = await zk.getChildrenWithStat(p);
    assert.equal(children.length, 3);
    assert.equal(stat.numChildren, 3);
    await assert.rejects(zk.getChildren(p + '/none'), NoNodeError);
  });

  test('listChildren: the names of getChildren, decoded on demand, and the same one-time child watch', async () => {
    const p = base();
    await zk.create(p);
    for (const c of ['c_0000000007', 'zürich', 'c_0000000003']) await zk.create(`${p}/${c}`);
    const list = await zk.listChildren(p);
    assert.deepEqual(list.toArray().sort(), (await zk.getChildren(p)).sort());
    assert.deepEqual([...list.sequences(Buffer.from('c_'))].filter((x) => !Number.isNaN(x)).sort(), [3, 7]);
    const fired = new Promise<EventType>((resolve) => void zk.listChildren(p, (e) => resolve(e.type)));
    await zk.create(`${p}/another`);
    assert.equal(await fired, EventType.NodeChildrenChanged);
    await assert.rejects(zk.listChildren(p + '/none'), NoNodeError);
  });

  test('delete: NotEmpty (-111), BadVersion, NoNode; exists reports null after', async () => {
    const p = base();
    await zk.create(p);
    await zk.create(p + '/c');
    await assert.rejects(zk.delete(p), (e: NotEmptyError) => e instanceof NotEmptyError && e.code === -111);
    await assert.rejects(zk.delete(p + '/c', 5), BadVersionError);
    await zk.delete(p + '/c', 0);
    await zk.delete(p);
    assert.equal(await zk.exists(p), null);
    await assert.rejects(zk.delete(p), NoNodeError);
  });

  test('sync, getAllChildrenNumber and getEphemerals', async () => {
    const p = base();
    await zk.create(p);
    await zk.create(p + '/a');
    await zk.create(p + '/a/b');
    const e1 = await zk.create(p + '/e-', null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    await zk.sync(p);
    if (!has36()) {
      await assertRefusedBefore36(server.connectString, (c) => c.getAllChildrenNumber(p));
      await assertRefusedBefore36(server.connectString, (c) => c.getEphemerals(p + '/e-'));
      return;
    }
    assert.equal(await zk.getAllChildrenNumber(p), 3);
    assert.deepEqual(await zk.getEphemerals(p + '/e-'), [e1]);
    assert.ok((await zk.getEphemerals()).includes(e1));
  });

  test('pipelined calls are answered in order', async () => {
    const p = base();
    await zk.create(p, '0');
    const writes = Array.from({ length: 200 }, (_, i) => zk.setData(p, String(i + 1)));
    const stats = await Promise.all(writes);
    assert.deepEqual(stats.map((s) => s.version), Array.from({ length: 200 }, (_, i) => i + 1));
  });

  test('data over the 1 MB frame limit is refused and the session survives', async () => {
    const p = base();
    await assert.rejects(zk.create(p, Buffer.alloc(1024 * 1024 + 10)), /exceeds the server's 1 MB limit/);
    // Just under the limit works.
    await zk.create(p, Buffer.alloc(1024 * 1000));
    assert.equal((await zk.exists(p))?.dataLength, 1024 * 1000);
    assert.equal(zk.state, KeeperState.SyncConnected);
  });

  test('invalid paths are refused with clear errors', async () => {
    for (const bad of ['relative', '/trailing/', '/a//b', '/a/./b', '/a/../b', '/bad\u0001char', '']) {
      await assert.rejects(zk.exists(bad), (e: BadArgumentsError) => e instanceof BadArgumentsError && e.code === -8, bad);
    }
    assert.equal(zk.state, KeeperState.SyncConnected);
  });
});

describe('watches', () => {
  test('getData watch fires once on change (one-time trigger)', async () => {
    const p = base();
    await zk.create(p, 'a');
    const events: WatchedEvent[] = [];
    await zk.getData(p, (e) => events.push(e));
    await zk.setData(p, 'b');
    await zk.setData(p, 'c');
    await zk.sync(p);
    await sleep(50);
    assert.deepEqual(events, [{ type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: p }]);
  });

  test('exists on a missing node watches for its creation', async () => {
    const p = base();
    const [ev, fire] = nextEvent();
    assert.equal(await zk.exists(p, fire), null);
    await zk.create(p);
    assert.deepEqual(await ev, { type: EventType.NodeCreated, state: KeeperState.SyncConnected, path: p });
  });

  test('exists watch on an existing node fires NodeDeleted; getChildren watch NodeChildrenChanged', async () => {
    const p = base();
    await zk.create(p);
    const [childEv, fireChild] = nextEvent();
    await zk.getChildren(p, fireChild);
    await zk.create(p + '/k');
    assert.equal((await childEv).type, EventType.NodeChildrenChanged);
    const [delEv, fireDel] = nextEvent();
    await zk.exists(p + '/k', fireDel);
    await zk.delete(p + '/k');
    assert.deepEqual(await delEv, { type: EventType.NodeDeleted, state: KeeperState.SyncConnected, path: p + '/k' });
  });

  test('a watch set by another client sees this client change (cross-session)', async () => {
    const p = base();
    await zk.create(p, 'v');
    const other = await ZooKeeper.connect(server.connectString);
    try {
      const [ev, fire] = nextEvent();
      await other.getData(p, fire);
      await zk.delete(p);
      assert.equal((await ev).type, EventType.NodeDeleted);
    } finally {
      await other.close();
    }
  });

  test('persistent and recursive watches keep firing; removeWatches stops them', async () => {
    const p = base();
    await zk.create(p);
    const seen: string[] = [];
    const rec = (e: WatchedEvent) => seen.push(`${EventType[e.type]} ${e.path}`);
    if (!has36()) return assertRefusedBefore36(server.connectString, (c) => c.addWatch(p, rec, AddWatchMode.PERSISTENT_RECURSIVE));
    await zk.addWatch(p, rec, AddWatchMode.PERSISTENT_RECURSIVE);
    await zk.create(p + '/a');
    await zk.create(p + '/a/b');
    await zk.setData(p + '/a/b', 'x');
    await zk.delete(p + '/a/b');
    await zk.sync(p);
    await sleep(50);
    assert.deepEqual(seen, [`NodeCreated ${p}/a`, `NodeCreated ${p}/a/b`, `NodeDataChanged ${p}/a/b`, `NodeDeleted ${p}/a/b`]);
    await zk.removeWatches(p, WatcherType.Any);
    await zk.create(p + '/after');
    await zk.sync(p);
    await sleep(50);
    assert.equal(seen.length, 5, 'only the PersistentWatchRemoved notice after removal');
    assert.match(seen[4], /^PersistentWatchRemoved/);
    await assert.rejects(zk.removeWatches(p, WatcherType.Any), (e: NoWatcherError) => e instanceof NoWatcherError && e.code === -121);
  });

  test('a PERSISTENT watch sees data and child changes of the node itself', async () => {
    const p = base();
    await zk.create(p);
    const seen: number[] = [];
    if (!has36()) return assertRefusedBefore36(server.connectString, (c) => c.addWatch(p, (e) => seen.push(e.type), AddWatchMode.PERSISTENT));
    await zk.addWatch(p, (e) => seen.push(e.type), AddWatchMode.PERSISTENT);
    await zk.setData(p, '1');
    await zk.create(p + '/c');
    await zk.setData(p, '2');
    await zk.sync(p);
    await sleep(50);
    assert.deepEqual(seen, [EventType.NodeDataChanged, EventType.NodeChildrenChanged, EventType.NodeDataChanged]);
  });
});

describe('transactions', () => {
  test('commit applies every op atomically with per-op results', async () => {
    const p = base();
    await zk.create(p, 'v0');
    const res = await zk
      .transaction()
      .check(p, 0)
      .create(p + '/a', 'x')
      .create(p + '/s-', null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL })
      .setData(p, 'v1', 0)
      .delete(p + '/a')
      .commit();
    assert.deepEqual(
      res.map((r) => r.type),
      ['check', 'create', 'create', 'setData', 'delete'],
    );
    assert.equal((res[1] as { path: string }).path, p + '/a');
    assert.match((res[2] as { path: string }).path, /\/s-\d{10}$/);
    assert.equal((await zk.getData(p)).data?.toString(), 'v1');
  });

  test('a failed op rolls back everything and reports per-op errors', async () => {
    const p = base();
    await zk.create(p);
    const err = await zk
      .multi([
        { op: 'create', path: p + '/new' },
        { op: 'check', path: p, version: 7 },
        { op: 'delete', path: p },
      ])
      .catch((e: BadVersionError & TransactionFailure) => e);
    assert.ok(err instanceof BadVersionError, String(err));
    assert.equal(err.opIndex, 1);
    assert.deepEqual(
      err.results.map((r) => (r as { code: number }).code),
      [0, -103, -2],
    );
    assert.equal(await zk.exists(p + '/new'), null, 'the create was rolled back');
  });

  test('an empty transaction resolves with no results', async () => {
    assert.deepEqual(await zk.transaction().commit(), []);
  });
});

describe('ACLs and auth', () => {
  test('digest ACL refuses another client (NoAuth -102) and admits the owner', async () => {
    const p = base();
    const owner = await ZooKeeper.connect(server.connectString);
    const stranger = await ZooKeeper.connect(server.connectString);
    try {
      await owner.addAuthInfo('digest', 'alice:secret');
      await owner.create(p, 'private', { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] });
      assert.equal((await owner.getData(p)).data?.toString(), 'private');
      await assert.rejects(stranger.getData(p), (e: NoAuthError) => e instanceof NoAuthError && e.code === -102);
      await assert.rejects(stranger.setData(p, 'x'), NoAuthError);
      await stranger.addAuthInfo('digest', 'alice:wrong');
      await assert.rejects(stranger.getData(p), NoAuthError);
      const { acl } = await owner.getACL(p);
      assert.equal(acl[0].id.scheme, 'digest');
      assert.match(acl[0].id.id, /^alice:/);
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  test('rejected credentials: AuthFailed (-115) state, and the client is finished', async () => {
    const c = await ZooKeeper.connect(server.connectString);
    const states: KeeperState[] = [];
    c.on('state', (st) => states.push(st));
    await assert.rejects(c.addAuthInfo('nosuchscheme', 'x'), (e: AuthFailedError) => e instanceof AuthFailedError && e.code === -115);
    await sleep(20);
    assert.deepEqual(states, [KeeperState.AuthFailed]);
    assert.equal(c.state, KeeperState.AuthFailed);
    await assert.rejects(c.getData('/'), AuthFailedError);
    await c.close();
  });

  test('setACL / getACL round trip and aversion; auth ACL without identity is InvalidACL', async () => {
    const p = base();
    await zk.create(p);
    const st = await zk.setACL(p, [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }], 0);
    assert.equal(st.aversion, 1);
    const { acl } = await zk.getACL(p);
    assert.deepEqual(acl, [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }]);
    await assert.rejects(zk.setData(p, 'x'), NoAuthError);
    await assert.rejects(zk.create(p + 'z', null, { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] }), InvalidACLError);
  });
});

describe('chroot', () => {
  /** Runs `body` with a client chrooted at a fresh node `root`, closed after. */
  async function inChroot(body: (cz: ZooKeeper, root: string) => Promise<void>): Promise<void> {
    const root = base();
    await zk.create(root);
    const cz = await ZooKeeper.connect(server.connectString + root);
    try {
      await body(cz, root);
    } finally {
      await cz.close();
    }
  }

  test('paths are relative to the chroot in requests, replies and events', () =>
    inChroot(async (cz, root) => {
      assert.equal(await cz.create('/x', 'in'), '/x');
      assert.equal((await zk.getData(root + '/x')).data?.toString(), 'in');
      const eph = await cz.create('/e-', null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
      assert.match(eph, /^\/e-\d{10}$/);
      if (has36()) assert.deepEqual(await cz.getEphemerals('/e-'), [eph]);
      assert.deepEqual((await cz.getChildren('/')).sort(), ['e-' + eph.slice(-10), 'x'].sort());
      const [ev, fire] = nextEvent();
      await cz.getData('/x', fire);
      await zk.setData(root + '/x', 'out');
      assert.equal((await ev).path, '/x');
      const tx = await cz.transaction().create('/t').commit();
      assert.equal((tx[0] as { path: string }).path, '/t');
    }));

  test('delete("/") leaves the chroot node in place, as the Java client does (java-oracle, chroot /r: it deleted the chroot)', () =>
    inChroot(async (cz, root) => {
      const [ev, fire] = nextEvent();
      await cz.exists('/', fire);
      // Java sends "/" itself, not the chroot ("root cannot be deleted"), and the server refuses it.
      await assert.rejects(cz.delete('/'), BadArgumentsError);
      assert.notEqual(await zk.exists(root), null);
      await cz.create('/x');
      assert.deepEqual(await cz.getChildren('/'), ['x']);
      await cz.close();
      assert.deepEqual(await ev, { type: EventType.None, state: KeeperState.Closed });
    }));
});

describe('lifecycle', () => {
  test('close deletes ephemerals at once, tells watchers, and later calls fail', async () => {
    const p = base();
    await zk.create(p);
    const c = await ZooKeeper.connect(server.connectString);
    const states: KeeperState[] = [];
    c.on('state', (s) => states.push(s));
    await c.create(p + '/e', null, { mode: CreateMode.EPHEMERAL });
    const [watcherEv, fire] = nextEvent();
    await c.exists(p + '/never', fire);
    const [deleted, fireDeleted] = nextEvent();
    await zk.exists(p + '/e', fireDeleted);
    await c.close();
    assert.equal((await deleted).type, EventType.NodeDeleted);
    assert.deepEqual(await watcherEv, { type: EventType.None, state: KeeperState.Closed });
    await sleep(10);
    assert.deepEqual(states, [KeeperState.Closed]);
    await assert.rejects(c.getData(p), (e: ClientClosedError) => e instanceof ClientClosedError && e.code === -116);
    await c.close(); // idempotent
  });

  test('unreachable server: connect fails with a clear ConnectionLoss error', async () => {
    const started = Date.now();
    await assert.rejects(ZooKeeper.connect('127.0.0.1:1', { connectTimeout: 1500 }), (e: Error & { code: number }) => {
      assert.equal(e.code, -4);
      assert.match(e.message, /could not connect to ZooKeeper at 127\.0\.0\.1:1 within 1500 ms.*ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
  });

  test('bad connect strings and options are refused', async () => {
    await assert.rejects(ZooKeeper.connect(''), /connect string is empty/);
    await assert.rejects(ZooKeeper.connect('host:99999'), /bad port/);
    await assert.rejects(ZooKeeper.connect('127.0.0.1:2181/bad/'), /invalid chroot/);
    await assert.rejects(ZooKeeper.connect(server.connectString, { sessionTimeout: -5 }), /sessionTimeout must be a positive/);
  });
});
