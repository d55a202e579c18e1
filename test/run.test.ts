// `zk-elect run -- COMMAND` as real processes against a real ZooKeeper: each command is
// test/fixtures/run-child.js, which logs its start and heartbeats to a shared file and, at
// start, records any earlier copy still alive. The promise under test: never two at once.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { TcpProxy, TestingCluster, type TestingServer } from '../src/testing/index.js';
import { SupervisedChild } from '../src/process/supervised.js';
import type { RunEvent, RunEventName, RunEventOf } from '../src/cli/run-events.js';
import type { ChildLogLine } from './fixtures/run-child.js';
import { MAIN, runCli, spawned, withZooKeeper } from './support/cli.js';
import { alive } from './support/process.js';
import { until } from './support/wait.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/run-child.js');
/** The session timeout every `run` of these tests asks for (the server's tickTime is 250 ms). */
const SESSION_TIMEOUT = 2000;

let server: TestingServer;
withZooKeeper((s) => (server = s));
const dir = mkdtempSync(path.join(os.tmpdir(), 'zk-elect-run-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fresh election path and child log for one test. */
function scenario(): { election: string; log: string } {
  n++;
  return { election: `/run-test-${n}`, log: path.join(dir, `children-${n}.log`) };
}

function readLog(log: string): ChildLogLine[] {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChildLogLine);
  } catch {
    return [];
  }
}

const starts = (log: string) => readLog(log).filter((l): l is Extract<ChildLogLine, { event: 'start' }> => l.event === 'start');

/** Every copy that started found no earlier copy alive. */
function assertNeverTwo(log: string): void {
  for (const s of starts(log)) assert.deepEqual(s.overlap, [], `child ${s.pid} started while ${s.overlap.join(', ')} still ran`);
}

/** One `zk-elect run --json` process; its events (on stderr) parsed. */
class Run {
  readonly proc: SupervisedChild;
  readonly events: RunEvent[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(o: { election: string; log: string }, extra: string[] = [], env: Record<string, string> = {}, connectString = server.connectString) {
    const args = [MAIN, 'run', '-z', connectString, '--json', '--election-path', o.election, '--session-timeout', String(SESSION_TIMEOUT), ...extra, '--', process.execPath, CHILD, o.log];
    this.proc = new SupervisedChild(process.execPath, args, { env: { ...process.env, ZK_CONNECT: '', ...env } });
    spawned.add(this.proc);
    void this.proc.exited.then(() => (spawned.delete(this.proc), this.#wake()));
    this.proc.onStderr((line) => {
      if (line.startsWith('{')) this.events.push(JSON.parse(line) as RunEvent);
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The `index`-th (0-based) event named `event`, waiting up to `ms`. */
  next<E extends RunEventName>(event: E, index = 0, ms = 15_000): Promise<RunEventOf<E>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.events.filter((e) => e.event === event)[index];
        if (hit) return done(), resolve(hit as RunEventOf<E>);
        if (this.proc.exit) done(), reject(new Error(`run exited (${JSON.stringify(this.proc.exit)}) before "${event}"; stderr: ${this.proc.stderr.join('\n')}`));
      };
      const timer = setTimeout(() => (done(), reject(new Error(`no "${event}" #${index} in ${ms} ms; events: ${this.events.map((e) => e.event).join(', ')}`))), ms);
      const done = () => (clearTimeout(timer), this.#waiters.delete(check));
      this.#waiters.add(check);
      check();
    });
  }

  count(event: RunEventName): number {
    return this.events.filter((e) => e.event === event).length;
  }
}

/** Waits until pid is gone, resolving with when it was seen gone (ms since the epoch). */
async function gone(pid: number, ms = 10_000): Promise<number> {
  await until(() => !alive(pid), ms, `process ${pid} to die`);
  return Date.now();
}

/** A leader `run` (connected through `leaderConnect`, default the server) with its child running, and one follower. */
async function leaderAndFollower(leaderConnect = server.connectString) {
  const o = scenario();
  const a = new Run(o, [], {}, leaderConnect);
  const first = await a.next('child-started');
  const b = new Run(o);
  await b.next('following');
  return { o, a, b, first };
}

/** `zk-elect status --json`'s view of each candidate's command, in election order: `state:pid`. */
async function commandStates(election: string): Promise<string[]> {
  const status = await runCli(['status', '-z', server.connectString, '--election-path', election, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const { candidates } = JSON.parse(status.stdout) as { candidates: { run?: { child: string; pid?: number } }[] };
  return candidates.map((c) => `${c.run?.child}:${c.run?.pid ?? ''}`);
}

/** Waits for the follower `b` to start its child; resolves with when the child logged its start. */
async function successorStart(o: { log: string }, b: Run): Promise<number> {
  await b.next('child-started', 0, 15_000);
  await until(() => starts(o.log).length === 2, 5000, 'the successor child to log its start');
  return starts(o.log)[1].at;
}

describe('zk-elect run', () => {
  test('three candidates: one child; SIGTERM to the leader hands over to the next child', async () => {
    const o = scenario();
    const a = new Run(o);
    const first = await a.next('child-started');
    const b = new Run(o);
    const c = new Run(o);
    await Promise.all([b.next('following'), c.next('following')]);
    assert.equal(starts(o.log).length, 1);
    // Each candidate node shows its command's state, for status, watch and the dashboard.
    await until(async () => (await commandStates(o.election)).join() === `running:${first.pid},waiting:,waiting:`, 5000, 'the leader shown running, the others waiting');
    const env = starts(o.log)[0];
    assert.equal(env.pid, first.pid);
    assert.equal(env.epoch, first.epoch);
    assert.match(env.node, new RegExp(`^${o.election}/c_\\d{10}$`));
    assert.equal(env.election, o.election);
    assert.equal(env.zookeeper, server.connectString);
    // With --json our lines go to stderr: stdout carries the child's output only.
    await until(() => a.proc.lines.length > 0, 5000, "the child's stdout line");
    assert.deepEqual(a.proc.lines, [`child ${first.pid} says hello on stdout`]);
    a.proc.kill('SIGTERM');
    assert.deepEqual(await a.proc.exited, { code: 0, signal: null }, 'run exits with its child code (0: it handled SIGTERM)');
    const second = await Promise.race([b.next('child-started'), c.next('child-started')]);
    await until(() => starts(o.log).length === 2, 5000, 'the second child to log its start');
    const term = readLog(o.log).find((l) => l.event === 'term' && l.pid === first.pid)!;
    const handoverMs = starts(o.log)[1].at - term.at;
    console.log(`# SIGTERM handover: old child got SIGTERM → new child started in ${handoverMs} ms`);
    assert.ok(handoverMs < 2000, `handover took ${handoverMs} ms`);
    assert.ok(BigInt(second.epoch) > BigInt(first.epoch), 'the epoch grows');
    assertNeverTwo(o.log);
    b.proc.kill('SIGTERM');
    c.proc.kill('SIGTERM');
    await Promise.all([b.proc.exited, c.proc.exited]);
    assertNeverTwo(o.log);
  });

  test("SIGKILL of the leader's run: the watchdog kills its child before the successor's starts", async () => {
    const { o, a, b, first } = await leaderAndFollower();
    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    const childGoneAt = await gone(first.pid, 3000);
    const successorAt = await successorStart(o, b);
    console.log(`# SIGKILL of run: its child gone after ${childGoneAt - killedAt} ms; successor child after ${successorAt - killedAt} ms (session timeout ${SESSION_TIMEOUT} ms)`);
    assert.ok(childGoneAt < successorAt);
    assertNeverTwo(o.log);
    b.proc.kill('SIGTERM');
    await b.proc.exited;
  });

  test('the child exits 3: run exits 3 at once and the next candidate runs its child', async () => {
    const o = scenario();
    const a = new Run(o, [], { CHILD_EXIT_AFTER_MS: '1500', CHILD_EXIT_CODE: '3' });
    await a.next('child-started');
    const b = new Run(o);
    await b.next('following');
    assert.deepEqual(await a.proc.exited, { code: 3, signal: null });
    const exited = await a.next('child-exited');
    assert.equal(exited.by, 'itself');
    const next = await b.next('child-started');
    console.log(`# child exit → successor child started ${next.time - exited.time} ms later`);
    assert.ok(next.time - exited.time < 2000);
    b.proc.kill('SIGTERM');
    await b.proc.exited;
    assertNeverTwo(o.log);
  });

  test('--restart: a child that exits by itself is started again after re-joining', async () => {
    const o = scenario();
    const a = new Run(o, ['--restart'], { CHILD_EXIT_AFTER_MS: '200', CHILD_EXIT_CODE: '0' });
    await a.next('restarting');
    await a.next('child-started', 1);
    a.proc.kill('SIGTERM');
    await a.proc.exited;
    assertNeverTwo(o.log);
  });

  test('a child that ignores SIGTERM is SIGKILLed after the grace, its grandchild too', async () => {
    const o = scenario();
    const a = new Run(o, ['--grace', '300'], { CHILD_IGNORE_TERM: '1', CHILD_GRANDCHILD: '1' });
    await a.next('child-started');
    await until(() => readLog(o.log).some((l) => l.event === 'grandchild'), 5000, 'the grandchild');
    const grandchild = (readLog(o.log).find((l) => l.event === 'grandchild') as Extract<ChildLogLine, { event: 'grandchild' }>).grandchild;
    const t0 = Date.now();
    a.proc.kill('SIGTERM');
    await a.next('killing-child');
    assert.deepEqual(await a.proc.exited, { code: 137, signal: null });
    console.log(`# SIGTERM ignored: run exited after ${Date.now() - t0} ms (grace 300 ms)`);
    await gone(grandchild, 3000);
  });

  test("SIGSTOP of the leader's run: child killed at the deadline, successor after it; on SIGCONT it reports lost", async () => {
    const { o, a, b, first } = await leaderAndFollower();
    const stoppedAt = Date.now();
    a.proc.kill('SIGSTOP');
    const childGoneAt = await gone(first.pid, SESSION_TIMEOUT + 2000);
    const successorAt = await successorStart(o, b);
    console.log(`# SIGSTOP of run: child killed ${childGoneAt - stoppedAt} ms after the stop, successor child at ${successorAt - stoppedAt} ms (session timeout ${SESSION_TIMEOUT} ms)`);
    assert.ok(childGoneAt - stoppedAt < SESSION_TIMEOUT, 'killed before the session timeout');
    assert.ok(childGoneAt < successorAt);
    a.proc.kill('SIGCONT');
    await a.next('lost', 0, 10_000);
    await a.next('following', 0, 10_000);
    assert.equal(a.count('child-started'), 1, 'no second child on the old leader');
    assertNeverTwo(o.log);
    for (const r of [a, b]) r.proc.kill('SIGTERM');
    await Promise.all([a.proc.exited, b.proc.exited]);
  });

  test('a blackholed leader stops its child before the deadline; a short outage leaves it untouched', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    try {
      const { o, a, b, first } = await leaderAndFollower(proxy.connectString);
      // A short outage: the connection is refused, then comes back with the session.
      proxy.refuse();
      await a.next('suspended');
      await proxy.heal();
      await a.next('resumed', 0, 5000);
      assert.ok(alive(first.pid), 'the child survives a blip');
      assert.equal(a.count('stopping-child'), 0);
      // Now silence: no reply reaches the leader until its session is gone.
      const t0 = Date.now();
      proxy.blackhole();
      const stopping = await a.next('stopping-child', 0, SESSION_TIMEOUT * 2);
      assert.equal(stopping.reason, 'suspended');
      const childGoneAt = await gone(first.pid, SESSION_TIMEOUT);
      const successorAt = await successorStart(o, b);
      console.log(`# blackhole: SIGTERM ${stopping.time - t0} ms, child gone ${childGoneAt - t0} ms after the partition began, successor child at ${successorAt - t0} ms`);
      assert.ok(childGoneAt < successorAt);
      assertNeverTwo(o.log);
      await proxy.heal();
      for (const r of [a, b]) r.proc.kill('SIGTERM');
      await Promise.all([a.proc.exited, b.proc.exited]);
    } finally {
      await proxy.close();
    }
  });

  test('errors: no command 2, bad flag 2, not found 127, not executable 126, unreachable 3', async () => {
    const top = await runCli(['--help']);
    assert.match(top.stdout, /^  run /m);
    const help = await runCli(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--grace/);
    const noCommand = await runCli(['run', '-z', server.connectString]);
    assert.equal(noCommand.code, 2);
    assert.match(noCommand.stderr, /no command/);
    const twoPaths = await runCli(['run', '--election-path', '/a', '--election', '/b', '--', 'true']);
    assert.equal(twoPaths.code, 2);
    assert.match(twoPaths.stderr, /name two elections/);
    const badFlag = await runCli(['run', '--grace', 'soon', '--', 'true']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--grace/);
    const notFound = await runCli(['run', '-z', server.connectString, '--', 'zk-elect-no-such-command']);
    assert.equal(notFound.code, 127);
    assert.match(notFound.stderr, /command not found/);
    const file = path.join(dir, 'not-executable');
    writeFileSync(file, 'echo hi\n');
    const notExecutable = await runCli(['run', '-z', server.connectString, '--', file]);
    assert.equal(notExecutable.code, 126);
    assert.match(notExecutable.stderr, /not an executable file/);
    const unreachable = await runCli(['run', '-z', '127.0.0.1:1', '--connect-timeout', '1000', '--', 'true']);
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /cannot reach ZooKeeper/);
  });
});

describe('zk-elect run on a quorum', () => {
  test("the leader's server cut off from the quorum, still answering pings: its child is dead before the successor's starts", async () => {
    const cluster = await TestingCluster.start(3, { peerProxies: true, tickTime: 500 });
    try {
      const leaderId = await cluster.waitForQuorum(25_000);
      const follower = cluster.servers.find((m) => m.id !== leaderId)!;
      const others = cluster.servers.filter((m) => m.id !== follower.id).map((m) => m.connectString).join(',');
      const o = scenario();
      // The server's minimum (2 ticks): its follower answers pings 2.5 s (syncLimit) after the cut.
      const a = new Run(o, ['--session-timeout', '1000'], {}, follower.connectString);
      const first = await a.next('child-started', 0, 30_000);
      const b = new Run(o, [], {}, others);
      await b.next('following', 0, 30_000);
      cluster.isolate(follower.id);
      const suspended = await a.next('suspended', 0, 15_000);
      assert.match(suspended.reason ?? '', /quorum has not confirmed the session/);
      await successorStart(o, b);
      assert.ok(!alive(first.pid), 'the old child still runs');
      assertNeverTwo(o.log);
      for (const r of [a, b]) r.proc.kill('SIGTERM');
      await Promise.all([a.proc.exited, b.proc.exited]);
    } finally {
      await cluster.stop();
    }
  });

  test('a server of the quorum killed and restarted, then the quorum leader killed: the child keeps running, no leadership change', async () => {
    const cluster = await TestingCluster.start(3, { tickTime: 250 });
    try {
      const leaderId = await cluster.leaderId();
      const followers = cluster.servers.filter((m) => m.id !== leaderId);
      // Only followers in its connect string: losing one leaves the quorum and its leader intact.
      const followersString = followers.map((m) => `127.0.0.1:${m.port}`).join(',');
      const all = cluster.servers.map((m) => `127.0.0.1:${m.port}`).join(',');
      const o = scenario();
      const a = new Run(o, ['--session-timeout', '8000'], {}, followersString);
      const started = await a.next('child-started', 0, 30_000);
      const connected = await a.next('connected');
      const b = new Run(o, [], {}, all);
      await b.next('following', 0, 30_000);
      const victim = followers.find((m) => connected.server === `127.0.0.1:${m.port}`)!;
      await cluster.kill(victim.id);
      await a.next('resumed', 0, 10_000);
      await cluster.restart(victim.id);
      assert.ok(alive(started.pid), 'the child still runs');
      // The quorum's own leader dies: the servers elect another, every connection drops
      // meanwhile, and the session (so the child) outlives that.
      const resumedBefore = a.count('resumed');
      await cluster.kill((await cluster.leaderId())!);
      await until(() => a.count('resumed') > resumedBefore, 15_000, 'run to resume after the quorum re-elected');
      assert.ok(alive(started.pid), 'the child still runs after the quorum leader died');
      assert.equal(a.count('stopping-child'), 0);
      assert.equal(b.count('child-started'), 0);
      assertNeverTwo(o.log);
      for (const r of [a, b]) r.proc.kill('SIGTERM');
      await Promise.all([a.proc.exited, b.proc.exited]);
    } finally {
      await cluster.stop();
    }
  });
});
