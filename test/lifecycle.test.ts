// The lifecycle every recipe shares, against a real server: start once, close once (idempotent,
// concurrent closes share one), `await using`, and an AbortSignal on the calls that block.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { AddressDiscovery, AddressRegistry, ChildrenCache, ClusterNode, LeaderElection, LeaderObserver } from '../src/index.js';
import { getFreePort } from '../src/testing/index.js';
import { serverFixture } from './support/fixture.js';

const f = serverFixture();
let n = 0;
const fresh = () => `/life${++n}`;
const children = (path: string) => f.admin.getChildren(path).catch(() => [] as string[]);
const abortedSignal = () => AbortSignal.abort(new Error('the caller gave up'));


describe('start once, close once', () => {
  test('a second start is refused with the recipe named, before and after close', async () => {
    const cache = new ChildrenCache(f.session, fresh());
    await cache.start();
    await assert.rejects(cache.start(), /ChildrenCache of \/life\d+ was started already/);
    await cache.close();
    await assert.rejects(cache.start(), /was closed/);
    const election = new LeaderElection(f.session, { parent: fresh() });
    await election.start();
    await assert.rejects(election.start(), /already leader/);
    await election.close();
    const discovery = new AddressDiscovery(f.session, fresh());
    await discovery.close();
    await assert.rejects(discovery.start(), /AddressDiscovery of \/life\d+ was closed/);
    const registry = new AddressRegistry(f.session, fresh());
    await registry.close();
    await assert.rejects(registry.register('http://a'), /AddressRegistry of \/life\d+ was closed/);
  });

  test('calls that need a running election say so instead of hanging or campaigning', async () => {
    const election = new LeaderElection(f.session, { parent: fresh() });
    await assert.rejects(election.resign(), /not started/);
    assert.equal(election.status.role, 'latent');
    await election.close();
    await assert.rejects(election.waitForLeadership(), /closed before becoming leader/);
  });

  test('concurrent closes share one close; a later close is a no-op', async () => {
    const parent = fresh();
    const election = new LeaderElection(f.session, { parent });
    await election.start();
    let closedEvents = 0;
    election.on('closed', () => closedEvents++);
    await Promise.all([election.close(), election.close()]);
    await election.close();
    assert.equal(closedEvents, 1);
    assert.deepEqual(await children(parent), []);
  });

  test('`await using` closes every recipe at the end of the block', async () => {
    const parent = fresh();
    const registryPath = fresh();
    let node: ClusterNode;
    let observer: LeaderObserver;
    {
      await using n = await ClusterNode.start(f.server.connectString, { address: 'http://n1', electionPath: parent, registryPath });
      await using o = new LeaderObserver(f.session, parent);
      node = n;
      observer = o;
      assert.equal((await o.start())?.node, n.election.status.node);
    }
    assert.equal(node.election.status.role, 'closed');
    assert.equal(observer.leader, undefined);
    assert.deepEqual(await children(parent), []);
  });
});

describe('an AbortSignal on the calls that block', () => {
  test('an already-aborted signal rejects with its reason and leaves nothing behind', async () => {
    const parent = fresh();
    const election = new LeaderElection(f.session, { parent });
    await assert.rejects(election.start(abortedSignal()), /the caller gave up/);
    assert.equal(election.status.role, 'latent', 'nothing was started');
    assert.deepEqual(await children(parent), []);
    await assert.rejects(new ChildrenCache(f.session, fresh()).start(abortedSignal()), /the caller gave up/);
    await assert.rejects(new LeaderObserver(f.session, parent).start(abortedSignal()), /the caller gave up/);
    const registry = new AddressRegistry(f.session, fresh());
    await assert.rejects(registry.register('http://a', abortedSignal()), /the caller gave up/);
    assert.equal(registry.node, undefined);
  });

  test('aborting a start in flight rejects at once and closes the election: its candidate node goes', async () => {
    const parent = fresh();
    const first = new LeaderElection(f.session, { parent });
    await first.start();
    const second = new LeaderElection(f.session, { parent });
    const controller = new AbortController();
    const closed = once(second, 'closed');
    const starting = second.start(controller.signal);
    controller.abort(new Error('shutting down'));
    await assert.rejects(starting, /shutting down/);
    await closed;
    assert.deepEqual(await children(parent), [first.status.node]);
    await first.close();
  });

  test('closing an election while it starts rejects the start instead of leaving it pending', async () => {
    const election = new LeaderElection(f.session, { parent: fresh() });
    const starting = election.start();
    await election.close();
    await assert.rejects(starting, /closed before its first round/);
  });

  test('the static starts pass the signal to the connect: an unreachable ensemble is given up at the abort', async () => {
    const nowhere = `127.0.0.1:${await getFreePort()}`;
    const t0 = Date.now();
    await assert.rejects(LeaderElection.start(nowhere, { signal: AbortSignal.timeout(300), zookeeper: { connectTimeout: 20_000 } }), { name: 'TimeoutError' });
    await assert.rejects(ClusterNode.start(nowhere, { address: 'http://n', signal: AbortSignal.timeout(300), zookeeper: { connectTimeout: 20_000 } }), { name: 'TimeoutError' });
    assert.ok(Date.now() - t0 < 5000, `gave up after ${Date.now() - t0} ms, not at the 20 s connect timeout`);
    // A signal that never fires does not outlive the start: the session stays usable.
    const parent = fresh();
    await using election = await LeaderElection.start(f.server.connectString, { parent, signal: new AbortController().signal });
    assert.ok(election.isLeader);
  });

  test('aborting a registration unregisters it', async () => {
    const parent = fresh();
    const registry = new AddressRegistry(f.session, parent);
    const controller = new AbortController();
    const registering = registry.register('http://a', controller.signal);
    controller.abort(new Error('no longer needed'));
    await assert.rejects(registering, /no longer needed/);
    // The create may have reached the server before the abort: the undo deletes it again.
    await registry.close();
    assert.deepEqual(await children(parent), []);
  });
});
