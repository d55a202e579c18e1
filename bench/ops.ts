/**
 * Client throughput benchmark: zk-elect vs node-zookeeper-client, same server, same process,
 * same run.
 *
 *   npm run bench:ops                        # starts a TestingServer (tickTime 2000; --zk-version picks the release)
 *   node dist/bench/ops.js --zookeeper 127.0.0.1:2181 --ops 100000 --creates 20000 --window 1000
 *   node dist/bench/ops.js --json            # last stdout line: one JSON object with all figures
 *
 * Scenarios (each client has its own session on the same server):
 *   getData  N pipelined getData calls of one node holding 100 bytes;
 *   create   M pipelined creates of PERSISTENT nodes (no data) under a fresh parent per run;
 *            the nodes are deleted afterwards (untimed, by a separate admin client).
 *
 * Pipelining is a sliding window: `--window` requests are kept in flight, and every completion
 * issues the next request (same window for both clients). Latency is per request, from just
 * before the call to its callback / promise reaction (performance.now()), so it includes the
 * queueing behind the window (Little's law: p50 ≈ window / throughput).
 *
 * Each client is warmed up first (getData and create) so the JIT is not measured, then each
 * scenario runs 3 times per client, alternating (A B, B A, A B); the report gives the median of
 * each figure over the runs.
 * @module
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ZooKeeper, ZooKeeperError } from '../src/index.js';
import { TestingServer, fourLetterWord, parseSrvr } from '../src/testing/index.js';
import { DEFAULTS } from './lib/options.js';
import { removeTree } from './lib/util.js';

// ---- node-zookeeper-client (CommonJS, callback based, no bundled types) -----------------------

type NzcCallback<T> = (error: Error | null, result?: T) => void;

/** The part of node-zookeeper-client's Client this benchmark uses. */
interface NzcClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected', listener: () => void): this;
  getData(path: string, callback: (error: Error | null, data?: Buffer, stat?: unknown) => void): void;
  create(path: string, callback: NzcCallback<string>): void;
}

interface NzcModule {
  createClient(connectString: string, options?: { sessionTimeout?: number; spinDelay?: number; retries?: number }): NzcClient;
}

// No `declare module` is possible from a module file, so load it through require with a local type.
const nzc = createRequire(import.meta.url)('node-zookeeper-client') as NzcModule;

// ---- options ----------------------------------------------------------------------------------

const USAGE = `usage: node dist/bench/ops.js [--zookeeper host:port] [--ops N] [--creates N] [--window N] [--runs N]
                          [--warmup N] [--scenario getData|create|all] [--client zk-elect|node-zookeeper-client|both]
                          [--zk-version x.y.z] [--json]
  --zookeeper <cs>   use this server instead of starting a TestingServer
  --zk-version <v>   the ZooKeeper release of that TestingServer: x.y.z or debian (default ${DEFAULTS.zkVersion})
  --ops <n>          pipelined getData calls per run (default 100000)
  --creates <n>      pipelined creates per run (default 20000)
  --window <n>       requests kept in flight, the same for both clients (default 1000)
  --runs <n>         runs per client and scenario, alternating; the median is reported (default 3)
  --warmup <n>       warm-up getData calls per client (default 5000; creates: a fifth of it)
  --scenario <s>     getData, create or all (default all)
  --client <c>       zk-elect, node-zookeeper-client or both (default both; one client is for profiling)
  --json             print one JSON object with all figures as the last stdout line`;

interface Options {
  zookeeper?: string;
  ops: number;
  creates: number;
  window: number;
  runs: number;
  warmup: number;
  scenarios: Scenario[];
  clients: ImplName[];
  /** The release of the TestingServer started without --zookeeper. */
  zkVersion: string;
  json: boolean;
}

type Scenario = 'getData' | 'create';
export type ImplName = 'zk-elect' | 'node-zookeeper-client';
const IMPLS: readonly ImplName[] = ['zk-elect', 'node-zookeeper-client'];

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        zookeeper: { type: 'string' },
        ops: { type: 'string' },
        creates: { type: 'string' },
        window: { type: 'string' },
        runs: { type: 'string' },
        warmup: { type: 'string' },
        scenario: { type: 'string' },
        client: { type: 'string' },
        'zk-version': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, dflt: number, min: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const scenario = values.scenario ?? 'all';
  if (!['all', 'getData', 'create'].includes(scenario)) throw new UsageError(`--scenario must be getData, create or all, got ${JSON.stringify(scenario)}`);
  const client = values.client ?? 'both';
  if (client !== 'both' && !IMPLS.includes(client as ImplName)) {
    throw new UsageError(`--client must be zk-elect, node-zookeeper-client or both, got ${JSON.stringify(client)}`);
  }
  const zkVersion = values['zk-version'] ?? DEFAULTS.zkVersion;
  if (!/^(\d+\.\d+\.\d+|debian)$/.test(zkVersion)) throw new UsageError(`--zk-version must be a release such as ${DEFAULTS.zkVersion}, or debian; got ${JSON.stringify(zkVersion)}`);
  return {
    zookeeper: values.zookeeper,
    zkVersion,
    clients: client === 'both' ? [...IMPLS] : [client as ImplName],
    ops: int('ops', values.ops, 100_000, 1),
    creates: int('creates', values.creates, 20_000, 1),
    window: int('window', values.window, 1_000, 1),
    runs: int('runs', values.runs, 3, 1),
    warmup: int('warmup', values.warmup, 5_000, 0),
    scenarios: scenario === 'all' ? ['getData', 'create'] : [scenario as Scenario],
    json: values.json,
  };
}

// ---- the two clients behind one callback interface ---------------------------------------------

export type Done = (error?: unknown) => void;

/** One connected client; each call completes through `done` exactly once. */
export interface Driver {
  readonly name: ImplName;
  getData(path: string, done: Done): void;
  create(path: string, done: Done): void;
  close(): Promise<void>;
}

export async function zkElectDriver(cs: string): Promise<Driver> {
  const zk = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
  return {
    name: 'zk-elect',
    // The natural promise usage: one reaction per call, as an application would write it.
    getData: (path, done) => void zk.getData(path).then(() => done(), done),
    create: (path, done) => void zk.create(path).then(() => done(), done),
    close: () => zk.close(),
  };
}

export async function nzcDriver(cs: string): Promise<Driver> {
  const client = nzc.createClient(cs, { sessionTimeout: 30_000 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`node-zookeeper-client could not connect to ${cs} within 15000 ms`));
    }, 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return {
    name: 'node-zookeeper-client',
    getData: (path, done) => client.getData(path, (err) => (err ? done(err) : done())),
    create: (path, done) => client.create(path, (err) => (err ? done(err) : done())),
    close: () =>
      new Promise<void>((resolve) => {
        // close() queues closeSession; the socket closes when the server answers.
        const timer = setTimeout(resolve, 2_000);
        client.once('disconnected', () => (clearTimeout(timer), resolve()));
        client.close();
      }),
  };
}

// ---- the pipeline -----------------------------------------------------------------------------

export interface RunFigures {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** CPU time of this Node process (all threads) per request, in µs: the client's cost per op. */
  cpuUsPerOp: number;
}

/**
 * Issues `n` requests keeping `window` in flight; resolves with the timing of the whole batch and
 * of each request. Rejects on the first failed request, or when nothing completes for `stallMs`.
 */
export function pipeline(n: number, window: number, issue: (i: number, done: Done) => void, stallMs = 60_000): Promise<RunFigures> {
  if (n === 0) return Promise.resolve(summarize(new Float64Array(0), 0, { user: 0, system: 0 }));
  return new Promise((resolve, reject) => {
    const latency = new Float64Array(n);
    let next = 0;
    let completed = 0;
    let failed = false;
    let lastProgress = completed;
    const watchdog = setInterval(() => {
      if (completed === lastProgress) fail(new Error(`no reply for ${stallMs} ms (${completed}/${n} requests completed)`));
      lastProgress = completed;
    }, stallMs);
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      clearInterval(watchdog);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const launch = () => {
      const i = next++;
      const start = performance.now();
      try {
        issue(i, (err) => {
          if (failed) return;
          if (err) return fail(new Error(`request ${i} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
          latency[i] = performance.now() - start;
          if (++completed === n) {
            clearInterval(watchdog);
            resolve(summarize(latency, performance.now() - t0, process.cpuUsage(cpu0)));
          } else if (next < n) launch();
        });
      } catch (err) {
        fail(err);
      }
    };
    for (let k = Math.min(window, n); k > 0 && !failed; k--) launch();
  });
}

function summarize(latency: Float64Array, elapsedMs: number, cpu: NodeJS.CpuUsage): RunFigures {
  if (latency.length === 0) return { ops: 0, elapsedMs, opsPerSec: 0, p50Ms: 0, p99Ms: 0, meanMs: 0, maxMs: 0, cpuUsPerOp: 0 };
  const sorted = Float64Array.from(latency).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    ops: sorted.length,
    elapsedMs,
    opsPerSec: (sorted.length * 1000) / elapsedMs,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    meanMs: sum / sorted.length,
    maxMs: sorted[sorted.length - 1] as number,
    cpuUsPerOp: (cpu.user + cpu.system) / sorted.length,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

// ---- scenarios --------------------------------------------------------------------------------

interface Bench {
  opts: Options;
  admin: ZooKeeper;
  root: string;
  dataPath: string;
  counter: number;
}

function runGetData(b: Bench, d: Driver, n: number): Promise<RunFigures> {
  return pipeline(n, b.opts.window, (_i, done) => d.getData(b.dataPath, done));
}

/** Creates `n` nodes under a fresh parent (timed), then deletes them all (untimed, admin client). */
async function runCreate(b: Bench, d: Driver, n: number): Promise<RunFigures> {
  const parent = `${b.root}/c${b.counter++}`;
  await b.admin.create(parent);
  try {
    return await pipeline(n, b.opts.window, (i, done) => d.create(`${parent}/n${i}`, done));
  } finally {
    await removeTree(b.admin, parent);
  }
}


// ---- main -------------------------------------------------------------------------------------

interface Medians {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerOp: number;
}

interface ScenarioResult {
  scenario: Scenario;
  ops: number;
  window: number;
  runs: Partial<Record<ImplName, RunFigures[]>>;
  median: Partial<Record<ImplName, Medians>>;
  /** zk-elect / node-zookeeper-client: above 1 means zk-elect has more ops/s (or more latency / CPU). Null with one client. */
  ratio: Medians | null;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench/ops: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }

  let server: TestingServer | undefined;
  let admin: ZooKeeper | undefined;
  const drivers: Driver[] = [];
  let root: string | undefined;
  try {
    let cs = opts.zookeeper;
    if (!cs) {
      log(`starting a ZooKeeper ${opts.zkVersion} TestingServer (tickTime 2000) ...`);
      server = await TestingServer.start({ tickTime: 2000, version: opts.zkVersion });
      cs = server.connectString;
    }
    const serverVersion = await serverVersionOf(cs);
    log(`server ${cs}${serverVersion ? ` (ZooKeeper ${serverVersion})` : ''}`);

    admin = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
    root = `/zk-elect-bench-${process.pid}-${Date.now()}`;
    await admin.create(root);
    const dataPath = `${root}/data`;
    await admin.create(dataPath, Buffer.alloc(100, 0x61));

    for (const name of opts.clients) drivers.push(name === 'zk-elect' ? await zkElectDriver(cs) : await nzcDriver(cs));
    const bench: Bench = { opts, admin, root, dataPath, counter: 0 };

    // Warm-up: both scenarios, every client, before anything is measured.
    if (opts.warmup > 0) {
      for (const d of drivers) {
        log(`warming up ${d.name} (${opts.warmup} getData, ${Math.ceil(opts.warmup / 5)} creates) ...`);
        await runGetData(bench, d, opts.warmup);
        await runCreate(bench, d, Math.ceil(opts.warmup / 5));
      }
    }

    const results: ScenarioResult[] = [];
    for (const scenario of opts.scenarios) {
      const n = scenario === 'getData' ? opts.ops : opts.creates;
      const runs: Partial<Record<ImplName, RunFigures[]>> = {};
      for (const d of drivers) runs[d.name] = [];
      for (let r = 0; r < opts.runs; r++) {
        // Alternate which client goes first, so drift (server JIT, GC, log growth) is shared.
        const order = r % 2 === 0 ? drivers : [...drivers].reverse();
        for (const d of order) {
          const fig = scenario === 'getData' ? await runGetData(bench, d, n) : await runCreate(bench, d, n);
          runs[d.name]!.push(fig);
          log(`${scenario} run ${r + 1}/${opts.runs} ${d.name.padEnd(21)} ${fmtInt(fig.opsPerSec)} ops/s  p50 ${fig.p50Ms.toFixed(2)} ms  p99 ${fig.p99Ms.toFixed(2)} ms  client CPU ${fig.cpuUsPerOp.toFixed(1)} µs/op`);
        }
      }
      const med = (figs: RunFigures[]): Medians => ({
        opsPerSec: median(figs.map((f) => f.opsPerSec)),
        p50Ms: median(figs.map((f) => f.p50Ms)),
        p99Ms: median(figs.map((f) => f.p99Ms)),
        cpuUsPerOp: median(figs.map((f) => f.cpuUsPerOp)),
      });
      const medians: Partial<Record<ImplName, Medians>> = {};
      for (const d of drivers) medians[d.name] = med(runs[d.name]!);
      const a = medians['zk-elect'];
      const b = medians['node-zookeeper-client'];
      const ratio = a && b ? { opsPerSec: a.opsPerSec / b.opsPerSec, p50Ms: a.p50Ms / b.p50Ms, p99Ms: a.p99Ms / b.p99Ms, cpuUsPerOp: a.cpuUsPerOp / b.cpuUsPerOp } : null;
      results.push({ scenario, ops: n, window: opts.window, runs, median: medians, ratio });
    }

    const report = {
      benchmark: 'zk-elect bench/ops',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.release()}`, node: process.version },
      server: { connectString: cs, started: server ? 'TestingServer' : 'external', version: serverVersion },
      options: { ops: opts.ops, creates: opts.creates, window: opts.window, runs: opts.runs, warmup: opts.warmup, pipelining: 'sliding window' },
      results,
    };
    if (opts.json) console.log(JSON.stringify(report));
    else printTable(report.machine, report.server, opts, results);
    return 0;
  } finally {
    // Each step on its own, so one failure does not leave the others running.
    for (const d of drivers) await d.close().catch((err) => log(`closing ${d.name}: ${(err as Error).message}`));
    if (admin && root) await removeRoot(admin, root).catch((err) => log(`cleanup of ${root}: ${(err as Error).message}`));
    await admin?.close().catch(() => undefined);
    await server?.stop().catch((err) => log(`stopping the ZooKeeper server: ${(err as Error).message}`));
  }
}

async function removeRoot(admin: ZooKeeper, root: string): Promise<void> {
  for (const child of await admin.getChildren(root).catch(() => [] as string[])) {
    await removeTree(admin, `${root}/${child}`);
  }
  await removeTree(admin, root);
}

async function serverVersionOf(cs: string): Promise<string | undefined> {
  const first = cs.split('/')[0]?.split(',')[0] ?? '';
  const colon = first.lastIndexOf(':');
  if (colon < 0) return undefined;
  try {
    return parseSrvr(await fourLetterWord(first.slice(0, colon), Number(first.slice(colon + 1)), 'srvr', { timeoutMs: 2000 })).version;
  } catch {
    return undefined; // srvr not whitelisted, or not reachable that way: the version is optional
  }
}

const fmtInt = (v: number) => Math.round(v).toLocaleString('en-US').padStart(9);

function printTable(
  machine: { cpus: number; cpuModel: string; node: string },
  server: { connectString: string; started: string; version?: string },
  opts: Options,
  results: ScenarioResult[],
): void {
  const lines: string[] = [];
  lines.push('');
  lines.push(`zk-elect vs node-zookeeper-client — ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}`);
  lines.push(`server: ${server.started} ${server.connectString}${server.version ? `, ZooKeeper ${server.version}` : ''}`);
  lines.push(`sliding window of ${opts.window} requests in flight, median of ${opts.runs} alternating runs, warm-up ${opts.warmup} ops per client`);
  lines.push('');
  const head = ['scenario', 'client', 'ops/s', 'p50 ms', 'p99 ms', 'CPU µs/op'];
  const rows: string[][] = [];
  for (const r of results) {
    for (const name of IMPLS) {
      const m = r.median[name];
      if (!m) continue;
      rows.push([`${r.scenario} ×${r.ops.toLocaleString('en-US')}`, name, fmtInt(m.opsPerSec).trim(), m.p50Ms.toFixed(2), m.p99Ms.toFixed(2), m.cpuUsPerOp.toFixed(1)]);
    }
    const q = r.ratio;
    if (q) rows.push(['', 'ratio zk-elect / nzc', `${q.opsPerSec.toFixed(2)}×`, `${q.p50Ms.toFixed(2)}×`, `${q.p99Ms.toFixed(2)}×`, `${q.cpuUsPerOp.toFixed(2)}×`]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (row: string[]) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  lines.push(fmt(head));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) lines.push(fmt(row));
  lines.push('');
  lines.push('ratio: ops/s above 1 = zk-elect faster; latency and CPU below 1 = zk-elect lower.');
  lines.push('CPU µs/op: user+system CPU of this Node process per request (the client side only; the server is another process).');
  console.log(lines.join('\n'));
}

// Run only as the program: `zk-elect bench ops` imports the drivers and the pipeline from here.
if (isProgram()) void main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // ZooKeeper errors explain themselves; anything else is a bug, so show where it happened.
    const text = err instanceof ZooKeeperError ? `${err.name}: ${err.message}` : ((err as Error)?.stack ?? String(err));
    console.error(`bench/ops failed: ${text}`);
    process.exit(1);
  },
);

/** True when this file is the program (node dist/bench/ops.js), not an import. */
function isProgram(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
