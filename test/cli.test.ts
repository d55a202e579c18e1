// The zk-elect CLI as a person or a script uses it: real processes against a real ZooKeeper.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NodeEvent, NodeEventOf } from '../src/process/node-events.js';
import { TestingServer } from '../src/testing/index.js';
import { SupervisedChild } from '../src/process/supervised.js';
import { MAIN, runCli, spawned as children, withZooKeeper } from './support/cli.js';

const SESSION_TIMEOUT = 2000;
let server: TestingServer;
let n = 0;

withZooKeeper((s) => (server = s));

/** One JSON line of `zk-elect status|watch --json`, with the fields these tests read. */
type ChainEvent = { event: string; time: number; leader?: string; candidates?: { node: string }[] };

/** The parts of GET /status the tests look at. */
interface NodeStatus {
  role: string;
  node: string;
  address: string;
  epoch: string;
  sessionId: string;
  connectionState: string;
  workers: string[];
}

/** A `zk-elect <command> --json` process whose stdout lines are parsed as they come. */
class JsonProcess<E extends { event: string } = NodeEvent> {
  readonly child: SupervisedChild<E>;

  constructor(args: string[]) {
    this.child = new SupervisedChild<E>(process.execPath, [MAIN, ...args, '--json']);
    children.add(this.child);
    void this.child.exited.then(() => children.delete(this.child));
  }

  get events(): E[] {
    return this.child.events;
  }

  /** stdout lines that were not JSON (there must be none). */
  get junk(): string[] {
    return this.child.lines.filter((line) => !isJsonObject(line));
  }

  get stderr(): string {
    return this.child.stderr.join('\n');
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.child.exited;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The first event (from the start) matching `pred`, waiting up to `ms`. */
  waitFor<T extends E>(pred: (e: E) => e is T, ms?: number, what?: string): Promise<T>;
  waitFor(pred: (e: E) => boolean, ms?: number, what?: string): Promise<E>;
  waitFor(pred: (e: E) => boolean, ms = 10000, what = 'event'): Promise<E> {
    return this.child.next(pred, { timeoutMs: ms, what });
  }
}

/** A `zk-elect node --json` process. */
class NodeProcess extends JsonProcess<NodeEvent> {
  /** The settled role event (elected or following). */
  role(): Promise<NodeEventOf<'elected' | 'following'>> {
    return this.waitFor((e) => e.event === 'elected' || e.event === 'following', 15000, 'a role');
  }

  /** The first line, which carries the HTTP address. */
  get listening(): NodeEventOf<'listening'> {
    const first = this.events[0];
    assert.equal(first?.event, 'listening');
    return first as NodeEventOf<'listening'>;
  }

  get name(): string {
    return this.events.find((e) => e.node)!.node!;
  }
}

function isJsonObject(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `no stack trace expected in:\n${text}`);

describe('a fleet of three `zk-elect node --json` processes', () => {
  const election = `/cli-election-${++n}`;
  const registry = `/cli-registry-${n}`;
  let fleet: NodeProcess[] = [];
  let byOrder: NodeProcess[] = [];
  let watcher: JsonProcess<ChainEvent>;
  const start = () => new NodeProcess(['node', '--zookeeper', server.connectString, '--election-path', election, '--registry-path', registry, '--session-timeout', String(SESSION_TIMEOUT)]);

  before(async () => {
    watcher = new JsonProcess<ChainEvent>(['watch', '--zookeeper', server.connectString, '--election-path', election, '--registry-path', registry]);
    await watcher.waitFor((e) => e.event === 'chain', 10000, 'the first view');
    fleet = [start(), start(), start()];
    await Promise.all(fleet.map((p) => p.role()));
    byOrder = [...fleet].sort((a, b) => (a.name < b.name ? -1 : 1));
  });
  after(() => [...fleet, watcher].forEach((p) => p?.kill('SIGKILL')));

  test('exactly one leader, the smallest znode; the others follow and watch their predecessor', async () => {
    const roles = await Promise.all(byOrder.map((p) => p.role()));
    assert.deepEqual(
      roles.map((r) => r.event),
      ['elected', 'following', 'following'],
    );
    assert.equal(roles[1].watching, byOrder[0].name);
    assert.equal(roles[2].watching, byOrder[1].name);
    assert.equal(roles[1].leader, byOrder[0].name);
    // The first line carries the HTTP address (what the node registers and campaigns with).
    for (const p of fleet) {
      assert.equal(p.events[0].event, 'listening');
      assert.match(p.listening.address, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(typeof p.events[0].time, 'number');
    }
    // The leader sees both workers' addresses in the registry.
    const workers = [byOrder[1], byOrder[2]].map((p) => p.listening.address).sort();
    await byOrder[0].waitFor((e) => e.event === 'registry' && 'workers' in e && JSON.stringify([...(e.workers ?? [])].sort()) === JSON.stringify(workers), 10000, 'both workers');
  });

  test('`status` prints the chain in order, and its --json parses', async () => {
    const args = ['status', '--zookeeper', server.connectString, '--election-path', election, '--registry-path', registry];
    const text = await runCli(args);
    assert.equal(text.code, 0, text.stderr);
    const at = byOrder.map((p) => text.stdout.indexOf(p.name));
    assert.ok(at.every((i) => i >= 0) && at[0] < at[1] && at[1] < at[2], text.stdout);
    assert.match(text.stdout, new RegExp(`${byOrder[0].name}\\s+LEADER`));
    assert.match(text.stdout, new RegExp(`${byOrder[2].name}\\s+watches ${byOrder[1].name}`));
    const json = await runCli([...args, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout.trim());
    assert.deepEqual(
      view.candidates.map((c: { node: string }) => c.node),
      byOrder.map((p) => p.name),
    );
    assert.equal(view.leader, byOrder[0].name);
    assert.equal(view.candidates[1].watching, byOrder[0].name);
    assert.match(view.candidates[0].sessionId, /^0x[0-9a-f]{16}$/);
    assert.equal(view.candidates[0].data, byOrder[0].listening.address);
    assert.equal(view.registry.length, 2);
  });

  test('the leader serves /status and /metrics showing it leads; a follower shows 0', async () => {
    const base = byOrder[0].listening.address;
    const status = (await (await fetch(`${base}/status`)).json()) as NodeStatus;
    assert.equal(status.role, 'leader');
    assert.equal(status.node, byOrder[0].name);
    assert.equal(status.address, base);
    assert.equal(typeof status.epoch, 'string');
    assert.match(status.sessionId, /^0x[0-9a-f]{16}$/);
    assert.equal(status.connectionState, 'SyncConnected');
    assert.equal(status.workers.length, 2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^zk_elect_is_leader 1$/m);
    assert.match(metrics, /^zk_elect_elections_total 1$/m);
    assert.match(metrics, /^zk_elect_connection_state 3$/m);
    assert.match(metrics, /^process_cpu_user_seconds_total /m, 'default process metrics');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const follower = await (await fetch(`${byOrder[1].listening.address}/metrics`)).text();
    assert.match(follower, /^zk_elect_is_leader 0$/m);
  });

  test('SIGTERM to the leader: it closes and exits 0, and the next candidate is elected at once', async () => {
    const [leader, next, last] = byOrder;
    const sentAt = Date.now();
    leader.kill('SIGTERM');
    const exit = await leader.exited;
    assert.equal(exit.code, 0, leader.stderr);
    const closed = await leader.waitFor((e) => e.event === 'closed', 1000, 'closed');
    assert.equal(closed.node, leader.name);
    const elected = await next.waitFor((e) => e.event === 'elected', 5000, 'successor elected');
    const ms = elected.time - sentAt;
    console.log(`SIGTERM failover: successor elected ${ms} ms after SIGTERM (${elected.time - closed.time} ms relative to the leader's closed event; reaction ${elected.failoverMs} ms)`);
    assert.ok(ms < 1000, `successor elected after ${ms} ms`);
    assert.equal(typeof elected.failoverMs, 'number');
    // The last candidate still watches its own predecessor: it was not woken (no herd).
    assert.equal(last.events.filter((e) => e.event === 'reelection').length, 0);
    assert.equal(leader.junk.length + next.junk.length, 0, 'nothing but JSON lines on stdout');
  });

  test('SIGKILL to the leader: the next is elected within the session timeout plus a margin', async () => {
    const [, leader, next] = byOrder;
    const timeout = (await next.waitFor((e) => e.event === 'connected')).sessionTimeout!;
    assert.equal(timeout, SESSION_TIMEOUT);
    const sentAt = Date.now();
    leader.kill('SIGKILL');
    const elected = await next.waitFor((e) => e.event === 'elected', timeout + 5000, 'successor elected');
    const ms = elected.time - sentAt;
    console.log(`SIGKILL failover: successor elected ${ms} ms after SIGKILL (session timeout ${timeout} ms; reaction ${elected.failoverMs} ms)`);
    assert.ok(ms < timeout + 1500, `successor elected after ${ms} ms`);
    const status = (await (await fetch(`${next.listening.address}/status`)).json()) as NodeStatus;
    assert.equal(status.role, 'leader');
    assert.equal(next.junk.length, 0);
  });

  test('`watch` re-printed the chain on every change, and exits 0 on SIGINT', async () => {
    const names = byOrder.map((p) => p.name);
    const views = () => watcher.events.filter((e) => e.event === 'chain').map((e) => (e.candidates as { node: string }[]).map((c) => c.node));
    await watcher.waitFor((e) => e.event === 'chain' && e.leader === names[2] && (e.candidates as unknown[]).length === 1, 10000, 'the last view');
    const seen = views().map((v) => v.join(','));
    for (const expected of [names, names.slice(1), names.slice(2)]) assert.ok(seen.includes(expected.join(',')), `saw ${expected.join(',')} in ${JSON.stringify(seen)}`);
    watcher.kill('SIGINT');
    assert.equal((await watcher.exited).code, 0, watcher.stderr);
    assert.equal(watcher.junk.length, 0);
  });
});

describe('mistakes get a clear message and a distinct exit code, never a stack trace', () => {
  test('an unknown flag: exit 2, the flag named, the usage shown', async () => {
    const r = await runCli(['node', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--bogus/);
    assert.match(r.stderr, /Usage: zk-elect node/);
    noStack(r.stderr);
  });

  test('a bad flag value: exit 2, the flag named', async () => {
    const r = await runCli(['node', '--port', 'eighty']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port/);
    noStack(r.stderr);
  });

  test('an unknown command: exit 2 and the list of commands', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /status/);
  });

  test('--help lists the commands; each command has its own --help', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    for (const c of ['node', 'status', 'watch', 'demo', 'dashboard']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
    const node = await runCli(['node', '--help']);
    assert.equal(node.code, 0);
    assert.match(node.stdout, /--session-timeout/);
  });

  test('unreachable ZooKeeper: exit 3, the address named, what to try', async () => {
    const r = await runCli(['node', '--zookeeper', '127.0.0.1:1', '--connect-timeout', '1000']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
    assert.match(r.stderr, /zk-elect demo/);
    noStack(r.stderr);
    const s = await runCli(['status', '--zookeeper', '127.0.0.1:1', '--connect-timeout', '1000', '--json']);
    assert.equal(s.code, 3);
    assert.equal(s.stdout, '', 'nothing on stdout in JSON mode');
    assert.equal(JSON.parse(s.stderr.trim()).event, 'error');
  });

  test('a malformed connect string: exit 2 and what is wrong with it', async () => {
    const r = await runCli(['node', '--zookeeper', 'localhost:99999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /connect string/);
    assert.match(r.stderr, /99999/);
    noStack(r.stderr);
  });

  test('`status` of an election that never ran: no candidates', async () => {
    const r = await runCli(['status', '--zookeeper', server.connectString, '--election-path', '/cli-never', '--registry-path', '/cli-never-reg']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no candidates/);
    assert.match(r.stdout, /no registered workers/);
  });
});
