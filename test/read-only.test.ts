// Read-only mode against a real 3-server quorum (readonlymode.enabled, local sessions). With
// two servers down the last one serves reads to new sessions of canBeReadOnly clients; when the
// quorum heals the read-only client is read-write again, with a new session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KeeperState, NotReadOnlyError, ZooKeeper } from '../src/index.js';
import { TestingCluster } from '../src/testing/index.js';
import { until, whenEvent } from './support/wait.js';

let cluster: TestingCluster;
before(async () => {
  cluster = await TestingCluster.start(3, { tickTime: 250, readOnlyMode: true });
});
after(() => cluster?.stop());

test('quorum lost: reads go on read-only, writes are refused; healed: read-write again', { timeout: 120_000 }, async () => {
  const options = { canBeReadOnly: true, sessionTimeout: 4000, connectTimeout: 30_000 };
  const before = await ZooKeeper.connect(cluster.connectString, options);
  await before.create('/ro', 'before');
  await before.close();
  const [first, second, last] = cluster.ids;
  await cluster.kill(first!);
  await cluster.kill(second!);
  // The server says so by no event: ask it.
  await until(async () => (await cluster.srvr(last!).catch(() => undefined))?.mode === 'read-only', 30_000, 'the last server to serve read-only');

  const zk = await ZooKeeper.connect(cluster.connectString, options);
  try {
    assert.equal(zk.state, KeeperState.ConnectedReadOnly);
    assert.equal((await zk.getData('/ro')).data?.toString(), 'before', 'reads are served');
    await assert.rejects(zk.setData('/ro', 'during'), NotReadOnlyError);
    const readOnlySession = zk.sessionId;
    await cluster.restart(first!);
    await cluster.restart(second!);
    await whenEvent(zk, 'state', () => zk.state === KeeperState.SyncConnected, 60_000, 'read-write again');
    assert.notEqual(zk.sessionId, readOnlySession, 'a read-only session is only valid where it was made');
    await zk.setData('/ro', 'after');
    assert.equal((await zk.getData('/ro')).data?.toString(), 'after');
  } finally {
    await zk.close();
  }
});
