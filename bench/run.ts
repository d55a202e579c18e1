/**
 * One run of the benchmark: opens the server (an external ensemble, or a fresh local one),
 * runs the scenarios, in this process (one scenario, zk-elect only) or orchestrated (a list,
 * or peers: bench/orchestrate.ts), then prints the report (a table, or `--json`: one JSON
 * line) and, for `all` or `--out`, writes latest.{json,md} and failover.svg.
 * @module
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchOptions } from './lib/options.js';
import { peerVersions } from './lib/peers.js';
import { openServer, type BenchServer } from './lib/server.js';
import type { ScenarioName, ScenarioResult } from './lib/types.js';
import { REPO_ROOT, log } from './lib/util.js';
import { fleetParams, orchestrated, peersUsed } from './orchestrate.js';
import { buildReport, renderMarkdown, renderSvg, renderText, type BenchReport, type MachineInfo } from './report.js';
import { crashZkElect } from './scenarios/crash.js';
import { failoverZkElect, floorZkElect } from './scenarios/failover.js';
import { fleetZkElect } from './scenarios/fleet.js';
import { herdNaive, herdZkElect } from './scenarios/herd.js';
import { opsCompare } from './scenarios/ops.js';
import { scaleZkElect } from './scenarios/scale.js';

/**
 * Runs the benchmark `opts` asks for and prints its report on stdout. Blocks for the whole run
 * (seconds for one small scenario, about 10 minutes for `all`). Resolves with the exit code:
 * 1 when a part failed (the report says which), else 0.
 * @throws what opening the server throws (e.g. an unreachable `--zookeeper`), and the failure
 *   of a scenario run in this process.
 */
export async function runBench(opts: BenchOptions): Promise<number> {
  const orchestrate = opts.scenarios.length > 1 || opts.peers.length > 0 || opts.quorum.length > 0;
  const server = await openServer({ zookeeper: opts.zookeeper, serverPid: opts.serverPid, tickTime: opts.tickTime, jit: opts.serverJit, version: opts.zkVersion, servers: opts.servers });
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
  const servers = server.servers;
  switch (name) {
    case 'failover':
      for (const n of opts.candidates) for (const close of opts.close) out.push({ ...(await failoverZkElect({ ...lat, candidates: n, close })), servers });
      break;
    case 'floor':
      out.push({ ...(await floorZkElect(lat)), servers });
      break;
    case 'herd': {
      if (servers > 1) throw new Error('herd cannot run on a quorum: its packet cross-check reads one server\'s mntr');
      const p = { server, candidates: opts.herdCandidates, rounds: opts.herdRounds, sessionTimeout: opts.sessionTimeout, concurrency: 50, settleMs: 100, idleMs: opts.herdIdleMs };
      out.push(await herdZkElect(p));
      out.push(await herdNaive(p));
      break;
    }
    case 'scale':
      for (const n of opts.scale) out.push(await scaleZkElect({ connectString: cs, candidates: n, concurrency: opts.joinConcurrency, sessionTimeout: opts.sessionTimeout, timeoutMs: 120_000 }));
      if (opts.scaleFleet > 0) out.push({ ...(await fleetZkElect(fleetParams(opts, server))), servers });
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
    server: { kind: server.kind, servers: server.servers, connectString: server.connectString, version: server.version, tickTime: server.tickTime, jvmFlags: server.jvmFlags },
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
