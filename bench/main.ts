/**
 * `zk-elect bench`: runs one scenario in this process (zk-elect only, or with `--peers`), or
 * `all`: every scenario of zk-elect and of every peer against one fresh local ZooKeeper, each
 * in its own child process (zk-elect's via `zk-elect bench <scenario> --json`, so every figure
 * comes from a fresh heap, the same as the peers'), then a table with ratios and targets, and
 * bench/results/latest.{json,md} plus an SVG chart.
 * @module
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateMode, ZooKeeper } from 'zk-elect';
import type { BenchOptions } from './lib/options.js';
import { ensurePeers, locatePeer, peerCommand, peerVersions, runJsonChild } from './lib/peers.js';
import { openServer, type BenchServer } from './lib/server.js';
import { roundSummary, summarize } from './lib/stats.js';
import type { FailoverResult, FloorResult, PeerName, ScenarioName, ScenarioResult } from './lib/types.js';
import { DIST_ROOT, REPO_ROOT, benchPath, ensurePath, log, removeTree } from './lib/util.js';
import { buildReport, renderMarkdown, renderSvg, renderText, type BenchReport, type MachineInfo } from './report.js';
import { crashZkElect } from './scenarios/crash.js';
import { failoverZkElect, floorZkElect } from './scenarios/failover.js';
import { herdNaive, herdZkElect } from './scenarios/herd.js';
import { opsCompare } from './scenarios/ops.js';
import { scaleZkElect } from './scenarios/scale.js';

/** Which peers take part in which scenario (the others are zk-elect only, by the issue). */
const PEER_SCENARIOS: Partial<Record<ScenarioName, readonly PeerName[]>> = {
  failover: ['curator', 'java', 'kazoo', 'nzc'],
  floor: ['java', 'kazoo', 'nzc'],
};

/** The order of `all` (and of any list): the floor first, the heavy populations after the latency runs. */
export const ORDER: readonly ScenarioName[] = ['floor', 'failover', 'herd', 'scale', 'crash', 'ops'];

/** Runs `zk-elect bench` with parsed options; resolves with the exit code. */
export async function runBench(opts: BenchOptions): Promise<number> {
  const orchestrate = opts.scenarios.length > 1 || opts.peers.length > 0;
  const server = await openServer({ zookeeper: opts.zookeeper, serverPid: opts.serverPid, tickTime: opts.tickTime, jit: opts.serverJit, version: opts.zkVersion });
  try {
    const machine = describeMachine(server);
    const startedAt = new Date();
    const errors: string[] = [];
    const results = orchestrate ? await orchestrated(opts, server, errors) : await inProcess(opts.scenarios[0] as ScenarioName, opts, server);
    machine.loadAverageEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
    // After the run: by then the peers are installed and located, so this only reads memory.
    const { versions, sources } = await peerVersions(peersUsed(opts));
    machine.peers = versions;
    machine.peerSources = sources;
    const report = buildReport({ opts, machine, results, errors, startedAt, finishedAt: new Date() });
    const outDir = opts.out ?? (opts.target === 'all' && !opts.quick ? path.join(REPO_ROOT, 'bench', 'results') : undefined);
    if (outDir) await writeResults(report, outDir);
    if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stdout.write(renderText(report) + '\n');
    // A part that failed is reported in the table and the JSON; the exit code says so too.
    return errors.length ? 1 : 0;
  } finally {
    await server.stop();
  }
}

/** One scenario, zk-elect only, in this process. */
async function inProcess(name: ScenarioName, opts: BenchOptions, server: BenchServer): Promise<ScenarioResult[]> {
  const cs = server.connectString;
  const lat = { connectString: cs, rounds: opts.rounds, warmup: opts.warmup, sessionTimeout: opts.sessionTimeout, pauseMs: opts.pauseMs };
  const out: ScenarioResult[] = [];
  switch (name) {
    case 'failover':
      for (const n of opts.candidates) for (const close of opts.close) out.push(await failoverZkElect({ ...lat, candidates: n, close }));
      break;
    case 'floor':
      out.push(await floorZkElect(lat));
      break;
    case 'herd': {
      const p = { server, candidates: opts.herdCandidates, rounds: opts.herdRounds, sessionTimeout: opts.sessionTimeout, concurrency: 50, settleMs: 100, idleMs: opts.herdIdleMs };
      out.push(await herdZkElect(p));
      out.push(await herdNaive(p));
      break;
    }
    case 'scale':
      for (const n of opts.scale) out.push(await scaleZkElect({ connectString: cs, candidates: n, concurrency: opts.joinConcurrency, sessionTimeout: opts.sessionTimeout, timeoutMs: 120_000 }));
      break;
    case 'crash': {
      const tickTime = server.tickTime ?? opts.tickTime;
      out.push(await crashZkElect({ connectString: cs, tickTime, rounds: opts.crashRounds, sessionTimeout: opts.crashSessionTimeout, processes: opts.crashProcesses }));
      break;
    }
    case 'ops':
      out.push(await opsCompare({ connectString: cs, clients: opts.opsClients, getData: opts.ops, create: opts.creates, window: opts.window, runs: opts.opsRuns, warmup: opts.opsWarmup, sweep: opts.opsSweep, serverPid: server.pid }));
      break;
  }
  return out;
}

/** A run of one implementation in its own process; resolves with its results. */
interface Job {
  label: string;
  run(rounds: number): Promise<ScenarioResult[]>;
}

/**
 * zk-elect's scenarios in child processes, and the peers, against one server. The latency
 * scenarios (floor, failover) run in `chunks` parts per implementation, interleaved in a
 * rotating order, so slow drift of the machine (other load, server GC and JIT) is shared by
 * everyone instead of landing on whoever ran at the wrong time; the parts are merged.
 */
async function orchestrated(opts: BenchOptions, server: BenchServer, errors: string[]): Promise<ScenarioResult[]> {
  const scenarios = ORDER.filter((s) => opts.scenarios.includes(s));
  if (opts.peers.length > 0 && !ensurePeers()) log('some peers could not be installed; those are skipped');
  const peers: PeerName[] = [];
  for (const p of opts.peers) {
    const loc = await locatePeer(p);
    if (loc.ok) peers.push(p);
    else log(`skipping peer ${p}: missing ${loc.missing}`);
  }
  if (!opts.zookeeper) await warmServer(server.connectString);
  const main = path.join(DIST_ROOT, 'src', 'cli', 'main.js');
  const zkElect = (s: ScenarioName, o: BenchOptions, label: string): Promise<ScenarioResult[]> =>
    runJsonChild<{ results: ScenarioResult[] }>(process.execPath, [main, 'bench', s, ...childFlags(o, server)], label, 20 * 60_000).then((r) => r.results);
  const results: ScenarioResult[] = [];
  const attempt = async (label: string, f: () => Promise<ScenarioResult[]>): Promise<ScenarioResult[]> => {
    try {
      return await f();
    } catch (err) {
      errors.push(`${label}: ${(err as Error).message}`);
      log(`${label} failed: ${(err as Error).message}`);
      return [];
    }
  };
  for (const s of scenarios) {
    log(`=== ${s} ===`);
    if (s !== 'failover' && s !== 'floor') {
      results.push(...(await attempt(`zk-elect ${s}`, () => zkElect(s, opts, `zk-elect ${s}`))));
      continue;
    }
    const sizes = s === 'failover' ? opts.candidates : [0];
    for (const n of sizes) {
      const jobs: Job[] = [];
      const at = s === 'failover' ? ` N=${n}` : '';
      const closes = s === 'failover' ? opts.close : (['election'] as const);
      for (const close of closes) {
        const label = `zk-elect ${s}${at}${s === 'failover' && close === 'session' ? ' (session close)' : ''}`;
        const only = s === 'failover' ? { candidates: [n], close: [close] } : {};
        jobs.push({ label, run: (rounds) => zkElect(s, { ...opts, ...only, rounds }, label) });
      }
      for (const peer of PEER_SCENARIOS[s] ?? []) {
        if (!peers.includes(peer)) continue;
        const label = `${peer} ${s}${at}`;
        jobs.push({
          label,
          run: async (rounds) => {
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
          for (const res of await attempt(job.label, () => job.run(per))) {
            const r = res as FailoverResult | FloorResult;
            const key = `${r.impl}|${r.scenario === 'failover' ? r.candidates : ''}`;
            parts.set(key, [...(parts.get(key) ?? []), r]);
          }
        }
      }
      for (const p of parts.values()) results.push(mergeLatency(p));
    }
  }
  if (errors.length) log(`finished with ${errors.length} failure(s):\n  ${errors.join('\n  ')}`);
  return results;
}

/** The peers a run of `opts` uses (whose versions the report names): those in its latency scenarios, and the ops clients. */
function peersUsed(opts: BenchOptions): PeerName[] {
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
  return merged;
}

/** The flags that make a child `zk-elect bench <scenario>` run exactly this configuration. */
function childFlags(o: BenchOptions, server: BenchServer): string[] {
  return [
    '--zookeeper', server.connectString, '--json', '--peers', 'none',
    '--candidates', o.candidates.join(','), '--rounds', String(o.rounds), '--warmup', String(o.warmup),
    '--close', o.close.length > 1 ? 'both' : (o.close[0] as string), '--session-timeout', String(o.sessionTimeout), '--pause', String(o.pauseMs),
    '--herd-candidates', String(o.herdCandidates), '--herd-rounds', String(o.herdRounds), '--herd-idle', String(o.herdIdleMs),
    '--scale', o.scale.join(','), '--join-concurrency', String(o.joinConcurrency),
    '--crash-rounds', String(o.crashRounds), '--crash-session-timeout', String(o.crashSessionTimeout), '--crash-processes', String(o.crashProcesses),
    '--tick-time', String(server.tickTime ?? o.tickTime),
    '--ops', String(o.ops), '--creates', String(o.creates), '--window', String(o.window), '--ops-runs', String(o.opsRuns), '--ops-warmup', String(o.opsWarmup),
    '--ops-sweep', o.opsSweep.length ? o.opsSweep.join(',') : 'none',
    '--ops-clients', o.opsClients.join(','),
    ...(server.pid ? ['--server-pid', String(server.pid)] : []),
  ];
}

/**
 * A fresh full-JIT server compiles its hot paths during the first tens of thousands of
 * requests; warm it up before anything is measured so the first scenario is not penalized.
 */
async function warmServer(cs: string): Promise<void> {
  log('warming up the server (sessions, creates, reads, deletes, watches) ...');
  const zk = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
  const root = benchPath('warmup');
  try {
    await ensurePath(zk, root);
    await zk.create(`${root}/data`, Buffer.alloc(100, 0x61));
    for (let round = 0; round < 3; round++) {
      const dir = `${root}/r${round}`;
      await zk.create(dir);
      await Promise.all(Array.from({ length: 2000 }, (_, i) => zk.create(`${dir}/n${i}`)));
      await Promise.all(Array.from({ length: 2000 }, (_, i) => zk.delete(`${dir}/n${i}`)));
      for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 2000 }, () => zk.getData(`${root}/data`)));
      await Promise.all(Array.from({ length: 2000 }, () => zk.getChildren(root)));
      for (let i = 0; i < 50; i++) {
        const s = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
        await s.create(`${root}/e${round}-${i}`, null, { mode: CreateMode.EPHEMERAL });
        await zk.exists(`${root}/e${round}-${i}`, () => undefined);
        await s.close();
      }
    }
  } finally {
    await removeTree(zk, root).catch(() => undefined);
    await zk.close();
  }
}

function describeMachine(server: BenchServer): MachineInfo {
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) osName = `${pretty} (kernel ${os.release()})`;
  } catch {
    // keep the kernel only
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName,
    node: process.version,
    loadAverageStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    server: { kind: server.kind, connectString: server.connectString, version: server.version, tickTime: server.tickTime, jvmFlags: server.jvmFlags },
    peers: {}, // filled in after the run
  };
}

async function writeResults(report: BenchReport, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(report, null, 1) + '\n');
  await writeFile(path.join(dir, 'latest.md'), renderMarkdown(report));
  await writeFile(path.join(dir, 'failover.svg'), renderSvg(report));
  log(`wrote ${path.join(dir, 'latest.json')}, latest.md and failover.svg`);
}
