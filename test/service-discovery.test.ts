// Named services in Curator's x-discovery format against real ZooKeeper: every operation and
// service type, the exact bytes, expiry, reconnects, deletions, an unregister whose reply is
// lost, the cache's events, malformed nodes, and bad names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CreateMode, encodeInstance, EventType, KeeperState, ServiceCache, ServiceDiscovery, SessionKeeper, type ServiceCacheChange, type ServiceInstance, type ZooKeeper } from '../src/index.js';
import { TcpProxy } from '../src/testing/index.js';
import { expireSession } from './support/expire.js';
import { serverFixture } from './support/fixture.js';
import { until, whenEvent } from './support/wait.js';

const env = serverFixture();
let n = 0;
const freshBase = () => `/disco${++n}`;

/**
 * Records the mode of every `create` the client makes (a server's Stat does not tell a container
 * from a persistent node: it shows ephemeralOwner 0 for both).
 */
function recordCreateModes(zk: ZooKeeper): { modes: Map<string, CreateMode | undefined>; restore: () => void } {
  const modes = new Map<string, CreateMode | undefined>();
  const create = zk.create;
  zk.create = (path, data, options) => (modes.set(path, options?.mode), create.call(zk, path, data, options));
  return { modes, restore: () => (zk.create = create) };
}

/**
 * Runs `body` with a ServiceDiscovery (on a fresh base path) whose session goes through a fresh
 * proxy, for the fault tests; closes all three afterwards.
 */
async function throughProxy(sessionTimeout: number, body: (ctx: { proxy: TcpProxy; keeper: SessionKeeper; sd: ServiceDiscovery }) => Promise<void>): Promise<void> {
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: env.server.port });
  const keeper = await SessionKeeper.open(proxy.connectString, { sessionTimeout });
  const sd = new ServiceDiscovery(keeper, { basePath: freshBase() });
  try {
    await body({ proxy, keeper, sd });
  } finally {
    await sd.close();
    await keeper.close();
    await proxy.close();
  }
}

/** Resolves with the next `registered` event's path. */
const nextRegistered = (sd: ServiceDiscovery) => new Promise<string>((resolve) => sd.once('registered', (_i, path) => resolve(path)));

describe('ServiceDiscovery', () => {
  test('every service type: znode mode, container parents, exact bytes, queries, update, unregister, close', async () => {
    const basePath = freshBase();
    const { modes, restore } = recordCreateModes(env.session.client);
    const sd = new ServiceDiscovery(env.session, { basePath });
    const common = { name: 'api', address: '10.0.0.5', port: 8080, registrationTimeUTC: 1700000000000, uriSpec: '{scheme}://{address}:{port}' };
    const dyn = await sd.registerService({ ...common, id: 'dyn', payload: { zone: 'a' } });
    const seq = await sd.registerService({ ...common, id: 'seq-', serviceType: 'DYNAMIC_SEQUENTIAL' });
    const stat = await sd.registerService({ ...common, id: 'static', serviceType: 'STATIC' });
    const perm = await sd.registerService({ ...common, id: 'perm', serviceType: 'PERMANENT' });

    assert.equal(sd.pathOf(dyn), `${basePath}/api/dyn`);
    assert.match(sd.pathOf(seq)!, new RegExp(`^${basePath}/api/seq-\\d{10}$`), 'the sequential znode gets the suffix');
    assert.equal((await env.admin.exists(`${basePath}/api/dyn`))?.ephemeralOwner, env.session.client.sessionId, 'DYNAMIC is ephemeral');
    assert.equal((await env.admin.exists(sd.pathOf(seq)!))?.ephemeralOwner, env.session.client.sessionId, 'DYNAMIC_SEQUENTIAL is ephemeral');
    assert.equal((await env.admin.exists(`${basePath}/api/static`))?.ephemeralOwner, 0n, 'STATIC is persistent');
    assert.equal((await env.admin.exists(`${basePath}/api/perm`))?.ephemeralOwner, 0n, 'PERMANENT is persistent');
    assert.equal(modes.get(basePath), CreateMode.CONTAINER, 'the base path is a container');
    assert.equal(modes.get(`${basePath}/api`), CreateMode.CONTAINER, 'the service is a container');
    restore();

    const { data } = await env.admin.getData(`${basePath}/api/dyn`);
    assert.equal(
      data?.toString(),
      '{"name":"api","id":"dyn","address":"10.0.0.5","port":8080,"sslPort":null,"payload":{"zone":"a"},"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC",' +
        '"uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true}]}}',
    );
    assert.equal((await env.admin.getData(sd.pathOf(seq)!)).data?.toString().includes('"id":"seq-"'), true, 'the JSON id keeps the id as given');

    assert.deepEqual(await sd.queryForNames(), ['api']);
    assert.deepEqual((await sd.queryForInstances('api')).map((i) => i.id).sort(), ['dyn', 'perm', 'seq-', 'static']);
    assert.deepEqual(await sd.queryForInstance('api', 'dyn'), dyn);
    assert.deepEqual(await sd.queryForInstance('api', 'seq-'), seq, 'a sequential instance is found by its JSON id');
    assert.equal(await sd.queryForInstance('api', 'nobody'), undefined);
    assert.deepEqual(await sd.queryForInstances('missing'), []);

    const czxid = (await env.admin.exists(`${basePath}/api/dyn`))!.czxid;
    await sd.updateService({ ...dyn, payload: { zone: 'b' }, enabled: false });
    const updated = await sd.queryForInstance('api', 'dyn');
    assert.deepEqual(updated?.payload, { zone: 'b' });
    assert.equal(updated?.enabled, false);
    assert.equal((await env.admin.exists(`${basePath}/api/dyn`))!.czxid, czxid, 'an update is a setData');
    await assert.rejects(sd.updateService({ ...dyn, id: 'elsewhere' }), /not registered here: api\/elsewhere/);

    const unregistered: string[] = [];
    sd.on('unregistered', (i) => unregistered.push(i.id));
    await sd.unregisterService(dyn);
    await sd.unregisterService(dyn); // idempotent
    await sd.unregisterService({ name: 'api', id: 'never-was' });
    assert.equal(await env.admin.exists(`${basePath}/api/dyn`), null);
    assert.equal(sd.pathOf(dyn), undefined);

    await sd.close();
    await sd.close();
    assert.deepEqual(unregistered.sort(), ['dyn', 'seq-', 'static']);
    assert.deepEqual(await env.admin.getChildren(`${basePath}/api`), ['perm'], 'close() leaves PERMANENT, removes STATIC and the ephemerals');
    assert.equal(stat.serviceType, 'STATIC');
    assert.equal(perm.serviceType, 'PERMANENT');
    await assert.rejects(sd.registerService(common), /closed/);
  });

  test("the default base path, and Spring Cloud Zookeeper's znode read as written", async () => {
    const id = '585ddd0b-6d59-4f2c-9b8a-1f0c3e5d7a21';
    const json =
      `{"name":"cloud-provider-payment","id":"${id}","address":"192.168.0.106","port":8004,"sslPort":null,` +
      '"payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance","id":"application-1","name":"cloud-provider-payment","metadata":{}},' +
      '"registrationTimeUTC":1698197224917,"serviceType":"DYNAMIC","uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},' +
      '{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true}]}}';
    await env.admin.create('/services').catch(() => undefined);
    await env.admin.create('/services/cloud-provider-payment');
    await env.admin.create(`/services/cloud-provider-payment/${id}`, json, { mode: CreateMode.EPHEMERAL });
    await using sd = new ServiceDiscovery(env.session);
    assert.equal(sd.basePath, '/services');
    const found = await sd.queryForInstance('cloud-provider-payment', id);
    assert.equal(found?.address, '192.168.0.106');
    assert.equal(found?.port, 8004);
    assert.equal((found?.payload as Record<string, unknown>)['@class'], 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance');
    assert.equal(encodeInstance(found!).toString(), json, 'what we read is what Java wrote');
    const mine = await sd.registerService({ name: 'node-api', address: '127.0.0.1', port: 3000 });
    assert.equal(sd.pathOf(mine), `/services/node-api/${mine.id}`);
    assert.ok((await sd.queryForNames()).includes('cloud-provider-payment'));
  });

  test('bad names and ids are refused before anything is sent', async () => {
    await using sd = new ServiceDiscovery(env.session, { basePath: freshBase() });
    for (const name of ['', '.', '..', 'a/b']) {
      await assert.rejects(sd.registerService({ name, address: 'h' }), TypeError, `name ${JSON.stringify(name)}`);
      await assert.rejects(sd.queryForInstances(name), /service name/);
      await assert.rejects(sd.registerService({ name: 'ok', id: name, address: 'h' }), /instance id/);
    }
    await assert.rejects(sd.queryForInstance('ok', 'x/y'), /instance id "x\/y" must not contain/);
    await assert.rejects(sd.unregisterService({ name: 'a/b', id: 'x' }), /service name/);
    assert.throws(() => sd.serviceCache('..'), TypeError);
    assert.throws(() => new ServiceDiscovery(env.session, { basePath: 'relative' }));
  });

  test('a reconnect that keeps the session leaves the registration untouched (same czxid)', () =>
    throughProxy(6000, async ({ proxy, keeper, sd }) => {
      const i = await sd.registerService({ name: 'api', address: 'h', port: 1 });
      const path = sd.pathOf(i)!;
      const before = (await env.admin.exists(path))!;
      let registrations = 0;
      sd.on('registered', () => registrations++);
      const states: KeeperState[] = [];
      keeper.on('state', (s) => states.push(s));
      const sessionId = keeper.client.sessionId;
      proxy.cutAll();
      await whenEvent(keeper, 'state', () => states.includes(KeeperState.Disconnected) && states.at(-1) === KeeperState.SyncConnected, 10_000, 'reconnected');
      await keeper.client.sync('/'); // after the re-check the reconnect triggered
      assert.equal(keeper.client.sessionId, sessionId, 'the same session');
      const after = (await env.admin.exists(path))!;
      assert.equal(after.czxid, before.czxid, 'not deleted and re-created');
      assert.equal(after.mzxid, before.mzxid, 'not rewritten');
      assert.equal(registrations, 0);
    }));

  test('after session expiry, registrations are re-created on the new session, with the updated copy', () =>
    throughProxy(4000, async ({ proxy, keeper, sd }) => {
      const dyn = await sd.registerService({ name: 'api', address: 'h', port: 1, payload: 'v1' });
      const stat = await sd.registerService({ name: 'api', address: 'h', port: 2, serviceType: 'STATIC' });
      await sd.updateService({ ...dyn, payload: 'v2' });
      const staticCzxid = (await env.admin.exists(sd.pathOf(stat)!))!.czxid;
      const oldCzxid = (await env.admin.exists(sd.pathOf(dyn)!))!.czxid;
      const victim = keeper.client;
      const reRegistered = nextRegistered(sd);
      await expireSession(victim, proxy, env.server.connectString);
      assert.equal(await reRegistered, sd.pathOf(dyn));
      assert.notEqual(keeper.client.sessionId, victim.sessionId, 'a new session');
      const now = (await env.admin.exists(sd.pathOf(dyn)!))!;
      assert.equal(now.ephemeralOwner, keeper.client.sessionId);
      assert.notEqual(now.czxid, oldCzxid);
      assert.equal((await sd.queryForInstance('api', dyn.id))?.payload, 'v2', 're-registration writes the in-memory copy');
      assert.equal((await env.admin.exists(sd.pathOf(stat)!))!.czxid, staticCzxid, 'a STATIC node outlives the session untouched');
    }));

  test('a registration deleted by someone else is re-created at once', async () => {
    await using sd = new ServiceDiscovery(env.session, { basePath: freshBase() });
    const dyn = await sd.registerService({ name: 'api', address: 'h', port: 1 });
    const seq = await sd.registerService({ name: 'api', id: 'w-', address: 'h', port: 2, serviceType: 'DYNAMIC_SEQUENTIAL' });
    for (const instance of [dyn, seq]) {
      const path = sd.pathOf(instance)!;
      const again = nextRegistered(sd);
      await env.admin.delete(path);
      const newPath = await again;
      assert.deepEqual(await sd.queryForInstance('api', instance.id), instance);
      assert.equal(sd.pathOf(instance), newPath);
    }
    // The operator removes the whole service: the container is made again.
    const again = new Promise<void>((resolve) => {
      let seen = 0;
      sd.on('registered', () => ++seen === 2 && resolve());
    });
    await env.admin.transaction().delete(sd.pathOf(dyn)!).delete(sd.pathOf(seq)!).delete(`${sd.basePath}/api`).commit();
    await again;
    assert.equal((await sd.queryForInstances('api')).length, 2);
  });

  test('unregister is idempotent when a connection loss swallows the reply of its delete', () =>
    throughProxy(8000, async ({ proxy, sd }) => {
      const i = await sd.registerService({ name: 'api', address: 'h', port: 1 });
      const path = sd.pathOf(i)!;
      let onDeleted!: () => void;
      const deleted = new Promise<void>((resolve) => (onDeleted = resolve));
      assert.ok(await env.admin.exists(path, (ev) => ev.type === EventType.NodeDeleted && onDeleted()), 'watching the node');
      proxy.holdReplies(); // the delete reaches the server; its reply does not come back
      const unregistering = sd.unregisterService(i);
      await deleted;
      proxy.cutAll(); // the held reply is lost: the client sees ConnectionLoss and retries
      proxy.releaseReplies();
      await unregistering;
      await sd.unregisterService(i);
      assert.equal(await env.admin.exists(path), null);
      assert.equal(sd.pathOf(i), undefined);
    }));

  test('an unregister started while cut off completes once the connection is back', () =>
    throughProxy(8000, async ({ proxy, keeper, sd }) => {
      const i = await sd.registerService({ name: 'api', address: 'h', port: 1, serviceType: 'STATIC' });
      proxy.refuse();
      await whenEvent(keeper, 'state', () => keeper.client.state === KeeperState.Disconnected, 5000, 'disconnected');
      const unregistering = sd.unregisterService(i);
      await proxy.heal();
      await unregistering;
      assert.equal(await env.admin.exists(`${sd.basePath}/api/${i.id}`), null);
    }));

  test('registering an id held by another session replaces it, as Curator does; re-registration never takes it back', async () => {
    const basePath = freshBase();
    const other = await SessionKeeper.open(env.server.connectString);
    const first = new ServiceDiscovery(env.session, { basePath });
    const second = new ServiceDiscovery(other, { basePath });
    try {
      await first.registerService({ name: 'api', id: 'x', address: 'old', port: 1 });
      const refused = new Promise<unknown>((resolve) => first.once('error', resolve));
      await second.registerService({ name: 'api', id: 'x', address: 'new', port: 2 });
      assert.match(String(((await refused) as Error).message), /is registered already by session/, "the first one's re-registration is refused");
      const node = (await env.admin.exists(`${basePath}/api/x`))!;
      assert.equal(node.ephemeralOwner, other.client.sessionId);
      assert.equal((await first.queryForInstance('api', 'x'))?.address, 'new');
    } finally {
      await second.close();
      await first.close();
      await other.close();
    }
  });

  test('registering again updates in place; an aborted registration leaves nothing', async () => {
    await using sd = new ServiceDiscovery(env.session, { basePath: freshBase() });
    const a = await sd.registerService({ name: 'api', id: 'a', address: 'h', port: 1 });
    const czxid = (await env.admin.exists(sd.pathOf(a)!))!.czxid;
    await sd.registerService({ name: 'api', id: 'a', address: 'h', port: 2 });
    assert.equal((await env.admin.exists(sd.pathOf(a)!))!.czxid, czxid);
    assert.equal((await sd.queryForInstance('api', 'a'))?.port, 2);
    await assert.rejects(sd.registerService({ name: 'api', id: 'b', address: 'h' }, AbortSignal.abort(new Error('gave up'))), /gave up/);
    assert.equal(sd.pathOf({ name: 'api', id: 'b' }), undefined);
    assert.deepEqual(sd.registered.map((i) => i.id), ['a']);
    assert.equal(await env.admin.exists(`${sd.basePath}/api/b`), null);
  });

  test('malformed instance znodes are skipped and reported once per path', async () => {
    const basePath = freshBase();
    await using sd = new ServiceDiscovery(env.session, { basePath });
    await sd.registerService({ name: 'api', id: 'good', address: 'h', port: 1 });
    await env.admin.create(`${basePath}/api/junk`, 'not json');
    await env.admin.create(`${basePath}/api/typed`, '{"name":"api","id":"typed","address":"h","port":"eighty"}');
    const errors: Error[] = [];
    sd.on('error', (e) => errors.push(e as Error));
    for (let round = 0; round < 3; round++) assert.deepEqual((await sd.queryForInstances('api')).map((i) => i.id), ['good']);
    assert.equal(await sd.queryForInstance('api', 'junk'), undefined);
    assert.deepEqual(errors.map((e) => e.name), ['InvalidInstanceError', 'InvalidInstanceError']);
    assert.match(errors[0]!.message, new RegExp(`${basePath}/api/junk: not JSON`));
    assert.match(errors[1]!.message, new RegExp(`${basePath}/api/typed: "port" must be an integer or null`));
  });
});

describe('ServiceCache', () => {
  test('a missing service, then added, updated and removed instances, each told apart by id', async () => {
    const basePath = freshBase();
    await using sd = new ServiceDiscovery(env.session, { basePath });
    await using cache = sd.serviceCache('api');
    assert.deepEqual(await cache.start(), [], 'a missing service reads as empty');
    const changes: ServiceCacheChange[] = [];
    cache.on('change', (_instances, change) => changes.push(change));
    const ids = (list: readonly ServiceInstance[]) => list.map((i) => i.id).sort();
    const waitFor = (what: string, pred: () => boolean) => whenEvent(cache, 'change', pred, 5000, what);

    const a = await sd.registerService({ name: 'api', id: 'a', address: 'h', port: 1 });
    await waitFor('a added', () => ids(cache.instances).join() === 'a');
    const b = await sd.registerService({ name: 'api', id: 'b', address: 'h', port: 2 });
    await waitFor('b added', () => ids(cache.instances).join() === 'a,b');
    assert.deepEqual(changes.map((c) => ids(c.added)), [['a'], ['b']]);

    await sd.updateService({ ...a, port: 1111 });
    await waitFor('a updated', () => cache.instances.find((i) => i.id === 'a')?.port === 1111);
    assert.deepEqual(changes.at(-1), { added: [], removed: [], updated: [{ ...a, port: 1111 }] });

    await sd.unregisterService(b);
    await waitFor('b removed', () => ids(cache.instances).join() === 'a');
    assert.deepEqual(changes.at(-1), { added: [], removed: [b], updated: [] });
    assert.equal(changes.length, 4, JSON.stringify(changes));
  });

  test('malformed children are skipped and reported once; a fixed one appears', async () => {
    const basePath = freshBase();
    await using sd = new ServiceDiscovery(env.session, { basePath });
    await sd.registerService({ name: 'api', id: 'ok', address: 'h', port: 1 });
    await env.admin.create(`${basePath}/api/bad`, '{"name":"api"}');
    const cache = new ServiceCache(env.session, 'api', { basePath });
    const errors: Error[] = [];
    cache.on('error', (e) => errors.push(e as Error));
    try {
      assert.deepEqual((await cache.start()).map((i) => i.id), ['ok']);
      await sd.registerService({ name: 'api', id: 'ok2', address: 'h', port: 2 }); // another read of the children
      await whenEvent(cache, 'change', () => cache.instances.length === 2, 5000, 'ok2 seen');
      assert.equal(errors.length, 1, errors.map((e) => e.message).join('; '));
      assert.match(errors[0]!.message, new RegExp(`${basePath}/api/bad: "id" must be a string`));
      await env.admin.setData(`${basePath}/api/bad`, '{"name":"api","id":"bad","address":"h2"}');
      await whenEvent(cache, 'change', () => cache.instances.some((i) => i.id === 'bad'), 5000, 'the fixed node seen');
    } finally {
      await cache.close();
    }
  });

  test('lifecycle: start once, abort, idempotent close, the iterator until close', async () => {
    const basePath = freshBase();
    await using sd = new ServiceDiscovery(env.session, { basePath });
    const aborted = new ServiceCache(env.session, 'api', { basePath });
    await assert.rejects(aborted.start(AbortSignal.abort(new Error('stop'))), /stop/);
    await aborted.close();

    const cache = sd.serviceCache('api');
    await cache.start();
    await assert.rejects(cache.start(), /started already/);
    const seen: string[][] = [];
    const iterating = (async () => {
      for await (const instances of cache) seen.push(instances.map((i) => i.id));
    })();
    await sd.registerService({ name: 'api', id: 'x', address: 'h' });
    await whenEvent(cache, 'change', () => cache.instances.length === 1, 5000, 'x seen');
    await until(() => seen.some((s) => s.includes('x')), 5000, 'the iterator yielded x');
    await Promise.all([cache.close(), cache.close()]);
    await iterating;
    assert.deepEqual(seen[0], []);
    assert.deepEqual(cache.instances, []);
  });
});
