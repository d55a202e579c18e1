/**
 * `scale` from several processes: N candidates (20,000 by default) in one election, spread
 * over P child processes (bench/fleet-worker.ts, 4 by default), all against one ensemble, as a
 * fleet of hosts would be. Timed from the moment every process is told to join until all have
 * joined and exactly one candidate leads. Then `rounds` leader failures: the process holding
 * the leader closes it, and the notifications and requests of every remaining candidate in
 * every process are summed from their LeaderElection.stats before the close and after the
 * successor leads and things are quiet. Heap per candidate is each process's own growth (forced
 * GC before and after) over its share.
 *
 * Every session is a socket in a candidate process and in a server: the server's open-file
 * limit is raised when the harness started it (bench/lib/fd-limit.ts), and a process whose
 * share would not fit under this one's limit is started under `prlimit`.
 * @module
 */
import path from 'node:path';
import { ZooKeeper } from 'zk-elect';
import { SupervisedChild } from 'zk-elect/testing';
import type { FleetEvent, FleetWorkerParams } from '../fleet-worker.js';
import { cpuMeter } from '../lib/cpu.js';
import { FD_HEADROOM, raiseServerLimit, withFileLimit } from '../lib/fd-limit.js';
import { round, roundSummary, summarize } from '../lib/stats.js';
import type { CountSummary, ScaleResult } from '../lib/types.js';
import { scaleResult } from './scale.js';
import { DIST_ROOT, benchPath, ensurePath, log, removeTree, sleep, withTimeout } from '../lib/util.js';

/** Parameters of the multi-process scale run. */
export interface FleetParams {
  connectString: string;
  /** Local server JVMs whose open-file limits may need raising (none for an external ensemble). */
  serverPids: readonly number[];
  candidates: number;
  processes: number;
  /** Joins in flight per process. */
  concurrency: number;
  sessionTimeout: number;
  rounds: number;
  /** Give up on the joins after this long, ms. */
  timeoutMs: number;
  /** Quiet time after a successor leads before the counters are read again, ms. */
  settleMs: number;
}

type Worker = SupervisedChild<FleetEvent>;
type Of<K extends FleetEvent['event']> = Extract<FleetEvent, { event: K }>;

const WORKER = path.join(DIST_ROOT, 'bench', 'fleet-worker.js');
/** Extra node flags for every fleet process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` (NODE_OPTIONS refuses --cpu-prof). */
const WORKER_NODE_ARGS = (process.env.ZK_ELECT_FLEET_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/** Sends `command` to `w` and waits for its `answer` line (or its error line). */
async function ask<K extends FleetEvent['event']>(w: Worker, command: string, answer: K, timeoutMs: number): Promise<Of<K>> {
  const from = w.events.length;
  w.stdin?.write(`${command}\n`);
  const e = await w.next((x) => x.event === answer || x.event === 'error', { from, timeoutMs, what: `the fleet process's answer to ${command}` });
  if (e.event === 'error') throw new Error(`fleet process ${w.pid}: ${e.message}`);
  return e as Of<K>;
}

function counts(xs: number[]): CountSummary {
  const s = summarize(xs);
  return { min: s.min, mean: round(s.mean, 2), max: s.max };
}

/**
 * Runs the multi-process scale scenario. Blocks for the joins (at most `timeoutMs`) and the
 * failures. @throws Error when a process cannot start or fails a command, the open-file limits
 * cannot be raised (with the fix), the joins time out, or a failure elects no one within 30 s.
 */
export async function fleetZkElect(p: FleetParams): Promise<ScaleResult> {
  const share = Array.from({ length: p.processes }, (_, i) => Math.floor(p.candidates / p.processes) + (i < p.candidates % p.processes ? 1 : 0));
  // Each client picks a server at random: on a quorum a server gets about 1/n of the sessions
  // (20,000 over 3: σ ≈ 70), so half as many again is a wide margin.
  const servers = Math.max(1, p.serverPids.length);
  raiseServerLimit(p.serverPids, Math.ceil((p.candidates / servers) * (servers > 1 ? 1.5 : 1)) + FD_HEADROOM);
  const parent = benchPath(`scale-fleet-${p.candidates}`);
  const admin = await ZooKeeper.connect(p.connectString, { sessionTimeout: 30_000 });
  await ensurePath(admin, parent);
  const workers: Worker[] = [];
  try {
    for (const n of share) {
      const params: FleetWorkerParams = { connectString: p.connectString, parent, candidates: n, concurrency: p.concurrency, sessionTimeout: p.sessionTimeout };
      const { cmd, args } = withFileLimit(process.execPath, [...WORKER_NODE_ARGS, WORKER, JSON.stringify(params)], n + FD_HEADROOM);
      const w: Worker = new SupervisedChild<FleetEvent>(cmd, args, { stdin: true });
      const index = workers.length + 1;
      w.onStderr((l) => process.stderr.write(`  [fleet ${index}/${p.processes}] ${l.replace(/^\[bench\] /, '')}\n`));
      workers.push(w);
    }
    await Promise.all(workers.map((w) => w.next((e) => e.event === 'ready', { timeoutMs: 30_000, what: 'a fleet process to start' })));
    log(`scale fleet: ${p.candidates} candidates from ${p.processes} processes (${share.join(' + ')}) joining ...`);
    const meters = (p.serverPids.length ? p.serverPids : [undefined]).map((pid) => cpuMeter(pid));
    const t0 = performance.now();
    const joined = await withTimeout(Promise.all(workers.map((w) => ask(w, 'join', 'joined', p.timeoutMs))), p.timeoutMs, `all ${p.candidates} fleet candidates to join`);
    let stats = await Promise.all(workers.map((w) => ask(w, 'stats', 'stats', 30_000)));
    let leaders = stats.reduce((a, s) => a + s.leaders, 0);
    while (leaders !== 1 && performance.now() - t0 < p.timeoutMs) {
      await sleep(10);
      stats = await Promise.all(workers.map((w) => ask(w, 'stats', 'stats', 30_000)));
      leaders = stats.reduce((a, s) => a + s.leaders, 0);
    }
    const joinMs = performance.now() - t0;
    const cpu = meters.map((m) => m());
    const serverCpuMs = cpu.every((c) => c.serverCpuMs !== undefined) ? cpu.reduce((a, c) => a + (c.serverCpuMs as number), 0) : undefined;
    const children = (await admin.getChildren(parent)).length;
    log(`scale fleet: all joined in ${(joinMs / 1000).toFixed(1)} s, ${leaders} leader(s), ${children} nodes`);
    const failures = await fail(p, workers, stats);
    const heap = joined.map((j) => j.heapBytes / Math.max(1, j.candidates));
    const sum = (f: (j: Of<'joined'>) => number) => joined.reduce((a, j) => a + f(j), 0);
    return {
      ...scaleResult(p, { joinMs, leaders, children, heapBytes: sum((j) => j.heapBytes), rssBytes: sum((j) => j.rssBytes) }),
      heapBytesPerCandidateMax: Math.round(Math.max(...heap)),
      failures,
      joinCpu: { ...(cpu[0]?.machineBusy !== undefined ? { machineBusy: round(cpu[0].machineBusy, 3) } : {}), ...(serverCpuMs !== undefined ? { serverCpuMs } : {}) },
    };
  } finally {
    await Promise.all(workers.map((w) => (w.exit ? undefined : ask(w, 'quit', 'closed', 120_000).catch(() => undefined))));
    await Promise.all(workers.map((w) => withTimeout(w.exited, 10_000, 'a fleet process to exit').catch(() => w.kill('SIGKILL'))));
    await removeTree(admin, parent).catch(() => undefined);
    await admin.close();
  }
}

/** `rounds` leader failures: what each one cost every remaining candidate of every process. */
async function fail(p: FleetParams, workers: Worker[], first: Of<'stats'>[]): Promise<NonNullable<ScaleResult['failures']>> {
  const notifications: number[] = [];
  const requests: number[] = [];
  const elected: number[] = [];
  let before = first;
  for (let r = 0; r < p.rounds; r++) {
    const owner = before.findIndex((s) => s.leader);
    const holder = workers[owner];
    const leader = before[owner]?.leader;
    if (!holder || !leader) throw new Error(`scale fleet failure ${r}: no process holds the leader`);
    // The leader's own counters leave with it: the deltas are those of everyone else.
    const n0 = before.reduce((a, s) => a + s.notifications, 0) - leader.notifications;
    const q0 = before.reduce((a, s) => a + s.requests, 0) - leader.requests;
    const marks = workers.map((w) => w.events.length);
    const waits = workers.map((w, i) => w.next((e) => e.event === 'elected', { from: marks[i], what: 'a successor' }));
    for (const w of waits) w.catch(() => undefined);
    const failed = await ask(holder, 'fail', 'failed', 30_000);
    const next = (await withTimeout(Promise.race(waits), 30_000, `a new leader after fleet failure ${r}`)) as Of<'elected'>;
    await sleep(p.settleMs);
    const after = await Promise.all(workers.map((w) => ask(w, 'stats', 'stats', 30_000)));
    notifications.push(after.reduce((a, s) => a + s.notifications, 0) - n0);
    requests.push(after.reduce((a, s) => a + s.requests, 0) - q0);
    elected.push(next.time - failed.time);
    log(`scale fleet failure ${r + 1}/${p.rounds}: ${notifications.at(-1)} notification(s), ${requests.at(-1)} request(s), new leader after ${(next.time - failed.time).toFixed(2)} ms`);
    const leaders = after.reduce((a, s) => a + s.leaders, 0);
    if (leaders !== 1) throw new Error(`scale fleet failure ${r}: ${leaders} leaders after it`);
    before = after;
  }
  return { rounds: p.rounds, notifications: counts(notifications), requests: counts(requests), electedMs: roundSummary(summarize(elected)) };
}
