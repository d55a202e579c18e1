// A rolling upgrade under a live election: a 3-server quorum on the newest 3.8 release is moved
// to the newest 3.9, one server at a time (followers first, the quorum leader last), while five
// candidates campaign. No session may expire, two candidates may never hold leadership at once,
// and after each step the election must have a leader again within the session timeout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KeeperState, LeaderElection, SessionKeeper, ZooKeeper } from '../src/index.js';
import { NEWEST_ZOOKEEPER, TestingCluster } from '../src/testing/index.js';

const FROM = NEWEST_ZOOKEEPER['3.8'];
const TO = NEWEST_ZOOKEEPER['3.9'];
const TICK_MS = 500;
// Well above one server restart (graceful stop, JVM start, sync), so an expiry here is a real
// failure, not a slow machine. The server's default maximum (20 ticks) is exactly this; it is
// set explicitly so the negotiated timeout does not depend on that default.
const SESSION_TIMEOUT_MS = 10_000;
const CANDIDATES = 5;
const PARENT = '/rolling-upgrade';

let cluster: TestingCluster;
const elections: LeaderElection[] = [];
let admin: ZooKeeper | undefined;

before(async () => {
  cluster = await TestingCluster.start(3, { version: FROM, tickTime: TICK_MS, maxSessionTimeout: SESSION_TIMEOUT_MS });
});
after(async () => {
  await admin?.close().catch(() => undefined);
  await Promise.all(elections.map((e) => e.close().catch(() => undefined)));
  await cluster?.stop();
});

/** Every event of every candidate (and of the harness's steps), in order, for the failure messages. */
interface Entry {
  at: number;
  who: string;
  what: string;
}

test(`rolling upgrade ${FROM} → ${TO} under five candidates: no expiry, never two leaders, a leader again within the session timeout after each step`, { timeout: 240_000 }, async (t) => {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const log: Entry[] = [];
  const note = (who: string, what: string) => log.push({ at: now(), who, what });
  const history = () => '\nevent log:\n' + log.map((e) => `${e.at.toFixed(0).padStart(7)} ms  ${e.who.padEnd(8)} ${e.what}`).join('\n');

  // Who holds leadership: elected and not yet lost. A suspended leader stays in this set: it is
  // in doubt, but its node (and so its claim) may well still be there. Two members at once is
  // the split brain this test exists to rule out; the check runs at each `elected`, the only
  // event that adds a member.
  const holders = new Set<number>();
  const violations: string[] = [];
  const expiries: string[] = [];
  const errors: string[] = [];
  const disconnects = Array.from({ length: CANDIDATES }, () => 0);
  let suspensions = 0;
  let resumptions = 0;
  let electedAfterSetup = 0;
  let lostAfterSetup = 0;
  let settingUp = true;

  // Leaderless gaps: stretches with no candidate in role 'leader' (connected and holding).
  // A suspended leader does not count, since it must not do leader-only work.
  const gaps: Array<{ from: number; to: number }> = [];
  let gapFrom: number | undefined;
  const leaderWaiters = new Set<() => void>();
  const hasLeader = () => elections.some((e) => e.isLeader);
  const onRoleChange = () => {
    if (settingUp) return;
    if (!hasLeader()) gapFrom ??= now();
    else {
      if (gapFrom !== undefined) gaps.push({ from: gapFrom, to: now() });
      gapFrom = undefined;
      for (const wake of leaderWaiters) wake();
    }
  };
  /** Resolves when some candidate leads (at once if one does); rejects at `deadline` (ms since t0). */
  const leaderBy = (deadline: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (hasLeader()) return resolve();
      const timer = setTimeout(() => (leaderWaiters.delete(wake), reject(new Error(`no leader by ${deadline.toFixed(0)} ms: ${what}${history()}`))), Math.max(0, deadline - now()));
      const wake = () => (clearTimeout(timer), leaderWaiters.delete(wake), resolve());
      leaderWaiters.add(wake);
    });

  // Each candidate is built on its own session and subscribed before it starts, so its first
  // `elected` or `following` is in the log too (LeaderElection.start would return too late).
  for (let i = 0; i < CANDIDATES; i++) {
    const who = `c${i}`;
    const session = await SessionKeeper.open(cluster.connectString, { sessionTimeout: SESSION_TIMEOUT_MS });
    const e = new LeaderElection(session, { parent: PARENT, data: who }, true);
    elections.push(e);
    e.on('elected', ({ node, epoch }) => {
      const others = [...holders].filter((k) => k !== i);
      if (others.length > 0) violations.push(`${now().toFixed(0)} ms: ${who} elected while ${others.map((k) => `c${k}`).join(', ')} still held leadership`);
      holders.add(i);
      if (!settingUp) electedAfterSetup++;
      note(who, `elected ${node} epoch ${epoch}`);
    });
    e.on('lost', (reason) => {
      holders.delete(i);
      if (!settingUp) lostAfterSetup++;
      if (/expir/i.test(reason)) expiries.push(`${who} lost: ${reason}`);
      note(who, `lost: ${reason}`);
    });
    e.on('suspended', (reason) => (suspensions++, note(who, `suspended${reason ? ': ' + reason : ''}`)));
    e.on('resumed', () => (resumptions++, note(who, 'resumed')));
    e.on('following', ({ leader, watching }) => note(who, `following ${leader}, watching ${watching}`));
    e.on('predecessorGone', ({ predecessor }) => note(who, `predecessor ${predecessor} gone`));
    e.on('rejoining', (reason) => (expiries.push(`${who} rejoining: ${reason}`), note(who, `rejoining: ${reason}`)));
    e.on('error', (err) => (errors.push(`${who}: ${String(err)}`), note(who, `error: ${String(err)}`)));
    e.on('change', onRoleChange);
    session.on('state', (state, reason) => {
      if (state === KeeperState.Disconnected) disconnects[i]!++;
      if (state === KeeperState.Expired) expiries.push(`${who} session expired${reason ? ': ' + reason : ''}`);
      note(who, `session ${KeeperState[state]}${reason ? ' (' + reason + ')' : ''}${state === KeeperState.SyncConnected ? ' to ' + session.client.connectedServer : ''}`);
    });
    session.on('session', (zk) => (expiries.push(`${who} got a new session ${zk.sessionIdHex}`), note(who, `new session ${zk.sessionIdHex}`)));
    session.on('error', (err) => (errors.push(`${who} session: ${String(err)}`), note(who, `session error: ${String(err)}`)));
    await e.start();
  }
  settingUp = false;

  // Both what the harness recorded at the start and what the servers say now.
  const reported = async () => Promise.all(cluster.ids.map(async (id) => (await cluster.srvr(id)).version));
  assert.deepEqual(cluster.versions, [FROM, FROM, FROM], 'the quorum starts on the old release');
  assert.deepEqual(await reported(), [FROM, FROM, FROM], 'the servers report the old release');
  for (const e of elections) assert.equal(e.session.client.sessionTimeout, SESSION_TIMEOUT_MS, 'the server granted the session timeout asked for');
  const sessionIds = elections.map((e) => e.session.client.sessionId);
  const nodes = elections.map((e) => e.status.node as string);
  const leaderAtStart = elections.findIndex((e) => e.isLeader);
  assert.equal(elections.filter((e) => e.isLeader).length, 1, `one leader at the start${history()}`);
  assert.deepEqual(violations, [], `two leaders during the setup${history()}`);
  assert.deepEqual([...holders], [leaderAtStart], `only the leader holds leadership${history()}`);
  note('test', `setup done: c${leaderAtStart} leads; sessions ${elections.map((e) => e.session.client.sessionIdHex).join(' ')}`);

  // Followers first, the quorum leader last, as an operator does it: the quorum leader is asked
  // for again before each step, since it is whoever leads the quorum now.
  const upgraded = new Set<number>();
  let restartedQuorumLeader = false;
  const steps: string[] = [];
  while (upgraded.size < 3) {
    const quorumLeader = await cluster.waitForQuorum(30_000);
    const pending = cluster.ids.filter((id) => !upgraded.has(id));
    const server = pending.find((k) => k !== quorumLeader) ?? quorumLeader;
    const role = server === quorumLeader ? 'quorum leader' : 'follower';
    restartedQuorumLeader ||= server === quorumLeader;
    const stepFrom = now();
    note('harness', `step ${upgraded.size + 1}: restart server ${server} (${role}) on ${TO}`);
    await cluster.restart(server, { version: TO });
    upgraded.add(server);
    const servedAt = now();
    const release: string | undefined = cluster.versions[cluster.ids.indexOf(server)];
    note('harness', `server ${server} serves on ${release}`);
    assert.equal(release, TO, `server ${server} came back on the new release`);

    // The election leads again within the session timeout of the moment it stopped leading.
    // Measured from the gap's start rather than from the step's: the gap is what the
    // application sees, and the restarted JVM's start-up is not part of it.
    if (gapFrom !== undefined) await leaderBy(gapFrom + SESSION_TIMEOUT_MS, `after step ${upgraded.size} (server ${server})`);
    assert.deepEqual(violations, [], `two leaders${history()}`);
    // Before the next step every candidate is connected again, as an operator checks health
    // between steps. On the old session: an expiry rejects here instead of being waited out.
    await Promise.all(
      elections.map((e, k) =>
        e.session.client.whenConnected(AbortSignal.timeout(SESSION_TIMEOUT_MS)).catch((err: Error) => {
          throw new Error(`c${k} is not connected on its session after step ${upgraded.size}: ${err.message}${history()}`);
        }),
      ),
    );
    const stepGaps = gaps.filter((g) => g.to >= stepFrom);
    const longest = Math.max(0, ...stepGaps.map((g) => g.to - g.from));
    steps.push(`step ${upgraded.size}: server ${server} (${role}) restarted in ${(servedAt - stepFrom).toFixed(0)} ms; leaderless for ${longest.toFixed(0)} ms`);
    assert.ok(longest < SESSION_TIMEOUT_MS, `leaderless for ${longest.toFixed(0)} ms after step ${upgraded.size}${history()}`);
    assert.deepEqual(expiries, [], `a session expired${history()}`);
  }
  for (const s of steps) t.diagnostic(s);
  t.diagnostic(`suspensions ${suspensions}, resumptions ${resumptions}, disconnects per candidate ${disconnects.join(' ')}`);

  assert.ok(restartedQuorumLeader, 'one step restarted the serving quorum leader');
  assert.deepEqual(cluster.versions, [TO, TO, TO], 'every server runs the new release');
  assert.deepEqual(await reported(), [TO, TO, TO], 'every server says it runs the new release');

  // (1) No session expired: same session everywhere, and no expiry was ever reported.
  assert.deepEqual(expiries, [], `a session expired${history()}`);
  assert.deepEqual(
    elections.map((e) => e.session.client.sessionId),
    sessionIds,
    `every candidate kept its session${history()}`,
  );
  // (2) Never two leaders, and with no expiry the leader's node lived throughout, so
  // leadership had no reason to move at all: any election or loss after the setup is a bug.
  assert.deepEqual(violations, [], `two leaders${history()}`);
  assert.deepEqual([electedAfterSetup, lostAfterSetup], [0, 0], `leadership moved although no session expired${history()}`);
  assert.deepEqual(errors, [], `the recipe reported errors${history()}`);
  // The assertions above are not vacuous: the quorum leader's restart cuts every client off,
  // so each candidate reconnected at least once and the leader was suspended and resumed.
  assert.ok(disconnects.every((d) => d > 0), `every candidate was disconnected at least once: ${disconnects}${history()}`);
  assert.ok(suspensions > 0 && resumptions === suspensions, `the leader was suspended ${suspensions} times and resumed ${resumptions}${history()}`);

  // (3) A leader now, and ZooKeeper agrees, read by a fresh client: the same five candidate
  // nodes as at the start (nobody re-joined), each owned by its candidate's original session,
  // and the smallest owned by the one candidate that says it leads.
  const leading = elections.filter((e) => e.isLeader);
  assert.deepEqual(leading, [elections[leaderAtStart]], `the start's leader still leads, alone${history()}`);
  admin = await ZooKeeper.connect(cluster.connectString);
  const children = (await admin.getChildren(PARENT)).sort();
  assert.deepEqual(children, [...nodes].sort(), 'all five candidate nodes are still there, and no others');
  assert.deepEqual(
    elections.map((e) => e.status.node),
    nodes,
    'every candidate still stands on its first node',
  );
  const owners = await Promise.all(nodes.map(async (n) => (await admin!.exists(`${PARENT}/${n}`))?.ephemeralOwner));
  assert.deepEqual(owners, sessionIds, "each node is owned by its candidate's original session");
  const smallestOwner = owners[nodes.indexOf(children[0] as string)];
  assert.deepEqual(
    elections.filter((e) => e.session.client.sessionId === smallestOwner),
    leading,
    'the owner of the smallest node is the one candidate that leads',
  );
});
