/**
 * Peer program on node-zookeeper-client 1.1 (the pure-JS client most Node users have):
 *
 *   failover  the classic election recipe written on it (EPHEMERAL_SEQUENTIAL candidates, each
 *             watches only its predecessor with getData and re-lists on NODE_DELETED) — what a
 *             Node user writes by hand; the leader leaves with client.close();
 *   floor     client.close() of one session to a second client's NODE_DELETED notification,
 *             and that client's getChildren of the parent, sent the moment it arrives (the
 *             re-list an election makes): notification → reply.
 *
 * Progress on stderr; one JSON result line on stdout with the fields of bench/lib/types.ts.
 *
 *   node dist/bench/peers/nzc-peer.js failover --zookeeper 127.0.0.1:2181 --candidates 10
 * @module
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { floorFigures, round, roundSummary, summarize } from '../lib/stats.js';
import type { FailoverResult, FloorResult } from '../lib/types.js';

type Callback<T> = (error: Error | null, result?: T) => void;
interface NzcEvent {
  getType(): number;
}
interface NzcClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected', listener: () => void): this;
  create(path: string, data: Buffer | null, mode: number, callback: Callback<string>): void;
  getChildren(path: string, callback: Callback<string[]>): void;
  getData(path: string, watcher: (ev: NzcEvent) => void, callback: Callback<Buffer>): void;
  exists(path: string, watcher: (ev: NzcEvent) => void, callback: Callback<unknown>): void;
  exists(path: string, callback: Callback<unknown>): void;
  mkdirp(path: string, callback: Callback<string>): void;
  removeRecursive(path: string, callback: Callback<void>): void;
}
interface NzcModule {
  createClient(cs: string, options?: { sessionTimeout?: number; spinDelay?: number; retries?: number }): NzcClient;
  CreateMode: { PERSISTENT: number; EPHEMERAL: number; EPHEMERAL_SEQUENTIAL: number };
  Event: { NODE_DELETED: number };
  Exception: { NO_NODE: number };
}
const nzc = createRequire(import.meta.url)('node-zookeeper-client') as NzcModule;

const log = (msg: string) => process.stderr.write(`[peer] ${msg}\n`);
const call = <T>(f: (cb: Callback<T>) => void) => new Promise<T>((resolve, reject) => f((err, r) => (err ? reject(err) : resolve(r as T))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seq = (name: string) => Number(name.slice(-10));

async function connect(cs: string, sessionTimeout: number): Promise<NzcClient> {
  const client = nzc.createClient(cs, { sessionTimeout, retries: 3 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not connect to ${cs}`)), 15_000);
    client.once('connected', () => (clearTimeout(timer), resolve()));
    client.connect();
  });
  return client;
}

/** Closes and waits for the socket to go (the server answered closeSession), at most 2 s. */
function closeClient(client: NzcClient): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    client.once('disconnected', () => (clearTimeout(timer), resolve()));
    client.close();
  });
}

/** One candidate of the classic recipe: the smallest leads, each other watches its predecessor. */
class Candidate {
  leader = false;
  closed = false;
  onElected: (() => void) | undefined;
  private constructor(
    readonly client: NzcClient,
    readonly parent: string,
    readonly node: string,
  ) {}

  static async join(cs: string, parent: string, sessionTimeout: number): Promise<Candidate> {
    const client = await connect(cs, sessionTimeout);
    const path = await call<string>((cb) => client.create(`${parent}/c_`, Buffer.from('bench'), nzc.CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    const c = new Candidate(client, parent, path.slice(parent.length + 1));
    await c.round();
    return c;
  }

  /** List; lead if smallest, else watch the predecessor (re-list if it is already gone). */
  async round(): Promise<void> {
    while (!this.closed) {
      const children = (await call<string[]>((cb) => this.client.getChildren(this.parent, cb))).filter((c) => c.startsWith('c_')).sort((a, b) => seq(a) - seq(b));
      const idx = children.indexOf(this.node);
      if (idx < 0) throw new Error('own node missing');
      if (idx === 0) {
        if (!this.leader) {
          this.leader = true;
          this.onElected?.();
        }
        return;
      }
      try {
        await call<Buffer>((cb) =>
          this.client.getData(
            `${this.parent}/${children[idx - 1]}`,
            (ev) => {
              if (ev.getType() === nzc.Event.NODE_DELETED) void this.round().catch((err) => log(`round: ${(err as Error).message}`));
            },
            cb,
          ),
        );
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== nzc.Exception.NO_NODE) throw err;
      }
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return closeClient(this.client);
  }
}

interface Flags {
  zookeeper: string;
  candidates: number;
  rounds: number;
  warmup: number;
  sessionTimeout: number;
  pause: number;
}

async function failover(f: Flags): Promise<FailoverResult> {
  const parent = `/zk-elect-bench/nzc-failover-${process.pid}-${Date.now()}`;
  const admin = await connect(f.zookeeper, 30_000);
  await call<string>((cb) => admin.mkdirp(parent, cb));
  const queue: Candidate[] = [];
  const samples: number[] = [];
  try {
    for (let i = 0; i < f.candidates; i++) queue.push(await Candidate.join(f.zookeeper, parent, f.sessionTimeout));
    const total = f.warmup + f.rounds;
    for (let r = 0; r < total; r++) {
      const leader = queue.shift() as Candidate;
      const successor = queue[0] as Candidate;
      if (!leader.leader) throw new Error(`round ${r}: the first candidate is not the leader`);
      let t1 = 0;
      const elected = new Promise<void>((resolve) => (successor.onElected = () => ((t1 = performance.now()), resolve())));
      const t0 = performance.now();
      const closing = leader.close();
      await elected;
      successor.onElected = undefined;
      if (r >= f.warmup) samples.push(t1 - t0);
      await closing;
      queue.push(await Candidate.join(f.zookeeper, parent, f.sessionTimeout));
      const leaders = queue.filter((c) => c.leader).length;
      if (leaders !== 1) throw new Error(`round ${r}: ${leaders} leaders`);
      if ((r + 1) % 50 === 0) log(`failover nzc N=${f.candidates}: ${r + 1}/${total} rounds`);
      if (f.pause > 0) await sleep(f.pause);
    }
  } finally {
    await Promise.all(queue.map((c) => c.close()));
    await call<void>((cb) => admin.removeRecursive(parent, cb)).catch(() => undefined);
    await closeClient(admin);
  }
  return { scenario: 'failover', impl: 'nzc', candidates: f.candidates, rounds: f.rounds, warmup: f.warmup, close: 'client.close() (closeSession)', latencyMs: roundSummary(summarize(samples)), samplesMs: samples.map((v) => round(v, 4)) };
}

async function floor(f: Flags): Promise<FloorResult> {
  const parent = `/zk-elect-bench/nzc-floor-${process.pid}-${Date.now()}`;
  const watcher = await connect(f.zookeeper, 30_000);
  await call<string>((cb) => watcher.mkdirp(parent, cb));
  const samples: number[] = [];
  const relist: number[] = [];
  const total: number[] = [];
  try {
    for (let r = 0; r < f.warmup + f.rounds; r++) {
      const owner = await connect(f.zookeeper, f.sessionTimeout);
      const path = `${parent}/e${r}`;
      await call<string>((cb) => owner.create(path, Buffer.from('bench'), nzc.CreateMode.EPHEMERAL, cb));
      // On a quorum the watcher's server may not have applied the create yet (reads are ordered
      // per client, not across clients): wait until it sees the node, untimed, as every floor does.
      for (let tries = 0; !(await call<unknown>((cb) => watcher.exists(path, cb))); tries++) {
        if (tries === 1000) throw new Error(`${path} never became visible to the watcher`);
        await sleep(1);
      }
      // The owner idles before its close, as a failover's leader has (the zk-elect floor says why).
      if (f.pause > 0) await sleep(f.pause);
      let t1 = 0;
      let t2 = 0;
      let onListed!: () => void;
      let onError!: (err: unknown) => void;
      const listed = new Promise<void>((resolve, reject) => ((onListed = resolve), (onError = reject)));
      const stat = await call<unknown>((cb) =>
        watcher.exists(
          path,
          (ev) => {
            if (ev.getType() !== nzc.Event.NODE_DELETED) return;
            t1 = performance.now();
            watcher.getChildren(parent, (err) => (err ? onError(err) : ((t2 = performance.now()), onListed())));
          },
          cb,
        ),
      );
      if (!stat) throw new Error('node vanished');
      const t0 = performance.now();
      const closing = closeClient(owner);
      await listed;
      if (r >= f.warmup) (samples.push(t1 - t0), relist.push(t2 - t1), total.push(t2 - t0));
      await closing;
    }
  } finally {
    await call<void>((cb) => watcher.removeRecursive(parent, cb)).catch(() => undefined);
    await closeClient(watcher);
  }
  return { scenario: 'floor', impl: 'nzc', rounds: f.rounds, warmup: f.warmup, ...floorFigures(samples, relist, total) };
}

async function main(): Promise<void> {
  const [scenario, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      zookeeper: { type: 'string' },
      candidates: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
      'session-timeout': { type: 'string', default: '30000' },
      pause: { type: 'string', default: '5' },
    },
  });
  if (!values.zookeeper || (scenario !== 'failover' && scenario !== 'floor')) {
    process.stderr.write('usage: nzc-peer.js failover|floor --zookeeper <cs> [--candidates N --rounds N --warmup N --session-timeout ms --pause ms]\n');
    process.exit(2);
  }
  const f: Flags = {
    zookeeper: values.zookeeper,
    candidates: Number(values.candidates),
    rounds: Number(values.rounds),
    warmup: Number(values.warmup),
    sessionTimeout: Number(values['session-timeout']),
    pause: Number(values.pause),
  };
  const result = scenario === 'failover' ? await failover(f) : await floor(f);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`nzc-peer failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
