// The quorum lease of a LeaderElection. provenTouch's rule on made-up round trips; then the
// fault it exists for, on a real 3-server quorum with peer proxies: the leader's server is
// cut off from the other two. That follower answers the leader's pings for syncLimit × tickTime
// (2.5 s here) while the quorum expires the leader's session after its timeout (1 s) and elects
// the successor. With the lease the old leader suspends before that; without it, it does not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LeaderElection } from '../src/index.js';
import { provenTouch, type SyncRoundTrip } from '../src/recipes/quorum-lease.js';
import { TestingCluster } from '../src/testing/index.js';
import { poll, whenEvent } from './support/wait.js';

describe('provenTouch', () => {
  const trip = (sentAt: number, answeredAt = sentAt + 2): SyncRoundTrip => ({ sentAt, answeredAt });

  test('needs three answered syncs, the middle one sent a gap after the first was answered', () => {
    assert.equal(provenTouch([], 300), undefined);
    assert.equal(provenTouch([trip(0), trip(400)], 300), undefined, 'two prove nothing: the report may still be on its way');
    assert.equal(provenTouch([trip(0), trip(400), trip(410)], 300), 0);
    assert.equal(provenTouch([trip(0), trip(100), trip(200)], 300), undefined, 'the middle one too soon after the first');
    assert.equal(provenTouch([trip(0, 150), trip(400), trip(500)], 300), undefined, 'the gap counts from the answer, not the send');
  });

  test('takes the latest sync that the one before the last vouches for', () => {
    const trips = [0, 50, 100, 150, 200, 250, 300, 350, 400, 450].map((t) => trip(t));
    // k = 400 (the one before the last): the latest answered by 100 is the one sent at 50.
    assert.equal(provenTouch(trips, 300), 50);
  });
});

describe('LeaderElection quorum lease (3 servers, peer proxies)', () => {
  let cluster: TestingCluster;
  let n = 0;
  before(async () => {
    cluster = await TestingCluster.start(3, { peerProxies: true, tickTime: 500 });
  });
  after(() => cluster?.stop());

  const connectStringOf = (ids: readonly number[]) =>
    cluster.servers
      .filter((s) => ids.includes(s.id))
      .map((s) => s.connectString)
      .join(',');

  /**
   * A leader connected only to a follower, a successor on the other two servers; isolates the
   * follower and resolves with when (performance.now) the successor was elected and the old
   * leader first suspended (undefined when it had not by then).
   */
  async function isolateLeadersServer(quorumLease: boolean): Promise<{ elected: number; suspended: number | undefined; reason: string | undefined }> {
    const leaderId = await cluster.waitForQuorum(25_000);
    const follower = cluster.ids.find((id) => id !== leaderId) as number;
    const others = cluster.ids.filter((id) => id !== follower);
    const parent = `/lease-${++n}`;
    const a = await LeaderElection.start(connectStringOf([follower]), { parent, quorumLease, zookeeper: { sessionTimeout: 1000 } });
    const b = await LeaderElection.start(connectStringOf(others), { parent, zookeeper: { sessionTimeout: 10_000 } });
    try {
      assert.equal(a.isLeader, true);
      if (quorumLease) {
        // Healthy first: the lease is renewed for two session timeouts without a doubt.
        let doubts = 0;
        a.on('suspended', () => doubts++);
        const from = performance.now();
        await poll(() => ((a.leaseExpiresAt ?? 0) > from + 3000 ? true : undefined), 15_000, 'the lease to be renewed past two session timeouts');
        assert.equal(doubts, 0, 'a healthy leader was suspended');
      }
      let suspended: number | undefined;
      let reason: string | undefined;
      a.once('suspended', (r) => ((suspended ??= performance.now()), (reason = r)));
      let elected = 0;
      b.once('elected', () => (elected = performance.now()));
      cluster.isolate(follower);
      await whenEvent(b, 'elected', () => elected > 0, 20_000, 'the successor to be elected');
      return { elected, suspended, reason };
    } finally {
      await cluster.healPeers();
      await cluster.waitForQuorum(25_000);
      await Promise.all([a.close(), b.close()]);
    }
  }

  test('without the lease the old leader leads on after its successor is elected (the fault is real)', async (t) => {
    const r = await isolateLeadersServer(false);
    assert.equal(r.suspended, undefined, `the old leader suspended ${r.suspended! - r.elected} ms after the successor's election: the fault did not show`);
    t.diagnostic('no suspension before the successor was elected');
  });

  test('with the lease (the default) the old leader suspends before the successor is elected', async (t) => {
    const r = await isolateLeadersServer(true);
    assert.ok(r.suspended !== undefined, 'the old leader did not suspend before the successor was elected');
    assert.ok(r.suspended < r.elected);
    assert.match(r.reason ?? '', /quorum has not confirmed the session/);
    t.diagnostic(`the old leader suspended ${Math.round(r.elected - r.suspended)} ms before the successor was elected`);
  });
});
