// Server-to-server faults in a real 3-server quorum started with `peerProxies: true`: an
// isolated follower stops serving and catches up after the heal, an isolated leader is
// replaced by the majority, a full partition leaves no quorum, and a heal brings one back.
// One cluster for the whole file; each test starts from a healed, serving quorum.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeeperState, type ZooKeeper } from '../src/index.js';
import { TestingCluster } from '../src/testing/index.js';
import { clientsClosedAfter } from './support/clients.js';
import { recordStates } from './support/states.js';
import { poll, until } from './support/wait.js';

/** Long enough for syncLimit (5 ticks of 500 ms) plus an election on a busy machine. */
const FAULT_MS = 25_000;

describe('TestingCluster with peerProxies', () => {
  const connect = clientsClosedAfter();
  let cluster: TestingCluster;
  let admin: ZooKeeper;

  before(async () => {
    cluster = await TestingCluster.start(3, { peerProxies: true });
    admin = await connect(cluster.connectString);
    await admin.create('/p');
  });
  after(() => cluster?.stop());

  /** Server `id`'s current mode, or 'down' when it does not answer. */
  const modeOf = async (id: number) => (await cluster.srvr(id).catch(() => ({ mode: 'down' }))).mode;
  const modes = () => Promise.all(cluster.ids.map(modeOf));
  const connectStringOf = (ids: readonly number[]) =>
    cluster.servers
      .filter((s) => ids.includes(s.id))
      .map((s) => s.connectString)
      .join(',');

  test('bad ids are RangeErrors and nothing is cut', async () => {
    assert.throws(() => cluster.isolate(4), RangeError);
    assert.throws(() => cluster.partition([[1], [1, 2]]), RangeError);
    assert.throws(() => cluster.partition([[1], [9]]), RangeError);
    assert.throws(() => cluster.peerLink(1, 1, 'quorum'), RangeError);
    assert.throws(() => cluster.peerLink(1, 4, 'election'), RangeError);
    assert.ok(cluster.peerLink(1, 2, 'election').port > 0);
    await cluster.waitForQuorum(5_000);
  });

  test('an isolated follower stops serving, the others go on writing, and after the heal it serves what they wrote', async () => {
    const leader = await cluster.waitForQuorum();
    const follower = cluster.ids.find((id) => id !== leader) as number;
    const others = cluster.ids.filter((id) => id !== follower);
    const local = await connect(connectStringOf([follower]), { sessionTimeout: 4000 });
    const states = recordStates(local);

    cluster.isolate(follower);
    await until(async () => (await modeOf(follower)) === 'not-serving', FAULT_MS, `server ${follower} to stop serving`);
    await states.when(KeeperState.Disconnected, FAULT_MS);
    // The majority still has its quorum and takes writes.
    const majority = await connect(connectStringOf(others));
    await majority.create('/p/during-isolation', 'written');
    assert.deepEqual(await Promise.all(others.map(modeOf)).then((m) => m.sort()), ['follower', 'leader']);
    assert.equal(await modeOf(follower), 'not-serving', 'still cut off');

    await cluster.healPeers();
    await cluster.waitForQuorum(FAULT_MS);
    const rejoined = await connect(connectStringOf([follower]));
    assert.equal((await rejoined.getData('/p/during-isolation')).data?.toString(), 'written');
  });

  test('an isolated leader steps down and the other two elect a new leader among themselves', async (t) => {
    const leader = await cluster.waitForQuorum();
    const others = cluster.ids.filter((id) => id !== leader);
    const started = Date.now();

    cluster.isolate(leader);
    const newLeader = await poll(
      async () => {
        const [a, b] = await Promise.all(others.map(modeOf));
        if (a === 'leader' && b === 'follower') return others[0];
        if (a === 'follower' && b === 'leader') return others[1];
        return undefined;
      },
      FAULT_MS,
      'a new leader among the two others',
    );
    const electedMs = Date.now() - started;
    await until(async () => (await modeOf(leader)) === 'not-serving', FAULT_MS, `the old leader ${leader} to stop serving`);
    const majority = await connect(connectStringOf(others));
    await majority.create('/p/after-leader-isolation');

    await cluster.healPeers();
    assert.equal(await cluster.waitForQuorum(FAULT_MS), newLeader, 'the old leader rejoins as a follower');
    assert.equal(await modeOf(leader), 'follower');
    t.diagnostic(`new leader ${newLeader} elected ${electedMs} ms after isolating leader ${leader}`);
  });

  test('partition [[1], [2], [3]] leaves no quorum anywhere; the heal brings one leader back', async (t) => {
    await cluster.waitForQuorum();
    cluster.partition([[1], [2], [3]]);
    await until(async () => (await modes()).every((m) => m === 'not-serving'), FAULT_MS, 'every server to stop serving');
    // A moment later none has found a quorum either.
    assert.deepEqual(await modes(), ['not-serving', 'not-serving', 'not-serving']);

    const started = Date.now();
    await cluster.healPeers();
    const leader = await cluster.waitForQuorum(FAULT_MS);
    assert.equal((await modes()).filter((m) => m === 'leader').length, 1);
    // A fresh session: the admin's may have expired while no server served.
    const client = await connect(cluster.connectString);
    await client.create('/p/after-partition');
    t.diagnostic(`quorum back (leader ${leader}) ${Date.now() - started} ms after the heal`);
  });
});
