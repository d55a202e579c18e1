// Interop with the real Apache Curator x-discovery (curator-x-discovery from Maven Central, in a
// JVM: test/interop/CuratorDiscovery.java), against a real ZooKeeper server: each side finds
// what the other registers, a SIGKILLed zk-elect service leaves Curator's view after its
// session timeout, and the JSON Spring Cloud Zookeeper writes reads the same on both sides.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NodeExistsError, ServiceDiscovery, ServiceProvider, SessionKeeper, ZooKeeper, buildUri, encodeInstance, type ServiceInstance } from '../src/index.js';
import { SupervisedChild, TestingServer } from '../src/testing/index.js';
import { CuratorPeer, type CuratorInstance } from './support/curator-peer.js';
import { whenEvent } from './support/wait.js';
import type { RegistrantLine } from './fixtures/discovery-registrant.js';

const REGISTRANT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'discovery-registrant.js');

let server: TestingServer;
let admin: ZooKeeper;
let session: SessionKeeper;
let discovery: ServiceDiscovery;
let curator: CuratorPeer;

before(async () => {
  server = await TestingServer.start({ tickTime: 250 });
  admin = await ZooKeeper.connect(server.connectString);
  session = await SessionKeeper.open(server.connectString);
  discovery = new ServiceDiscovery(session);
  // The first run on a machine resolves Curator from Maven Central and compiles the program here.
  curator = await CuratorPeer.start(server.connectString, '/services');
});
after(async () => {
  await curator?.close();
  await discovery?.close();
  await session?.close();
  await admin?.close();
  await server?.stop();
});

/** The fields both sides model, from a Curator view, for comparing with a zk-elect instance. */
const common = (i: CuratorInstance | ServiceInstance) => ({
  name: i.name,
  id: i.id,
  address: i.address,
  port: i.port,
  sslPort: i.sslPort,
  registrationTimeUTC: i.registrationTimeUTC,
  serviceType: i.serviceType,
  enabled: i.enabled,
});

describe('Curator registers, zk-elect reads', () => {
  test('queryForInstances, a ServiceCache and a ServiceProvider see address, ports, the Map payload, and buildUri gives the URI Curator builds', async () => {
    const name = 'java-orders';
    const cache = discovery.serviceCache(name);
    await cache.start();
    try {
      const plain = await curator.register({ name, address: '10.1.2.3', port: 8080, payload: { region: 'eu', weight: 3, tags: ['blue', 'green'], nested: { a: 1 } }, uriSpec: '{scheme}://{address}:{port}/orders/{id}' });
      const tls = await curator.register({ name, address: 'orders-2.internal', port: 8081, sslPort: 8443, payload: { region: 'us' }, uriSpec: '{scheme}://{address}:{ssl-port}{[}v1{]}' });
      assert.equal(plain.uri, `http://10.1.2.3:8080/orders/${plain.id}`, "Curator's own URI, as a baseline");
      assert.equal(tls.uri, 'https://orders-2.internal:8443{v1}');

      const read = await discovery.queryForInstances(name);
      assert.deepEqual(read.map((i) => i.id).sort(), [plain.id, tls.id].sort());
      for (const java of [plain, tls]) {
        const mine = read.find((i) => i.id === java.id)!;
        assert.deepEqual(common(mine), common(java));
        // Curator writes a Map payload with Jackson's type id first; zk-elect keeps it, as is.
        assert.deepEqual(mine.payload, { '@class': java.payloadClass, ...(java.payload as object) });
        assert.equal(buildUri(mine), java.uri);
      }

      await whenEvent(cache, 'change', () => cache.instances.length === 2, 10_000, 'the cache to see both Java instances');
      assert.deepEqual(cache.instances.map(common).sort(byId), [plain, tls].map(common).sort(byId));
      const provider = new ServiceProvider(cache);
      assert.deepEqual(provider.getAllInstances().map((i) => i.id).sort(), [plain.id, tls.id].sort());

      await curator.unregister(name, tls.id);
      await whenEvent(cache, 'change', () => cache.instances.length === 1, 10_000, 'the cache to see the unregistration');
      assert.equal(provider.getInstance()?.id, plain.id);
    } finally {
      await cache.close();
    }
  });
});

describe('zk-elect registers, Curator reads', () => {
  test("Curator's queryForInstances and ServiceProvider return it with its address, port and payload; a disabled one is never provided", async () => {
    const name = 'node-billing';
    const payload = { version: '1.4.2', zone: 'eu-1', weights: [1, 2, 3], flags: { canary: false }, note: null };
    const mine = await discovery.registerService({ name, address: '10.9.8.7', port: 9090, payload, uriSpec: '{scheme}://{address}:{port}/billing' });
    const disabled = await discovery.registerService({ name, address: '10.9.8.8', port: 9091, payload: { zone: 'eu-2' }, enabled: false });

    const seen = await curator.query(name);
    assert.equal(seen.length, 2);
    const java = seen.find((i) => i.id === mine.id)!;
    assert.deepEqual(common(java), common(mine));
    assert.equal(java.payloadClass, 'java.util.LinkedHashMap', 'a Map-class reader reads a payload with no @class as a Map');
    assert.deepEqual(java.payload, payload);
    assert.equal(java.uri, buildUri(mine));
    assert.equal(java.uri, 'http://10.9.8.7:9090/billing');
    assert.equal(seen.find((i) => i.id === disabled.id)?.enabled, false, 'enabled: false reaches Curator');

    const provided = await curator.provide(name);
    assert.equal(provided.instance?.id, mine.id);
    assert.equal(provided.instance?.address, '10.9.8.7');
    assert.equal(provided.instance?.port, 9090);
    assert.deepEqual(provided.instance?.payload, payload);
    assert.deepEqual(provided.all.map((i) => i.id), [mine.id], "Curator's provider leaves the disabled instance out too");

    await discovery.unregisterService(mine);
    await discovery.unregisterService(disabled);
    assert.deepEqual(await curator.query(name), []);
  });

  test("a zk-elect service that is SIGKILLed leaves Curator's ServiceCache after its session timeout", async (t) => {
    const name = 'node-crashy';
    assert.deepEqual(await curator.watch(name), []);
    const child = new SupervisedChild<RegistrantLine>(process.execPath, [REGISTRANT, server.connectString, JSON.stringify({ name, address: '127.0.0.1', port: 7000, payload: { pid: 'child' } })]);
    try {
      const registered = await child.next((e) => e.event === 'registered', { timeoutMs: 20_000, what: 'the registration' });
      assert.equal(registered.sessionTimeout, 2000);
      assert.equal(registered.path, `/services/${name}/${registered.id}`);
      await curator.nextCache(name, (list) => list.some((i) => i.id === registered.id && i.port === 7000), { from: 0, timeoutMs: 10_000, what: "Curator's cache to see the zk-elect instance" });

      const from = curator.mark;
      const killedAt = Date.now();
      child.kill('SIGKILL');
      assert.equal((await child.exited).signal, 'SIGKILL');
      await curator.nextCache(name, (list) => !list.some((i) => i.id === registered.id), { from, timeoutMs: 15_000, what: "Curator's cache to drop the dead instance" });
      const goneAfter = Date.now() - killedAt;
      // The znode is ephemeral: the server deletes it when the session expires, not when the
      // socket drops. The last ping was at most a third of the timeout before the kill.
      assert.ok(goneAfter >= registered.sessionTimeout / 2, `gone after ${goneAfter} ms, before the session could expire`);
      t.diagnostic(`gone from Curator's view ${goneAfter} ms after the SIGKILL (session timeout ${registered.sessionTimeout} ms)`);
      assert.deepEqual(await curator.query(name), []);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe("Spring Cloud Zookeeper's JSON", () => {
  // The bytes Spring Cloud Zookeeper writes (reference A2), with the sample's elided id completed.
  const id = '585ddd0b-7f0e-4c8e-9d7a-2b6c1f3e4a50';
  const sample =
    `{"name":"cloud-provider-payment","id":"${id}","address":"192.168.0.106","port":8004,"sslPort":null,` +
    '"payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance","id":"application-1",' +
    '"name":"cloud-provider-payment","metadata":{}},"registrationTimeUTC":1698197224917,"serviceType":"DYNAMIC",' +
    '"uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},' +
    '{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true}]}}';

  test('written raw, it is read by Curator (as a Spring service reads it) and by zk-elect identically', async () => {
    const name = 'cloud-provider-payment';
    for (const p of ['/services', `/services/${name}`]) await admin.create(p).catch((e) => assert.ok(e instanceof NodeExistsError));
    await admin.create(`/services/${name}/${id}`, sample);
    // A Spring service's Curator casts payloads to its ZookeeperInstance class (a stand-in here).
    const spring = await CuratorPeer.start(server.connectString, '/services', 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance');
    try {
      const [java] = await spring.query(name);
      const [mine] = await discovery.queryForInstances(name);
      assert.ok(java && mine);
      assert.deepEqual(common(mine), common(java));
      assert.deepEqual(common(mine), { name, id, address: '192.168.0.106', port: 8004, sslPort: null, registrationTimeUTC: 1698197224917, serviceType: 'DYNAMIC', enabled: true });
      assert.equal(java.payloadClass, 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance');
      assert.deepEqual(mine.payload, { '@class': java.payloadClass, ...(java.payload as object) }, 'the payload, its @class kept');
      assert.equal(buildUri(mine), java.uri);
      assert.equal(java.uri, 'http://192.168.0.106:8004');
      // Written back, it is byte for byte what Spring wrote: field order, compactness, no enabled.
      assert.equal(encodeInstance(mine).toString('utf8'), sample);
    } finally {
      await spring.close();
    }
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
