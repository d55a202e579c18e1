/**
 * zk-elect's scenarios in child processes (bench/main.ts again, given its options as one JSON
 * argument, so every figure comes from a fresh heap, the same as the peers'), and the peers,
 * against one server; the latency scenarios interleaved in parts; then (`--quorum`, the default
 * of `all`) floor and failover again on a fresh 3-server quorum.
 * @module
 */
import path from 'node:path';
import { childArgs } from './lib/parse-options.js';
import type { BenchOptions } from './lib/options.js';
import { ensurePeers, locatePeer, peerCommand, runJsonChild } from './lib/peers.js';
import { startLocalServer, type BenchServer } from './lib/server.js';
import { roundSummary, summarize } from './lib/stats.js';
import { mergeTail, type TailEvidence } from './lib/tail.js';
import { fleetZkElect, type FleetParams } from './scenarios/fleet.js';
import { SCENARIOS, type FailoverResult, type FloorResult, type PeerName, type ScenarioName, type ScenarioResult } from './lib/types.js';
import { DIST_ROOT, log } from './lib/util.js';
import { warmServer } from './lib/warm-server.js';

/** Which peers take part in which scenario (the others measure zk-elect only). */
const PEER_SCENARIOS: Partial<Record<ScenarioName, readonly PeerName[]>> = {
  failover: ['curator', 'java', 'kazoo', 'nzc'],
  floor: ['java', 'kazoo', 'nzc'],
};

/** The order of `all` (and of any list): the floor first, then the help's order, which runs the heavy populations after the latency runs. */
const ORDER: readonly ScenarioName[] = ['floor', ...SCENARIOS.filter((s) => s !== 'floor')];

/** The benchmark program the child runs are (this tree's dist/bench/main.js). */
const BENCH_MAIN = path.join(DIST_ROOT, 'bench', 'main.js');

/** A run of one implementation in its own process; resolves with its results. */
interface Job {
  label: string;
  run(rounds: number): Promise<ScenarioResult[]>;
}

/**
 * zk-elect's scenarios in child processes, and the peers, against one server. The latency
 * scenarios (floor, failover) run in `chunks` parts per implementation, interleaved in a
 * rotating order, so slow drift of the machine (other load, server GC and JIT) is shared by
 * everyone instead of landing on whoever ran at the wrong time; the parts are merged. Blocks
 * for the whole run (may install the peers first, see {@link ensurePeers}). A part that fails
 * is left out and described in `errors`; never throws for one.
 */
export async function orchestrated(opts: BenchOptions, server: BenchServer, errors: string[]): Promise<ScenarioResult[]> {
  const scenarios = ORDER.filter((s) => opts.scenarios.includes(s));
  if (opts.peers.length > 0 && !ensurePeers()) log('some peers could not be installed; those are skipped');
  const peers: PeerName[] = [];
  for (const p of opts.peers) {
    const loc = await locatePeer(p);
    if (loc.ok) peers.push(p);
    else log(`skipping peer ${p}: missing ${loc.missing}`);
  }
  if (!opts.zookeeper) await warm(opts, server);
  const results = await runScenarios(scenarios, opts, server, peers, errors, 'main');
  if (opts.quorum.length) results.push(...(await onQuorum(opts, peers, errors)));
  if (errors.length) log(`finished with ${errors.length} failure(s):\n  ${errors.join('\n  ')}`);
  return results;
}

/** Warms up a fresh local server, except for a --quick smoke run (whose figures mean nothing). */
async function warm(opts: BenchOptions, server: BenchServer): Promise<void> {
  if (opts.quick) log('--quick: the server is not warmed up');
  else await warmServer(server.connectString);
}

/** Runs `f`, or records its failure in `errors` and returns no results. */
async function attempt(errors: string[], label: string, f: () => Promise<ScenarioResult[]>): Promise<ScenarioResult[]> {
  try {
    return await f();
  } catch (err) {
    errors.push(`${label}: ${(err as Error).message}`);
    log(`${label} failed: ${(err as Error).message}`);
    return [];
  }
}

/** zk-elect's run of scenario `s` in a child process against `server`. */
function zkElect(s: ScenarioName, o: BenchOptions, server: BenchServer, label: string): Promise<ScenarioResult[]> {
  return runJsonChild<{ results: ScenarioResult[] }>(process.execPath, [BENCH_MAIN, ...childArgs(childOptions(o, s, server))], label, 20 * 60_000).then((r) => r.results);
}

/**
 * Every scenario of `scenarios` against `server`, in order; herd is left out on a quorum (its
 * mntr cross-check reads one server). `scale` is the single-process populations and the fleet,
 * except when `--quorum` names it: then the main pass runs the former and the quorum pass the
 * fleet (20,000 sessions do not fit one server's open-file limit on every machine, and a real
 * fleet that large talks to a quorum).
 */
async function runScenarios(scenarios: readonly ScenarioName[], opts: BenchOptions, server: BenchServer, peers: readonly PeerName[], errors: string[], pass: 'main' | 'quorum'): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const on = server.servers > 1 ? ` (${server.servers}-server quorum)` : '';
  for (const s of scenarios) {
    log(`=== ${s}${on} ===`);
    if (s === 'herd' && server.servers > 1) {
      log('herd skipped: its packet cross-check reads one server\'s mntr, and on a quorum the candidates are spread over several');
      continue;
    }
    const fleetHere = pass === 'quorum' || !opts.quorum.includes('scale');
    if (s === 'failover' || s === 'floor') results.push(...(await latency(s, opts, server, peers, errors)));
    else if (s !== 'scale' || pass === 'main') results.push(...(await attempt(errors, `zk-elect ${s}${on}`, () => zkElect(s, opts, server, `zk-elect ${s}`))));
    if (s === 'scale' && opts.scaleFleet > 0 && fleetHere) results.push(...(await attempt(errors, `zk-elect scale fleet${on}`, async () => [{ ...(await fleetZkElect(fleetParams(opts, server))), servers: server.servers }])));
  }
  return results;
}

/** The multi-process scale run of `opts` against `server`. */
export function fleetParams(opts: BenchOptions, server: BenchServer): FleetParams {
  return {
    connectString: server.connectString,
    serverPids: server.pids ?? [],
    candidates: opts.scaleFleet,
    processes: Math.min(opts.scaleProcesses, opts.scaleFleet),
    concurrency: opts.joinConcurrency,
    sessionTimeout: opts.sessionTimeout,
    rounds: opts.scaleRounds,
    // The target is 60 s; a slower join is still measured (and missed), up to 10 minutes.
    timeoutMs: 600_000,
    settleMs: 300,
  };
}

/** `opts.quorum`'s scenarios again, on a fresh local quorum of 3 with the standalone server's options. */
async function onQuorum(opts: BenchOptions, peers: readonly PeerName[], errors: string[]): Promise<ScenarioResult[]> {
  let quorum: BenchServer;
  try {
    quorum = await startLocalServer({ servers: 3, tickTime: opts.tickTime, jit: opts.serverJit, version: opts.zkVersion });
  } catch (err) {
    errors.push(`the 3-server quorum: ${(err as Error).message}`);
    return [];
  }
  try {
    await warm(opts, quorum);
    return await runScenarios(ORDER.filter((s) => opts.quorum.includes(s)), { ...opts, servers: 3 }, quorum, peers, errors, 'quorum');
  } finally {
    await quorum.stop();
  }
}

/**
 * A latency scenario (floor, failover) of zk-elect and the peers against `server`, in
 * `opts.chunks` parts per implementation interleaved in a rotating order; the parts merged.
 */
async function latency(s: 'failover' | 'floor', opts: BenchOptions, server: BenchServer, peers: readonly PeerName[], errors: string[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const on = server.servers > 1 ? ` (${server.servers}-server quorum)` : '';
  const sizes = s === 'failover' ? opts.candidates : [0];
  for (const n of sizes) {
    const jobs: Job[] = [];
    const at = s === 'failover' ? ` N=${n}` : '';
    const closes = s === 'failover' ? opts.close : (['election'] as const);
    for (const close of closes) {
      const label = `zk-elect ${s}${at}${s === 'failover' && close === 'session' ? ' (session close)' : ''}${on}`;
      const only = s === 'failover' ? { candidates: [n], close: [close] } : {};
      jobs.push({ label, run: (rounds) => zkElect(s, { ...opts, ...only, rounds }, server, label) });
    }
    for (const peer of PEER_SCENARIOS[s] ?? []) {
      if (!peers.includes(peer)) continue;
      const label = `${peer} ${s}${at}${on}`;
      jobs.push({
        label,
        run: async (rounds) => {
          // The full connect string: every peer's client picks one of the servers at random.
          const flags: Record<string, string | number> = { zookeeper: server.connectString, rounds, warmup: opts.warmup, 'session-timeout': opts.sessionTimeout, pause: opts.pauseMs };
          if (s === 'failover') flags.candidates = n;
          const { cmd, args } = await peerCommand(peer, s, flags);
          return [await runJsonChild<ScenarioResult>(cmd, args, label, 15 * 60_000)];
        },
      });
    }
    const chunks = Math.max(1, Math.min(opts.chunks, opts.rounds));
    const per = Math.ceil(opts.rounds / chunks);
    const parts = new Map<string, (FailoverResult | FloorResult)[]>();
    for (let c = 0; c < chunks; c++) {
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[(i + c) % jobs.length] as Job;
        log(`--- ${job.label}${chunks > 1 ? ` (part ${c + 1}/${chunks})` : ''} ---`);
        for (const res of await attempt(errors, job.label, () => job.run(per))) {
          const r = res as FailoverResult | FloorResult;
          const key = `${r.impl}|${r.scenario === 'failover' ? r.candidates : ''}`;
          parts.set(key, [...(parts.get(key) ?? []), r]);
        }
      }
    }
    for (const p of parts.values()) results.push({ ...mergeLatency(p), servers: server.servers });
  }
  return results;
}

/** The options of a child run of scenario `s` against `server`: zk-elect only, JSON out, and no files written. */
function childOptions(o: BenchOptions, s: ScenarioName, server: BenchServer): BenchOptions {
  // The fleet is started by the orchestrator itself (its processes are children of this one), and the child runs no quorum of its own.
  return { ...o, target: s, scenarios: [s], zookeeper: server.connectString, json: true, peers: [], tickTime: server.tickTime ?? o.tickTime, serverPid: server.pid, out: undefined, scaleFleet: 0, quorum: [] };
}

/** The peers a run of `opts` uses (whose versions the report names): those in its latency scenarios, and the ops clients. Never blocks. */
export function peersUsed(opts: BenchOptions): PeerName[] {
  const used = new Set<PeerName>();
  for (const s of opts.scenarios) for (const p of PEER_SCENARIOS[s] ?? []) if (opts.peers.includes(p)) used.add(p);
  if (opts.scenarios.includes('ops')) for (const c of opts.opsClients) if (c !== 'zk-elect') used.add(c);
  return [...used];
}

/** Merges the parts of one implementation's latency runs (and re-summarizes every result the same way). */
function mergeLatency(parts: (FailoverResult | FloorResult)[]): FailoverResult | FloorResult {
  const first = parts[0] as FailoverResult | FloorResult;
  const all = (f: (p: FailoverResult | FloorResult) => number[] | undefined) => parts.flatMap((p) => f(p) ?? []);
  const samples = all((p) => p.samplesMs);
  const merged = { ...first, rounds: parts.reduce((a, p) => a + p.rounds, 0), latencyMs: roundSummary(summarize(samples)), samplesMs: samples, chunks: parts.length };
  if (merged.scenario === 'failover' && parts.every((p) => (p as FailoverResult).breakdown)) {
    const notify = all((p) => (p as FailoverResult).breakdown?.notifySamplesMs);
    const after = all((p) => (p as FailoverResult).breakdown?.afterNotifySamplesMs);
    merged.breakdown = { notifyMs: roundSummary(summarize(notify)), afterNotifyMs: roundSummary(summarize(after)), notifySamplesMs: notify, afterNotifySamplesMs: after };
  }
  if (merged.scenario === 'floor' && parts.every((p) => (p as FloorResult).relist)) {
    const after = all((p) => (p as FloorResult).relist?.afterNotifySamplesMs);
    const total = all((p) => (p as FloorResult).relist?.totalSamplesMs);
    merged.relist = { afterNotifyMs: roundSummary(summarize(after)), totalMs: roundSummary(summarize(total)), afterNotifySamplesMs: after, totalSamplesMs: total };
  }
  if (parts.every((p) => p.tail)) {
    const tail = mergeTail(parts.map((p) => p.tail as TailEvidence));
    if (tail) merged.tail = tail;
  }
  return merged;
}
