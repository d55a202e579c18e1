/**
 * `ops`: pipelined client throughput on one server (bench/lib/pipeline.ts): a sliding window of
 * requests in flight, every completion issues the next; latency per request from just before
 * the call to its completion.
 *
 * Clients: zk-elect and node-zookeeper-client in this process (bench/scenarios/ops-drivers.ts),
 * and the ZooKeeper Java client's async API (getData/create with callbacks; the release Curator
 * depends on, see bench/lib/peer-install.ts) in a long-lived JVM (bench/peers/java/ZkPeer.java
 * `ops`), so its JIT stays warm between batches. Each client is
 * warmed up first; then each op runs `runs` times per client, the order rotating each run so
 * drift (server JIT and GC, other load) is shared; the median of each figure is reported.
 * @module
 */
import { ZooKeeper } from 'zk-elect';
import { nzcDriver, zkElectDriver, type Driver } from './ops-drivers.js';
import { pipeline } from '../lib/pipeline.js';
import { cpuMeter } from '../lib/cpu.js';
import { JavaOpsPeer } from '../lib/peers.js';
import { median, round } from '../lib/stats.js';
import type { OpsClient, OpsFigures, OpsResult } from '../lib/types.js';
import { benchPath, ensurePath, log, removeTree } from '../lib/util.js';

/** Parameters of the ops scenario. */
export interface OpsParams {
  connectString: string;
  clients: OpsClient[];
  getData: number;
  create: number;
  window: number;
  runs: number;
  warmup: number;
  /** Extra getData windows, one run per client each with half the calls (none: []). */
  sweep?: number[];
  /** The server JVM's pid, when local: its CPU per request is reported too. */
  serverPid?: number;
}

interface Runner {
  name: OpsClient;
  run(op: 'getData' | 'create', target: string, n: number, window: number): Promise<OpsFigures>;
  close(): Promise<void>;
}

function inProcess(name: OpsClient, d: Driver): Runner {
  return {
    name,
    run: (op, target, n, window) => (op === 'getData' ? pipeline(n, window, (_i, done) => d.getData(target, done)) : pipeline(n, window, (i, done) => d.create(`${target}/n${i}`, done))),
    close: () => d.close(),
  };
}

async function javaRunner(cs: string): Promise<Runner> {
  const peer = await JavaOpsPeer.start(cs);
  return { name: 'java', run: (op, target, n, window) => peer.run(op, target, n, window), close: () => peer.close() };
}

/**
 * Runs the throughput comparison. Blocks for every batch of every client.
 * @throws the first failed request's Error, a Java peer that cannot start, or ZooKeeperError.
 */
export async function opsCompare(p: OpsParams): Promise<OpsResult> {
  const admin = await ZooKeeper.connect(p.connectString, { sessionTimeout: 30_000 });
  const root = benchPath('ops');
  await ensurePath(admin, root);
  const dataPath = `${root}/data`;
  await admin.create(dataPath, Buffer.alloc(100, 0x61));
  const runners: Runner[] = [];
  let counter = 0;
  const batch = async (r: Runner, op: 'getData' | 'create', n: number, window = p.window): Promise<OpsFigures> => {
    const withCpu = (f: OpsFigures, m: { serverCpuMs?: number; machineBusy?: number }): OpsFigures => ({
      ...f,
      ...(m.serverCpuMs !== undefined ? { serverCpuUsPerOp: (m.serverCpuMs * 1000) / n } : {}),
      ...(m.machineBusy !== undefined ? { machineBusy: m.machineBusy } : {}),
    });
    if (op === 'getData') {
      const meter = cpuMeter(p.serverPid);
      const f = await r.run('getData', dataPath, n, window);
      return withCpu(f, meter());
    }
    const parent = `${root}/c${counter++}`;
    await admin.create(parent);
    try {
      const meter = cpuMeter(p.serverPid);
      const f = await r.run('create', parent, n, window);
      return withCpu(f, meter());
    } finally {
      await removeTree(admin, parent);
    }
  };
  try {
    for (const c of p.clients) {
      if (c === 'zk-elect') runners.push(inProcess(c, await zkElectDriver(p.connectString)));
      else if (c === 'nzc') runners.push(inProcess(c, await nzcDriver(p.connectString)));
      else runners.push(await javaRunner(p.connectString));
    }
    if (p.warmup > 0) {
      for (const r of runners) {
        log(`ops: warming up ${r.name} (${p.warmup} getData, ${Math.ceil(p.warmup / 5)} creates) ...`);
        await batch(r, 'getData', p.warmup);
        await batch(r, 'create', Math.ceil(p.warmup / 5));
      }
    }
    const allRuns: OpsResult['allRuns'] = {};
    const med: OpsResult['median'] = {};
    for (const op of ['getData', 'create'] as const) {
      const n = op === 'getData' ? p.getData : p.create;
      if (n <= 0) continue;
      const runs: Record<string, OpsFigures[]> = {};
      for (const r of runners) runs[r.name] = [];
      for (let k = 0; k < p.runs; k++) {
        // Rotate the order each run so every client goes first once in a while.
        const order = runners.map((_, i) => runners[(i + k) % runners.length] as Runner);
        for (const r of order) {
          const f = await batch(r, op, n);
          runs[r.name]!.push(f);
          const server = f.serverCpuUsPerOp !== undefined ? `  server CPU ${f.serverCpuUsPerOp.toFixed(1)} µs/op` : '';
          const busy = f.machineBusy !== undefined ? `  machine ${(f.machineBusy * 100).toFixed(0)}% busy` : '';
          log(`ops ${op} run ${k + 1}/${p.runs} ${r.name.padEnd(8)} ${Math.round(f.opsPerSec).toLocaleString('en-US').padStart(8)} ops/s  p50 ${f.p50Ms.toFixed(2)} ms  p99 ${f.p99Ms.toFixed(2)} ms  client CPU ${f.cpuUsPerOp.toFixed(1)} µs/op${server}${busy}`);
        }
      }
      allRuns[op] = runs;
      med[op] = Object.fromEntries(
        Object.entries(runs).map(([name, fs]) => [
          name,
          {
            opsPerSec: round(median(fs.map((f) => f.opsPerSec)), 0),
            p50Ms: round(median(fs.map((f) => f.p50Ms)), 3),
            p99Ms: round(median(fs.map((f) => f.p99Ms)), 3),
            cpuUsPerOp: round(median(fs.map((f) => f.cpuUsPerOp)), 2),
            ...(fs.every((f) => f.serverCpuUsPerOp !== undefined) ? { serverCpuUsPerOp: round(median(fs.map((f) => f.serverCpuUsPerOp as number)), 2) } : {}),
            ...(fs.every((f) => f.machineBusy !== undefined) ? { machineBusy: round(median(fs.map((f) => f.machineBusy as number)), 3) } : {}),
          },
        ]),
      );
    }
    const sweep = await sweepWindows(p, runners, (r, n, window) => batch(r, 'getData', n, window));
    return { scenario: 'ops', window: p.window, runs: p.runs, warmup: p.warmup, ops: { getData: p.getData, create: p.create }, median: med, allRuns, ...(sweep.length ? { sweep } : {}) };
  } finally {
    for (const r of runners) await r.close().catch(() => undefined);
    await removeTree(admin, root).catch(() => undefined);
    await admin.close();
  }
}

/**
 * getData at other windows, one run per client each (half the calls), the order rotating per
 * window. Throughput with the server and the clients sharing 2 cores depends on the window
 * (ZooKeeper stops reading once 1,000 requests are outstanding, globalOutstandingLimit), so the
 * best figure of any client at any window is the least the server can do here: the ceiling
 * every client shares.
 */
async function sweepWindows(
  p: OpsParams,
  runners: Runner[],
  batch: (r: Runner, n: number, window: number) => Promise<OpsFigures>,
): Promise<NonNullable<OpsResult['sweep']>> {
  const out: NonNullable<OpsResult['sweep']> = [];
  if (p.getData <= 0) return out;
  const n = Math.max(1, Math.floor(p.getData / 2));
  for (const [k, window] of (p.sweep ?? []).entries()) {
    for (const r of runners.map((_, i) => runners[(i + k) % runners.length] as Runner)) {
      const figures = await batch(r, n, window);
      out.push({ window, client: r.name, n, figures });
      log(`ops getData window ${window} ${r.name.padEnd(8)} ${Math.round(figures.opsPerSec).toLocaleString('en-US').padStart(8)} ops/s  client CPU ${figures.cpuUsPerOp.toFixed(1)} µs/op`);
    }
  }
  return out;
}
