// LeaderElection against real ZooKeeper: correctness, herd absence, faults, fencing, mixed fleets.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CreateMode, EventType, KeeperState, LeaderElection, SessionKeeper, NotLeaderError, sequenceOf, ZooKeeper } from '../src/index.js';
import { SupervisedChild, TcpProxy, TestingServer, parseMntr, parseWchp } from '../src/testing/index.js';
import type { CandidateLine } from './fixtures/candidate.js';
import { sleep, until, whenEvent } from './support/wait.js';

let server: TestingServer;
let admin: ZooKeeper;
let n = 0;
const parentPath = () => `/el${++n}`;

before(async () => {
  server = await TestingServer.start({ tickTime: 250 });
  admin = await ZooKeeper.connect(server.connectString);
});
after(async () => {
  await admin?.close();
  await server?.stop();
});

/** Starts `count` candidates under `parent`, 50 at a time, each with its own session. */
async function startMany(count: number, parent: string, cs = server.connectString, sessionTimeout = 10000): Promise<LeaderElection[]> {
  const out: LeaderElection[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => LeaderElection.start(cs, { parent, data: `cand-${i + j}`, zookeeper: { sessionTimeout } }));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Waits until the server holds `count` watches on the nodes under `parent` (wchp). */
async function watchesLanded(parent: string, count: number): Promise<void> {
  const watched = async () => {
    let total = 0;
    for (const [path, sessions] of parseWchp(await server.fourLetter('wchp'))) if (path.startsWith(parent + '/')) total += sessions.length;
    return total;
  };
  await until(async () => (await watched()) === count, 5000, `${count} watches under ${parent}`);
}

const seq = (e: LeaderElection) => sequenceOf(e.status.node!)!;
const leaders = (es: LeaderElection[]) => es.filter((e) => e.isLeader);

describe('election basics', () => {
  for (const count of [1, 2, 10, 200]) {
    test(`${count} candidates: exactly one leader, the smallest; closing it elects the next in order`, async () => {
      const parent = parentPath();
      const es = await startMany(count, parent);
      try {
        await whenEvent(es, 'change', () => es.every((e) => e.status.role === 'leader' || e.status.role === 'follower'), 20000, 'all settled');
        const bySeq = [...es].sort((a, b) => seq(a) - seq(b));
        assert.deepEqual(leaders(es), [bySeq[0]]);
        assert.equal((await admin.getChildren(parent)).length, count, 'one node per candidate, no orphans');
        // Each follower watches its immediate predecessor.
        for (let i = 1; i < bySeq.length; i++) assert.equal(bySeq[i].status.watching, bySeq[i - 1].status.node);
        if (count > 1) {
          await bySeq[0].close();
          await whenEvent(bySeq[1], 'change', () => bySeq[1].isLeader, 10000, 'successor elected');
          assert.deepEqual(leaders(bySeq.slice(1)), [bySeq[1]]);
          assert.ok(bySeq[1].epoch! > 0n);
        }
      } finally {
        await Promise.all(es.map((e) => e.close()));
      }
    });
  }

  test('events fire on real transitions only; resign hands over and re-queues at the back', async () => {
    const parent = parentPath();
    const [a, b] = await startMany(2, parent);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    const log: string[] = [];
    follower.on('elected', () => log.push('f:elected'));
    follower.on('lost', () => log.push('f:lost'));
    leader.on('lost', (r) => log.push(`l:lost:${r}`));
    leader.on('following', () => log.push('l:following'));
    try {
      const oldEpoch = leader.epoch!;
      const t0 = performance.now();
      await leader.resign();
      await whenEvent(follower, 'change', () => follower.isLeader, 5000, 'handover');
      const handoverMs = performance.now() - t0;
      await whenEvent(leader, 'change', () => leader.status.role === 'follower', 5000, 'old leader re-queued');
      assert.equal(leader.status.watching, follower.status.node);
      assert.ok(follower.epoch! > oldEpoch, 'the fencing epoch grows across leaders');
      assert.deepEqual(log, ['l:lost:resigned', 'f:elected', 'l:following']);
      assert.ok(handoverMs < 2000, `handover took ${handoverMs} ms`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('waitForLeadership resolves on election and honours AbortSignal; leader() and participants()', async () => {
    const parent = parentPath();
    const [a, b] = await startMany(2, parent);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    try {
      const ac = new AbortController();
      const aborted = follower.waitForLeadership(ac.signal);
      ac.abort(new Error('gave up'));
      await assert.rejects(aborted, /gave up/);
      const wait = follower.waitForLeadership();
      const ps = await follower.participants();
      assert.deepEqual(
        ps.map((p) => [p.node, p.isLeader, p.watching]),
        [
          [leader.status.node, true, undefined],
          [follower.status.node, false, leader.status.node],
        ],
      );
      assert.equal((await follower.leader())?.node, leader.status.node);
      assert.equal(ps[0].sessionId, leader.session.client.sessionId);
      await leader.close();
      assert.equal((await wait).node, follower.status.node);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('setData', () => {
  test("replaces the candidate's data in its node and in the node it re-creates; the leader keeps leading; closed, it throws", async () => {
    const parent = parentPath();
    const [a, b] = await startMany(2, parent);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    try {
      const dataOf = async (e: LeaderElection) => (await admin.getData(path.posix.join(parent, e.status.node!))).data?.toString();
      // start() resolves once the follower follows, its watches maybe still on the way: wait for
      // the server to hold all three (the leader's on its node, the follower's on both).
      await watchesLanded(parent, 3);
      const before = { ...follower.stats };
      await leader.setData('v2');
      assert.equal(await dataOf(leader), 'v2');
      // A data change of its predecessor: one notification, one re-read, the same chain.
      await until(() => follower.stats.rounds > before.rounds, 5000, 'the follower to re-read the chain');
      assert.equal(follower.stats.notifications, before.notifications + 1);
      assert.equal(follower.status.watching, leader.status.node);
      assert.ok(leader.isLeader, 'still the leader');
      // Its node deleted by an operator: the replacement carries the new data.
      const old = leader.status.node!;
      await admin.delete(path.posix.join(parent, old));
      await whenEvent([leader], 'change', () => leader.status.node !== undefined && leader.status.node !== old && leader.status.role === 'follower', 5000, 'a new node');
      assert.equal(await dataOf(leader), 'v2');
      await leader.close();
      await assert.rejects(leader.setData('v3'), /closed/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('no herd effect', () => {
  test('200 candidates: each watches its predecessor and its own node, nobody the parent; one failure wakes one candidate, which leads without a request', async () => {
    const parent = parentPath();
    const es = await startMany(200, parent);
    try {
      await whenEvent(es, 'change', () => es.every((e) => e.status.role === 'leader' || e.status.role === 'follower'), 20000, 'all settled');
      // The server's own view: wchp lists, per path, the sessions watching it.
      const readWatchers = async () => new Map([...parseWchp(await server.fourLetter('wchp'))].map(([path, sessions]) => [path, sessions.length]));
      const bySeq = [...es].sort((a, b) => seq(a) - seq(b));
      const lastPath = `${parent}/${bySeq[199].status.node}`;
      // Every candidate watches its own node (an operator's delete), every follower also its
      // predecessor: two watchers per node, one on the last.
      const inPlace = (w: Map<string, number>) => [...w.keys()].filter((p) => p.startsWith(parent + '/')).length === 200 && [...w.entries()].every(([p, n]) => !p.startsWith(parent + '/') || n === (p === lastPath ? 1 : 2));
      // A candidate reports its role as its watch requests go out: let the last watches land.
      let watchers = await readWatchers();
      await until(async () => inPlace((watchers = await readWatchers())), 5000, 'watches in place').catch(() => undefined);
      const candidatePaths = [...watchers.keys()].filter((p) => p.startsWith(parent + '/'));
      assert.equal(candidatePaths.length, 200, 'every candidate node is watched');
      assert.equal(watchers.get(parent), undefined, 'nobody watches the parent: a join wakes no one');
      for (const p of candidatePaths) assert.equal(watchers.get(p), p === lastPath ? 1 : 2, `${p} has ${watchers.get(p)} watchers`);

      const before = es.map((e) => ({ ...e.stats }));
      await bySeq[0].close();
      await whenEvent(bySeq[1], 'change', () => bySeq[1].isLeader, 10000, 'successor');
      await sleep(300);
      const stayed = es.filter((e) => e !== bySeq[0]);
      const notified = stayed.filter((e) => e.stats.notifications > before[es.indexOf(e)].notifications);
      assert.deepEqual(notified, [bySeq[1]], 'exactly one remaining candidate was notified');
      const requests = es.reduce((sum, e, i) => sum + e.stats.requests - before[i].requests, 0);
      // The successor was second in its listing: the predecessor's deletion is all it needs.
      assert.equal(requests, 0, `${requests} requests for one failover`);
    } finally {
      await Promise.all(es.map((e) => e.close()));
    }
  });

  test('a non-leader predecessor leaving closes the gap with no leadership change', async () => {
    const parent = parentPath();
    const es = await startMany(4, parent);
    try {
      const [l, x, y, z] = [...es].sort((a, b) => seq(a) - seq(b));
      const lost: string[] = [];
      const elected: string[] = [];
      for (const e of es) {
        e.on('lost', () => lost.push(e.status.node!));
        e.on('elected', () => elected.push(e.status.node!));
      }
      await x.close();
      await whenEvent([l, y], 'change', () => y.status.watching === l.status.node, 5000, 'gap closed');
      assert.equal(z.status.watching, y.status.node);
      assert.ok(l.isLeader);
      assert.deepEqual([lost, elected], [[], []]);
    } finally {
      await Promise.all(es.map((e) => e.close()));
    }
  });
});

describe('faults', () => {
  test('SIGKILL of the leader process: the next candidate leads after the session timeout', async () => {
    const parent = parentPath();
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'candidate.js');
    const child = new SupervisedChild<CandidateLine>(process.execPath, [script, server.connectString, parent]);
    try {
      const started = await child.next((e) => e.event === 'started', { timeoutMs: 15000, what: 'the candidate to start' });
      assert.equal(started.role, 'leader');
      const [follower] = await startMany(1, parent);
      assert.equal(follower.status.watching, started.node);
      const t0 = Date.now();
      child.kill('SIGKILL');
      await follower.waitForLeadership(AbortSignal.timeout(started.sessionTimeout + 5000));
      const took = Date.now() - t0;
      assert.ok(took < started.sessionTimeout + 2000, `failover took ${took} ms (session timeout ${started.sessionTimeout} ms)`);
      await follower.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('connection loss during the create leaves no orphan candidate', async () => {
    const parent = parentPath();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const session = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 8000 });
    const e = new LeaderElection(session, { parent });
    try {
      await admin.create(parent);
      proxy.holdReplies(); // the create reaches the server; its reply never comes back
      const started = e.start();
      await until(async () => (await admin.getChildren(parent)).length === 1, 5000, 'create applied');
      proxy.cutAll();
      proxy.releaseReplies();
      await started;
      const children = await admin.getChildren(parent);
      assert.equal(children.length, 1, `children: ${children}`);
      assert.equal(children[0], e.status.node);
      assert.ok(e.isLeader);
    } finally {
      await e.close();
      await session.close();
      await proxy.close();
    }
  });

  test('a leader cut off from ZooKeeper is told suspended, then lost at expiry, then re-joins', async () => {
    const parent = parentPath();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const session = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 2000 });
    const cut = new LeaderElection(session, { parent });
    const log: string[] = [];
    try {
      await cut.start(); // alone, so it leads
      assert.ok(cut.isLeader);
      const oldNode = cut.status.node!;
      const rival = await LeaderElection.start(server.connectString, { parent });
      cut.on('suspended', () => log.push('suspended'));
      cut.on('lost', (r) => log.push(`lost: ${r}`));
      cut.on('elected', () => log.push('elected'));
      const t0 = Date.now();
      proxy.blackhole();
      await until(() => log.includes('suspended'), 5000, 'suspended');
      assert.equal(cut.isLeader, false, 'a suspended leader does not claim leadership');
      assert.ok(Date.now() - t0 < 2000, 'suspended before the session timeout');
      await until(() => log.length >= 2, 6000, 'lost');
      assert.match(log[1], /^lost: session expired/);
      await whenEvent(rival, 'change', () => rival.isLeader, 6000, 'rival elected');
      await proxy.heal();
      await whenEvent(cut, 'change', () => cut.status.role === 'follower', 10000, 're-joined as follower');
      assert.notEqual(cut.status.node, oldNode, 'never regains leadership on its old node');
      assert.equal(cut.status.watching, rival.status.node);
      assert.deepEqual(log.slice(0, 2).map((l) => l.split(':')[0]), ['suspended', 'lost']);
      assert.ok(!log.includes('elected'));
      await rival.close();
    } finally {
      await cut.close();
      await session.close();
      await proxy.close();
    }
  });

  test('a leader whose node an operator deletes is told lost at once and re-joins; joins do not wake it', async () => {
    const parent = parentPath();
    const es = await startMany(3, parent);
    try {
      const [l, next] = [...es].sort((a, b) => seq(a) - seq(b));
      const woken = l.stats.notifications;
      const late = await startMany(2, parent);
      es.push(...late);
      await sleep(200);
      assert.equal(l.stats.notifications, woken, 'a join does not notify the leader');
      const lost = once(l, 'lost');
      await admin.delete(`${parent}/${l.status.node}`);
      const [reason] = await Promise.race([lost, sleep(5000).then(() => ['(no lost event within 5 s)'])]);
      assert.equal(reason, 'candidate node was deleted');
      await whenEvent(next, 'change', () => next.isLeader, 10000, 'the successor leads');
      await whenEvent(l, 'change', () => l.status.role === 'follower', 10000, 'the old leader re-joined');
      assert.equal(leaders(es).length, 1);
      assert.ok(seq(l) > Math.max(...late.map(seq)), 'the old leader re-joined at the back');
    } finally {
      await Promise.all(es.map((e) => e.close()));
    }
  });

  test('a follower whose node and predecessor go in one transaction never leads on the lost node', async () => {
    const parent = parentPath();
    const es = await startMany(3, parent);
    try {
      const [l, x, y] = [...es].sort((a, b) => seq(a) - seq(b));
      await watchesLanded(parent, 5); // own nodes (3) and predecessors (2)
      const elected: string[] = [];
      for (const e of es) e.on('elected', (info) => elected.push(info.node));
      const xOld = x.status.node!;
      // x learns of its own deletion first, then of its predecessor's: the second must not
      // make it leader, though the predecessor was the only candidate ahead of it.
      await admin.multi([
        { op: 'delete', path: `${parent}/${xOld}` },
        { op: 'delete', path: `${parent}/${l.status.node}` },
      ]);
      await whenEvent(y, 'change', () => y.isLeader, 10000, 'y, now the smallest, leads');
      await whenEvent([l, x], 'change', () => x.status.role === 'follower' && l.status.role === 'follower', 10000, 'x and l re-joined');
      assert.deepEqual(elected, [y.status.node]);
      assert.ok(seq(x) > seq(y) && x.status.node !== xOld, 'x re-joined at the back');
      assert.equal(leaders(es).length, 1);
    } finally {
      await Promise.all(es.map((e) => e.close()));
    }
  });

  test('a follower whose predecessor left while it was disconnected re-lists and leads after the reconnect', async () => {
    const parent = parentPath();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const [l] = await startMany(1, parent);
    const [x] = await startMany(1, parent, proxy.connectString);
    try {
      await watchesLanded(parent, 3);
      const before = x.stats.requests;
      proxy.refuse();
      await until(() => x.session.client.state !== KeeperState.SyncConnected, 5000, 'x disconnected');
      await l.close();
      await proxy.heal();
      await whenEvent(x, 'change', () => x.isLeader, 10000, 'x leads after the reconnect');
      assert.ok(x.stats.requests > before, 'x re-listed (restored watches fire in no order after a reconnect)');
      assert.equal(x.status.watching, undefined);
    } finally {
      await x.close();
      await l.close();
      await proxy.close();
    }
  });

  test('the election parent deleted by an operator is re-created and the election goes on', async () => {
    const parent = parentPath();
    const es = await startMany(3, parent);
    try {
      // Remove every candidate's node and the parent at once (candidates re-volunteer fast,
      // so one-by-one deletes would race them).
      const kids = await admin.getChildren(parent);
      // Every candidate watches its own node, so each notices at once and re-joins within
      // milliseconds: record the transitions rather than poll for them.
      const rejoined = new Set<LeaderElection>();
      for (const e of es) e.on('change', (st) => st.role === 'joining' && rejoined.add(e));
      const [lost] = es.filter((e) => e.isLeader).map((e) => once(e, 'lost'));
      await admin.multi([...kids.map((c) => ({ op: 'delete' as const, path: `${parent}/${c}` })), { op: 'delete', path: parent }]);
      assert.match(String((await lost)?.[0]), /(candidate node|election parent) was deleted/);
      await until(() => rejoined.size === 3, 5000, 'every candidate noticed');
      await until(async () => (await admin.exists(parent)) !== null && (await admin.getChildren(parent)).length === 3, 10000, 're-volunteered');
      await whenEvent(es, 'change', () => leaders(es).length === 1 && es.every((e) => e.status.role === 'leader' || e.status.role === 'follower'), 10000, 'one leader again');
    } finally {
      await Promise.all(es.map((e) => e.close()));
    }
  });
});

describe('fencing', () => {
  test('a deposed leader’s fenced write fails; the current leader’s succeeds', async () => {
    const parent = parentPath();
    await admin.create(parent + '-data', 'initial');
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    const session = await SessionKeeper.open(proxy.connectString, { sessionTimeout: 2000 });
    const old = new LeaderElection(session, { parent });
    try {
      await old.start();
      const res = await old.fencedMulti([{ op: 'setData', path: parent + '-data', data: 'by-old' }]);
      assert.equal(res.length, 1);
      assert.equal(res[0].type, 'setData');
      // Depose it: cut it off until its session expires and a new leader is elected.
      proxy.blackhole();
      const successor = await LeaderElection.start(server.connectString, { parent });
      await whenEvent(successor, 'change', () => successor.isLeader, 8000, 'successor');
      await assert.rejects(old.fencedMulti([{ op: 'setData', path: parent + '-data', data: 'late' }]), NotLeaderError);
      await successor.fencedMulti([{ op: 'setData', path: parent + '-data', data: 'by-new' }]);
      assert.equal((await admin.getData(parent + '-data')).data?.toString(), 'by-new');
      await successor.close();
    } finally {
      await old.close();
      await session.close();
      await proxy.close();
    }
  });

  test('the server refuses a fenced write once the leader node is gone', async () => {
    const parent = parentPath();
    await admin.create(parent + '-data', 'initial');
    const e = await LeaderElection.start(server.connectString, { parent });
    try {
      // Simulate the race: the node vanishes while the candidate still believes it leads.
      await admin.delete(`${parent}/${e.status.node}`);
      const err = await e.fencedMulti([{ op: 'setData', path: parent + '-data', data: 'x' }]).catch((x) => x);
      // Either the client already noticed (not leader) or the server refused the check.
      assert.ok(err instanceof NotLeaderError, String(err));
      assert.equal((await admin.getData(parent + '-data')).data?.toString(), 'initial');
    } finally {
      await e.close();
    }
  });
});

describe('mixed fleet', () => {
  /** A second, independent implementation of the same election recipe, with raw client calls. */
  async function rawCandidate(parent: string) {
    const zk = await ZooKeeper.connect(server.connectString);
    const me = (await zk.create(`${parent}/c_`, 'raw', { mode: CreateMode.EPHEMERAL_SEQUENTIAL })).split('/').pop()!;
    const state = { zk, me, leader: '', check: async (): Promise<void> => undefined };
    const check = async (): Promise<void> => {
      const kids = (await zk.getChildren(parent)).filter((c) => /^c_\d{10}$/.test(c)).sort();
      state.leader = kids[0];
      const i = kids.indexOf(me);
      if (i <= 0) return;
      const st = await zk.exists(`${parent}/${kids[i - 1]}`, (ev) => ev.type === EventType.NodeDeleted && void check());
      if (!st) return check();
    };
    state.check = check;
    await check();
    return state;
  }

  test('zk-elect candidates and a raw implementation take over from each other', async () => {
    const parent = parentPath();
    await admin.create(parent);
    // Join order: ours, raw, ours, raw.
    const [ours1] = await startMany(1, parent);
    const raw1 = await rawCandidate(parent);
    const [ours2] = await startMany(1, parent);
    const raw2 = await rawCandidate(parent);
    try {
      const kids = (await admin.getChildren(parent)).sort();
      assert.deepEqual(kids, [ours1.status.node, raw1.me, ours2.status.node, raw2.me]);
      assert.ok(ours1.isLeader && !ours2.isLeader);
      assert.equal(raw1.leader, ours1.status.node);
      assert.equal(raw2.leader, ours1.status.node);
      assert.equal(ours2.status.watching, raw1.me);
      // Our leader goes: the raw implementation's candidate must take over, and ours agrees.
      await ours1.close();
      await until(() => raw1.leader === raw1.me, 5000, 'raw candidate leads');
      assert.equal((await ours2.leader())?.node, raw1.me);
      assert.ok(!ours2.isLeader);
      // The raw leader goes: ours (watching it) must take over, and the raw follower agrees.
      await raw1.zk.close();
      await whenEvent(ours2, 'change', () => ours2.isLeader, 5000, 'ours leads after the raw leader');
      await raw2.check();
      assert.equal(raw2.leader, ours2.status.node);
    } finally {
      await raw2.zk.close();
      await ours1.close();
      await ours2.close();
    }
  });
});

describe('server-side checks', () => {
  test('mntr shows no session or watch left behind by closed candidates', async () => {
    const parent = parentPath();
    const es = await startMany(5, parent);
    await Promise.all(es.map((e) => e.close()));
    await sleep(200);
    assert.deepEqual(await admin.getChildren(parent), []);
    const mntr = parseMntr(await server.fourLetter('mntr'));
    assert.ok(Number(mntr.zk_watch_count) < 50, `watch count ${mntr.zk_watch_count}`);
  });
});
