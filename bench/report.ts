/**
 * Turns the results of a run into the comparison people read: ratios against the best peer
 * and the physical floor, the benchmark's targets met or missed, a terminal table, Markdown for
 * bench/results/latest.md, and a hand-written SVG chart (no dependencies).
 * @module
 */
import type { BenchOptions } from './lib/options.js';
import type { CrashResult, FailoverResult, FloorResult, HerdResult, OpsResult, PeerName, PeerVersions, ScaleResult, ScenarioResult } from './lib/types.js';
import { implLabels } from './lib/types.js';
import { ensembles, f2, int, of, onEnsemble, ratio, serversOf, x2, type Target } from './lib/report-kit.js';
import { latencyTargets, tailLine } from './targets-latency.js';

/** Where and on what the run happened. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  /** The ZooKeeper server: `version` as the server itself reports it (`srvr`). */
  server: { kind: string; servers?: number; connectString: string; version?: string; tickTime?: number; jvmFlags?: string[] };
  /** The versions the peers of this run ran on (and the JVM's). */
  peers: PeerVersions;
  /** Where each peer's library came from: a registry (Maven Central, PyPI) or Debian's package. */
  peerSources?: Partial<Record<PeerName, string>>;
}

export type { Target };

/** Everything a run produced: printed with --json, written to bench/results/latest.json. */
export interface BenchReport {
  benchmark: 'zk-elect bench';
  target: string;
  date: string;
  durationSec: number;
  machine: MachineInfo;
  options: Omit<BenchOptions, 'json' | 'out' | 'zookeeper' | 'serverPid'>;
  results: ScenarioResult[];
  /** Parts that failed (their figures are missing from the results). */
  errors: string[];
  floor?: { impl: string; p50: number };
  targets: Target[];
}

/** How a report names implementations (recipes) and clients (floor, ops: no recipe involved). */
interface Names {
  label(impl: string): string;
  clientLabel(impl: string): string;
  /** The ops clients: the Java client runs its async API there. */
  opsClientLabel(impl: string): string;
}

/** The names of `r`'s implementations, with the versions that ran in it. */
function namesOf(r: BenchReport): Names {
  const v = r.machine.peers;
  const impls = implLabels(v);
  const at = (name: string, version: string | undefined) => (version ? `${name} ${version}` : name);
  const clients: Readonly<Record<string, string>> = {
    'zk-elect': 'zk-elect client',
    java: `${at('ZooKeeper', v.zookeeperJavaClient)} Java client`,
    kazoo: `${at('kazoo', v.kazoo)} client`,
    nzc: at('node-zookeeper-client', v.nodeZookeeperClient),
  };
  const clientLabel = (impl: string) => clients[impl] ?? impl;
  return {
    label: (impl) => impls[impl] ?? (impl === 'zk-elect/session-close' ? 'zk-elect (session close only)' : impl),
    clientLabel,
    opsClientLabel: (impl) => (impl === 'java' ? `${clientLabel(impl)} (async API)` : clientLabel(impl)),
  };
}
/** Builds the report: results plus the floor and the targets. */
export function buildReport(a: { opts: BenchOptions; machine: MachineInfo; results: ScenarioResult[]; errors?: string[]; startedAt: Date; finishedAt: Date }): BenchReport {
  const { json: _j, out: _o, zookeeper: _z, serverPid: _p, ...options } = a.opts;
  const floors = of<FloorResult>(a.results, 'floor').filter((f) => f.latencyMs.n > 0 && serversOf(f) === 1);
  const best = floors.reduce<FloorResult | undefined>((m, f) => (!m || f.latencyMs.p50 < m.latencyMs.p50 ? f : m), undefined);
  const report: BenchReport = {
    benchmark: 'zk-elect bench',
    target: a.opts.target,
    date: a.startedAt.toISOString(),
    durationSec: Math.round((a.finishedAt.getTime() - a.startedAt.getTime()) / 1000),
    machine: a.machine,
    options,
    results: a.results,
    errors: a.errors ?? [],
    ...(best ? { floor: { impl: best.impl, p50: best.latencyMs.p50 } } : {}),
    targets: [],
  };
  report.targets = evaluate(report);
  return report;
}

function evaluate(r: BenchReport): Target[] {
  const { clientLabel } = namesOf(r);
  const t: Target[] = latencyTargets(r.results);
  for (const h of of<HerdResult>(r.results, 'herd').filter((x) => x.impl === 'zk-elect')) {
    t.push({ scenario: 'herd', headline: true, what: `N=${h.candidates}: notifications per failover (max over ${h.rounds})`, value: String(h.notifications.max), limit: '= 1', met: h.notifications.max === 1 && h.notifications.min === 1 });
    t.push({ scenario: 'herd', headline: true, what: `N=${h.candidates}: requests per failover (max over ${h.rounds})`, value: String(h.requests.max), limit: '≤ 3', met: h.requests.max <= 3 });
  }
  const scales = of<ScaleResult>(r.results, 'scale');
  const biggest = scales.filter((s) => s.processes === 1).reduce<ScaleResult | undefined>((m, s) => (!m || s.candidates > m.candidates ? s : m), undefined);
  if (biggest) {
    t.push({ scenario: 'scale', headline: true, what: `N=${int(biggest.candidates)} (one process): all joined, exactly one leader`, value: `${(biggest.joinMs / 1000).toFixed(1)} s, ${biggest.leaders} leader(s), ${int(biggest.children)} nodes`, limit: '≤ 30 s, 1 leader', met: biggest.joinMs <= 30_000 && biggest.leaders === 1 && biggest.children === biggest.candidates });
    t.push({ scenario: 'scale', headline: true, what: `N=${int(biggest.candidates)} (one process): heap per candidate`, value: `${(biggest.heapBytesPerCandidate / 1000).toFixed(1)} KB`, limit: '< 20 KB', met: biggest.heapBytesPerCandidate < 20_000 });
  }
  for (const s of scales.filter((x) => x.processes > 1)) t.push(...fleetTargets(s, biggest));
  for (const c of of<CrashResult>(r.results, 'crash')) {
    t.push({ scenario: 'crash', headline: true, what: `new leader after SIGKILL (max of ${c.rounds})`, value: `${int(c.latencyMs.max)} ms`, limit: `≤ ${int(c.targetMs)} ms (timeout ${int(c.negotiatedSessionTimeoutMs)} + tick ${int(c.tickTime)} + 50)`, met: c.latencyMs.max <= c.targetMs });
  }
  for (const o of of<OpsResult>(r.results, 'ops')) {
    const g = o.median.getData ?? {};
    const z = g['zk-elect'];
    const ceiling = opsCeiling(o, 'getData', r.machine.cpus);
    const cpuOf = (m: { cpuUsPerOp: number; serverCpuUsPerOp?: number; machineBusy?: number }) =>
      `client ${m.cpuUsPerOp.toFixed(1)} µs/op${m.serverCpuUsPerOp !== undefined ? `, server ${m.serverCpuUsPerOp.toFixed(1)} µs/op` : ''}${m.machineBusy !== undefined ? `, machine ${Math.round(m.machineBusy * 100)}% busy` : ''}`;
    if (z && g.java) {
      const q = ratio(z.opsPerSec, g.java.opsPerSec);
      const evidence = q < 1 ? `zk-elect ${cpuOf(z)}; Java ${cpuOf(g.java)}${ceiling ? `; ceiling ${int(ceiling.opsPerSec)} ops/s` : ''}` : undefined;
      t.push({ scenario: 'ops', headline: true, what: 'pipelined getData ops/s vs the Java client (async)', value: `${int(z.opsPerSec)} / ${int(g.java.opsPerSec)} = ${x2(q)}`, limit: '≥ 1.00×', met: q >= 1, ...(evidence ? { evidence } : {}) });
    }
    if (z && g.nzc) {
      const q = ratio(z.opsPerSec, g.nzc.opsPerSec);
      // All CPUs fully busy with nothing but this server and zk-elect's client: the most ops/s possible.
      const perOp = z.serverCpuUsPerOp !== undefined ? z.serverCpuUsPerOp + z.cpuUsPerOp : undefined;
      const bound = perOp ? (r.machine.cpus * 1e6) / perOp : undefined;
      const best = opsBest(o);
      const nzcBest = opsBest(o, 'nzc');
      const twice = 2 * g.nzc.opsPerSec;
      const evidence =
        q < 2 && bound && ceiling
          ? [
              `${twice > bound ? 'out of reach on this machine: ' : ''}2 × node-zookeeper-client = ${int(twice)} ops/s, but each zk-elect getData costs ${perOp?.toFixed(1)} µs of CPU in all (server ${z.serverCpuUsPerOp?.toFixed(1)} + client ${z.cpuUsPerOp.toFixed(1)}), so ${r.machine.cpus} fully busy CPUs allow at most ${int(bound)} ops/s (a client using no CPU at all: ${int(ceiling.opsPerSec)}); measured: zk-elect ${cpuOf(z)}; node-zookeeper-client ${cpuOf(g.nzc)}`,
              best && o.sweep ? `the most this server gave any client at any window in this run is ${int(best.opsPerSec)} ops/s (${clientLabel(best.client)}, window ${int(best.window)})${best.opsPerSec < twice ? `, below 2 × node-zookeeper-client` : ''}` : undefined,
              nzcBest && o.sweep ? `node-zookeeper-client itself reached ${int(nzcBest.opsPerSec)} ops/s (window ${int(nzcBest.window)}): the server, not that client, sets the pace, and 2 × that (${int(2 * nzcBest.opsPerSec)}) is ${2 * nzcBest.opsPerSec > ceiling.opsPerSec ? 'beyond even a client using no CPU at all' : `${x2((2 * nzcBest.opsPerSec) / (best?.opsPerSec ?? Number.NaN))} the best any client got`}` : undefined,
            ]
              .filter(Boolean)
              .join('; ')
          : undefined;
      t.push({ scenario: 'ops', headline: true, what: 'pipelined getData ops/s vs node-zookeeper-client', value: `${int(z.opsPerSec)} / ${int(g.nzc.opsPerSec)} = ${x2(q)}`, limit: '≥ 2.00×', met: q >= 2, ...(evidence ? { evidence } : {}) });
    }
  }
  return t;
}

/**
 * The multi-process scale run's targets: joined within 60 s with one leader, one wake-up per
 * failure, < 10 KB heap per candidate. `single`, the run's largest one-process scale run, gives
 * a miss its expected figure.
 */
function fleetTargets(s: ScaleResult, single: ScaleResult | undefined): Target[] {
  const what = `N=${int(s.candidates)} from ${s.processes} processes`;
  const met = s.joinMs <= 60_000 && s.leaders === 1 && s.children === s.candidates;
  const busy = s.joinCpu?.machineBusy;
  // Every join lists the parent once to find its predecessor: the k-th join reads about k names,
  // so the work of N joins grows with N², and a smaller run of the same kind predicts this one.
  const predicted = single && single.candidates < s.candidates ? single.joinMs * (s.candidates / single.candidates) ** 2 : undefined;
  const evidence = [
    `each join lists the election's children once (getChildren, to find its predecessor), so the ${int(s.candidates)} joins read about ${int((s.candidates * s.candidates) / 2)} names in all`,
    single && predicted !== undefined ? `the one-process run of ${int(single.candidates)} joined in ${(single.joinMs / 1000).toFixed(2)} s, and N² scaling from it predicts ${(predicted / 1000).toFixed(1)} s for ${int(s.candidates)}` : undefined,
    busy !== undefined ? `the machine's CPUs were ${Math.round(busy * 100)}% busy during the joins` : undefined,
    s.joinCpu?.serverCpuMs !== undefined ? `the servers used ${int(s.joinCpu.serverCpuMs / 1000)} s of CPU` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const t: Target[] = [
    { scenario: 'scale', headline: true, what: `${what}: all joined, exactly one leader`, value: `${(s.joinMs / 1000).toFixed(1)} s, ${s.leaders} leader(s), ${int(s.children)} nodes`, limit: '≤ 60 s, 1 leader', met, ...(met ? {} : { evidence }) },
  ];
  const f = s.failures;
  if (f) {
    t.push({ scenario: 'scale', headline: true, what: `${what}: notifications per leader failure (max over ${f.rounds})`, value: String(f.notifications.max), limit: '= 1', met: f.notifications.min === 1 && f.notifications.max === 1 });
    t.push({ scenario: 'scale', headline: true, what: `${what}: requests per leader failure (max over ${f.rounds})`, value: String(f.requests.max), limit: '≤ 3', met: f.requests.max <= 3 });
  }
  const heap = s.heapBytesPerCandidateMax ?? s.heapBytesPerCandidate;
  t.push({ scenario: 'scale', headline: true, what: `${what}: heap per candidate (worst process)`, value: `${(heap / 1000).toFixed(1)} KB`, limit: '< 10 KB', met: heap < 10_000 });
  return t;
}

/** The best getData ops/s of one client (or of any) over the main runs and the window sweep. */
export function opsBest(o: OpsResult, client?: string): { opsPerSec: number; client: string; window: number } | undefined {
  const main = Object.entries(o.allRuns.getData ?? {}).flatMap(([c, runs]) => runs.map((f) => ({ opsPerSec: f.opsPerSec, client: c, window: o.window })));
  const swept = (o.sweep ?? []).map((s) => ({ opsPerSec: s.figures.opsPerSec, client: s.client, window: s.window }));
  return [...main, ...swept].filter((x) => !client || x.client === client).reduce<{ opsPerSec: number; client: string; window: number } | undefined>((m, x) => (!m || x.opsPerSec > m.opsPerSec ? x : m), undefined);
}

/** The most ops/s the machine allows when the server alone needs its measured CPU per request. */
export function opsCeiling(o: OpsResult, op: string, cpus: number): { serverUs: number; opsPerSec: number } | undefined {
  const us = Object.values(o.median[op] ?? {})
    .map((m) => m.serverCpuUsPerOp)
    .filter((v): v is number => v !== undefined && v > 0);
  if (us.length === 0) return undefined;
  const serverUs = [...us].sort((a, b) => a - b)[us.length >> 1] as number;
  return { serverUs, opsPerSec: (cpus * 1e6) / serverUs };
}

// ---- tables -------------------------------------------------------------------------------------

function roundsText(x: FailoverResult | FloorResult | undefined): string {
  if (!x) return '';
  const parts = x.chunks && x.chunks > 1 ? ` in ${x.chunks} interleaved parts, each` : '';
  return `${x.rounds} rounds${parts} after ${x.warmup} warm-up`;
}

/** A table; the first `left` columns are text (left-aligned), the rest numbers. */
type Table = { title: string; head: string[]; rows: string[][]; notes?: string[]; left?: number };

function tables(r: BenchReport): Table[] {
  const names = namesOf(r);
  const { label } = names;
  const out: Table[] = [];
  for (const servers of ensembles(r.results)) out.push(...latencyTables(r, names, servers));
  const herds = of<HerdResult>(r.results, 'herd');
  if (herds.length) {
    out.push({
      title: `herd: per leader failure at N=${int(herds[0]?.candidates ?? 0)} (${herds[0]?.rounds} failures; mean [min–max])`,
      left: 1,
      head: ['recipe', 'notifications', 'requests', 'server packets (raw)', 'packets − close − mntr − pings', 'new leader p50 ms', 'p99 ms'],
      rows: herds.map((h) => [
        label(h.impl),
        `${h.notifications.mean} [${h.notifications.min}–${h.notifications.max}]`,
        `${h.requests.mean} [${h.requests.min}–${h.requests.max}]`,
        `${h.packetsRaw.mean} [${h.packetsRaw.min}–${h.packetsRaw.max}]`,
        `${h.packetsAttributable.mean}`,
        f2(h.electedMs.p50),
        f2(h.electedMs.p99),
      ]),
      notes: [
        ...herds.map((h) => `${label(h.impl)}: idle packets ${h.idlePacketsPerSec}/s (pings), one mntr counts ${h.mntrPackets}, window p50 ${h.windowMs.p50} ms`),
        'requests and notifications: the candidates\' own counters (zk-elect: LeaderElection.stats), summed over all remaining candidates; packets: the server\'s mntr zk_packets_received.',
      ],
    });
  }
  const scales = of<ScaleResult>(r.results, 'scale');
  if (scales.length) {
    const fleet = scales.filter((s) => s.failures);
    out.push({
      title: 'scale: candidates joining one election (from one process, or spread over several: the fleet)',
      head: ['N', 'processes', 'servers', 'joins in flight', 'all joined + 1 leader', 'leaders', 'nodes', 'heap/candidate', 'RSS/candidate', 'per failure: notifications', 'requests', 'new leader ms'],
      rows: scales.map((s) => [
        int(s.candidates),
        String(s.processes),
        String(s.servers ?? r.machine.server.servers ?? 1),
        s.processes > 1 ? `${s.concurrency} each` : String(s.concurrency),
        `${(s.joinMs / 1000).toFixed(2)} s`,
        String(s.leaders),
        int(s.children),
        `${(s.heapBytesPerCandidate / 1000).toFixed(1)} KB${s.heapBytesPerCandidateMax !== undefined ? ` (worst ${(s.heapBytesPerCandidateMax / 1000).toFixed(1)})` : ''}`,
        `${(s.rssBytesPerCandidate / 1000).toFixed(1)} KB`,
        s.failures ? `${s.failures.notifications.mean} [${s.failures.notifications.min}–${s.failures.notifications.max}]` : '',
        s.failures ? `${s.failures.requests.mean} [${s.failures.requests.min}–${s.failures.requests.max}]` : '',
        s.failures ? `${f2(s.failures.electedMs.p50)} (max ${f2(s.failures.electedMs.max)})` : '',
      ]),
      notes: fleet.length ? ['per failure: summed over every remaining candidate of every process (LeaderElection.stats deltas), after the successor leads and 300 ms of quiet; new leader: the close call to the successor\'s elected event, across processes'] : [],
    });
  }
  const crashes = of<CrashResult>(r.results, 'crash');
  if (crashes.length) {
    out.push({
      title: 'crash: SIGKILL the leader `zk-elect node` → a new leader, ms',
      head: ['rounds', 'session timeout', 'tickTime', 'min', 'p50', 'max', 'target', 'samples'],
      rows: crashes.map((c) => [String(c.rounds), `${int(c.negotiatedSessionTimeoutMs)}`, `${int(c.tickTime)}`, int(c.latencyMs.min), int(c.latencyMs.p50), int(c.latencyMs.max), `≤ ${int(c.targetMs)}`, c.samplesMs.map((v) => int(v)).join(' ')]),
    });
  }
  for (const o of of<OpsResult>(r.results, 'ops')) {
    const rows: string[][] = [];
    const notes = ['client CPU: CPU time of the client process (all threads; the JVM includes JIT and GC) per request; server CPU: the ZooKeeper JVM\'s, per request; busy: all CPUs of the machine.'];
    for (const [op, byClient] of Object.entries(o.median)) {
      const z = byClient['zk-elect'];
      for (const [client, m] of Object.entries(byClient)) {
        rows.push([
          `${op} ×${int(op === 'getData' ? o.ops.getData : o.ops.create)}`,
          names.opsClientLabel(client),
          int(m.opsPerSec),
          f2(m.p50Ms),
          f2(m.p99Ms),
          m.cpuUsPerOp.toFixed(1),
          m.serverCpuUsPerOp !== undefined ? m.serverCpuUsPerOp.toFixed(1) : '–',
          m.machineBusy !== undefined ? `${Math.round(m.machineBusy * 100)}%` : '–',
          z && client !== 'zk-elect' ? x2(ratio(z.opsPerSec, m.opsPerSec)) : '',
        ]);
      }
      const ceiling = opsCeiling(o, op, r.machine.cpus);
      if (ceiling) notes.push(`${op}: with the server's own CPU per request (median ${ceiling.serverUs.toFixed(1)} µs) the ${r.machine.cpus} CPUs allow at most ${int(ceiling.opsPerSec)} ops/s even for a client that used no CPU at all`);
    }
    out.push({
      title: `ops: pipelined, ${int(o.window)} in flight, median of ${o.runs} runs (rotating order) after ${int(o.warmup)} warm-up ops`,
      head: ['op', 'client', 'ops/s', 'p50 ms', 'p99 ms', 'client CPU µs/op', 'server CPU µs/op', 'busy', 'zk-elect/this ops/s'],
      rows,
      left: 2,
      notes,
    });
    if (o.sweep?.length) out.push(sweepTable(o, names));
  }
  return out;
}

/** The floor and failover tables of the runs on one ensemble (standalone, or a quorum), each with its tail lines. */
function latencyTables(r: BenchReport, { label, clientLabel }: Names, servers: number): Table[] {
  const out: Table[] = [];
  const here = r.results.filter((x) => serversOf(x) === servers);
  const on = onEnsemble(servers);
  const floors = of<FloorResult>(here, 'floor');
  const floor = floors.filter((f) => f.latencyMs.n > 0).reduce<FloorResult | undefined>((m, f) => (!m || f.latencyMs.p50 < m.latencyMs.p50 ? f : m), undefined);
  const tails = (xs: (FloorResult | FailoverResult)[]) => xs.flatMap((x) => {
    const line = tailLine(x.samplesMs, x.tail);
    return line ? [`tail of ${x.scenario === 'failover' ? `${label(x.impl)} N=${x.candidates}` : clientLabel(x.impl)}: ${line}`] : [];
  });
  if (floors.length) {
    out.push({
      title: `floor${on}: closeSession → NodeDeleted at a second client, then its getChildren, ms (${roundsText(floors[0])})`,
      head: ['client', 'p50', 'p90', 'p99', 'max', 'notification → list reply p50', 'p99'],
      rows: floors.map((f) => [clientLabel(f.impl), f2(f.latencyMs.p50), f2(f.latencyMs.p90), f2(f.latencyMs.p99), f2(f.latencyMs.max), f2(f.relist?.afterNotifyMs.p50), f2(f.relist?.afterNotifyMs.p99)]),
      notes: [
        ...(floor ? [`the physical floor (lowest p50): ${f2(floor.latencyMs.p50)} ms (${clientLabel(floor.impl)})`] : []),
        'every client lists the parent the moment NodeDeleted arrives (the re-list every election here makes, with no recipe around it)',
        ...floors
          .filter((f) => f.relist && floor)
          .map((f) => `${clientLabel(f.impl)}: close → list reply p50 ${f2(f.relist?.totalMs.p50)} ms = ${x2((f.relist?.totalMs.p50 ?? Number.NaN) / (floor as FloorResult).latencyMs.p50)} the floor`),
        ...tails(floors),
      ],
    });
  }
  const failovers = of<FailoverResult>(here, 'failover');
  if (failovers.length) {
    const rows: string[][] = [];
    for (const n of [...new Set(failovers.map((f) => f.candidates))]) {
      const atN = failovers.filter((f) => f.candidates === n);
      const z = atN.find((f) => f.impl === 'zk-elect') ?? atN.find((f) => f.impl.startsWith('zk-elect'));
      for (const f of atN) {
        const isZ = f.impl.startsWith('zk-elect');
        rows.push([
          label(f.impl),
          String(n),
          f2(f.latencyMs.p50),
          f2(f.latencyMs.p90),
          f2(f.latencyMs.p99),
          f2(f.latencyMs.max),
          z && !isZ ? x2(ratio(z.latencyMs.p50, f.latencyMs.p50)) : '',
          z && !isZ ? x2(ratio(z.latencyMs.p99, f.latencyMs.p99)) : '',
          floor ? x2(ratio(f.latencyMs.p50, floor.latencyMs.p50)) : '',
        ]);
      }
    }
    out.push({
      title: `failover${on}: leader leaves → successor's "I am leader", ms (${roundsText(failovers[0])}; N candidates in one process per implementation${servers > 1 ? ', each session on a server picked at random' : ''})`,
      head: ['implementation', 'N', 'p50', 'p90', 'p99', 'max', 'zk-elect/this p50', 'zk-elect/this p99', 'p50/floor'],
      rows,
      notes: [
        ...new Set(failovers.map((f) => `${label(f.impl)}: leader leaves with ${f.close}`)),
        ...failovers
          .map((f) => ({ f, slow: f.samplesMs.filter((v) => v >= 100).length }))
          .filter(({ slow }) => slow > 0)
          .map(({ f, slow }) => `${label(f.impl)} N=${f.candidates}: ${slow} of ${f.samplesMs.length} rounds took ≥ 100 ms${f.impl === 'java' || f.impl === 'curator' ? " (the Java client's NIO transport: see bench/peers/java/ZkPeer.java)" : ''}`),
        ...failovers
          .filter((f) => f.breakdown)
          .map((f) => `${label(f.impl)} N=${f.candidates}: close → successor notified p50 ${f2(f.breakdown?.notifyMs.p50)} / p99 ${f2(f.breakdown?.notifyMs.p99)} ms; notified → leads p50 ${f2(f.breakdown?.afterNotifyMs.p50)} / p99 ${f2(f.breakdown?.afterNotifyMs.p99)} ms`),
        ...tails(failovers),
      ],
    });
  }
  return out;
}

/** getData ops/s per client and window: the main window's median and one run at each other. */
function sweepTable(o: OpsResult, { clientLabel, opsClientLabel }: Names): Table {
  const sweep = o.sweep ?? [];
  const windows = [...new Set([o.window, ...sweep.map((s) => s.window)])].sort((a, b) => a - b);
  const clients = [...new Set(sweep.map((s) => s.client))];
  const cell = (client: string, w: number) => {
    const v = w === o.window ? o.median.getData?.[client]?.opsPerSec : sweep.find((s) => s.client === client && s.window === w)?.figures.opsPerSec;
    return v === undefined ? '–' : int(v);
  };
  const best = opsBest(o);
  return {
    title: `ops: getData ops/s by requests in flight (window ${int(o.window)}: the median above; others: one run of ${int(sweep[0]?.n ?? 0)} calls each)`,
    head: ['client', ...windows.map((w) => `window ${int(w)}`)],
    rows: clients.map((c) => [opsClientLabel(c), ...windows.map((w) => cell(c, w))]),
    notes: best ? [`the most this server gave any client here: ${int(best.opsPerSec)} ops/s (${clientLabel(best.client)}, window ${int(best.window)}, one run); every client's figure is capped by the server it shares 2 CPUs with`] : [],
  };
}

function textTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const fmt = (row: string[]) => row.map((c, i) => (i < (t.left ?? 1) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [t.title, fmt(t.head), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(fmt), ...(t.notes ?? []).map((n) => `  ${n}`)].join('\n');
}

function describe(r: BenchReport): string[] {
  const m = r.machine;
  // What ran on the quorum pass: floor, failover, and the fleet (as "scale fleet").
  const quorumRun = [...new Set(r.results.filter((x) => serversOf(x) > 1).map((x) => (x.scenario === 'scale' ? 'the scale fleet' : x.scenario)))];
  return [
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; load average ${m.loadAverageStart.join(' ')} at start${m.loadAverageEnd ? `, ${m.loadAverageEnd.join(' ')} at end` : ''}`,
    `server: ZooKeeper ${m.server.version ?? '?'} ${(m.server.servers ?? 1) > 1 ? `${m.server.servers}-server quorum` : 'standalone'}, ${m.server.kind}, tickTime ${m.server.tickTime ?? '?'} ms${m.server.jvmFlags ? `, JVM ${m.server.jvmFlags.join(' ')}` : ''}; same machine as the clients`,
    ...(quorumRun.length && (m.server.servers ?? 1) === 1 ? [`then ${quorumRun.join(', ')} again on a fresh ${Math.max(...r.results.map(serversOf))}-server quorum on this machine, same release, JVM and tickTime; every client is given all servers and picks one at random`] : []),
    `peers: ${peersText(m)}`,
  ];
}

/** Every peer's version and where it came from, then the JVM. */
function peersText(m: MachineInfo): string {
  const v = m.peers;
  const src = m.peerSources ?? {};
  const from = (peer: PeerName) => (src[peer] ? ` (${src[peer]})` : '');
  const items = [
    v.curator && `Apache Curator ${v.curator}${from('curator')}`,
    v.zookeeperJavaClient && `ZooKeeper Java client ${v.zookeeperJavaClient}${from('java')}`,
    v.kazoo && `kazoo ${v.kazoo}${v.python ? ` on Python ${v.python}` : ''}${from('kazoo')}`,
    v.nodeZookeeperClient && `node-zookeeper-client ${v.nodeZookeeperClient}${from('nzc')}`,
  ].filter(Boolean);
  return `${items.length ? items.join('; ') : 'none'}${v.java ? `; Java ${v.java}` : ''}`;
}

function targetLines(r: BenchReport, md: boolean): string[] {
  const mark = (m: boolean | null) => (m === null ? '?' : m ? (md ? '✅ met' : 'met') : md ? '❌ missed' : 'MISSED');
  if (md) {
    const rows = ['| scenario | target | measured | limit | result |', '|---|---|---|---|---|', ...r.targets.map((t) => `| ${t.scenario} | ${t.what}${t.headline ? '' : ' *(comparison)*'} | ${t.value} | ${t.limit} | ${mark(t.met)} |`)];
    const why = r.targets.filter((t) => t.evidence).map((t) => `- **${t.scenario}, ${t.what}:** ${t.evidence}`);
    return why.length ? [...rows, '', 'Measurements behind the misses:', '', ...why] : rows;
  }
  const w = Math.max(...r.targets.map((t) => t.what.length + t.scenario.length + 2));
  return r.targets.flatMap((t) => [`${`${t.scenario}: ${t.what}`.padEnd(w)}  ${t.value}  (${t.limit})  ${mark(t.met)}`, ...(t.evidence ? [`    why: ${t.evidence}`] : [])]);
}

/** The terminal rendering. */
export function renderText(r: BenchReport): string {
  const parts = [`zk-elect bench ${r.target} — ${r.date} (${r.durationSec} s)`, ...describe(r), ''];
  for (const t of tables(r)) parts.push(textTable(t), '');
  if (r.targets.length) parts.push('targets:', ...targetLines(r, false));
  if (r.errors?.length) parts.push('', 'FAILED parts (their figures are missing):', ...r.errors.map((e) => `  ${e}`));
  return parts.join('\n');
}

/** bench/results/latest.md */
export function renderMarkdown(r: BenchReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const parts = [`# zk-elect benchmark results`, '', `\`zk-elect bench ${r.target}\`, ${r.date}, ${r.durationSec} s.`, '', ...describe(r).map((l) => `- ${l}`), '', '![failover latency](failover.svg)', ''];
  for (const t of tables(r)) {
    parts.push(`## ${t.title}`, '', `| ${t.head.map(esc).join(' | ')} |`, `|${t.head.map((_, i) => (i < (t.left ?? 1) ? '---' : '---:')).join('|')}|`, ...t.rows.map((row) => `| ${row.map(esc).join(' | ')} |`), '');
    for (const n of t.notes ?? []) parts.push(`- ${n}`);
    if (t.notes?.length) parts.push('');
  }
  if (r.targets.length) parts.push('## Targets', '', ...targetLines(r, true), '');
  if (r.errors?.length) parts.push('## Failed parts', '', ...r.errors.map((e) => `- ${e}`), '');
  parts.push('Raw samples of every round are in `latest.json`. Reproduce with `npm run bench` (`zk-elect bench all`).', '');
  return parts.join('\n');
}

// ---- the chart -----------------------------------------------------------------------------------

const COLORS: Record<string, string> = {
  'zk-elect': '#1f6fb4',
  'zk-elect/session-close': '#62a8e0',
  curator: '#d95f02',
  java: '#7570b3',
  kazoo: '#1b9e77',
  nzc: '#c2417e',
};
const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** failover.svg: per N, p50 (solid) and p99 (light) bars on a log scale, the floor as a line; ops below. */
export function renderSvg(r: BenchReport): string {
  const { label, clientLabel } = namesOf(r);
  // The chart shows the standalone runs; the quorum's are in the tables.
  const failovers = of<FailoverResult>(r.results, 'failover').filter((f) => serversOf(f) === 1);
  const sizes = [...new Set(failovers.map((f) => f.candidates))];
  const W = 960;
  const panelW = sizes.length > 1 ? (W - 60) / sizes.length : W - 40;
  const barH = 16;
  const gap = 10;
  const labelW = 200;
  const maxRows = Math.max(1, ...sizes.map((n) => failovers.filter((f) => f.candidates === n).length));
  const panelH = 60 + maxRows * (2 * barH + gap) + 30;
  const ops = of<OpsResult>(r.results, 'ops')[0];
  const opsRows = ops ? Object.entries(ops.median.getData ?? {}) : [];
  const opsH = opsRows.length ? 40 + opsRows.length * (barH + gap) : 0;
  const H = 70 + panelH + opsH + 30;
  const el: string[] = [];
  el.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  el.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  el.push(`<text x="20" y="28" font-size="17" font-weight="bold">Leader failover on ZooKeeper: leader leaves → successor leads (lower is better)</text>`);
  const kind = r.machine.server.kind.replace(/^local \((.*)\)$/, '$1');
  el.push(`<text x="20" y="48" fill="#555">${xmlEsc(`${r.machine.cpus} CPUs ${r.machine.cpuModel}; ZooKeeper ${r.machine.server.version ?? ''} standalone, ${kind}; one server and one run for all; ${failovers[0]?.rounds ?? 0} rounds each; ${r.date.slice(0, 10)}`)}</text>`);
  const lo = 0.5;
  const allV = failovers.flatMap((f) => [f.latencyMs.p50, f.latencyMs.p99]).filter((v) => v > 0);
  const hi = Math.max(10, ...allV) * 1.15;
  const ticks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= lo && t <= hi);
  sizes.forEach((n, pi) => {
    const x0 = 20 + pi * (panelW + 20);
    const y0 = 70;
    const plotX = x0 + labelW;
    const plotW = panelW - labelW - 85;
    const sx = (v: number) => plotX + (Math.log(Math.max(v, lo) / lo) / Math.log(hi / lo)) * plotW;
    el.push(`<text x="${x0}" y="${y0 + 14}" font-size="14" font-weight="bold">${n} candidates</text>`);
    const top = y0 + 30;
    const bottom = top + maxRows * (2 * barH + gap);
    for (const t of ticks) {
      el.push(`<line x1="${sx(t).toFixed(1)}" y1="${top - 4}" x2="${sx(t).toFixed(1)}" y2="${bottom}" stroke="#e3e3e3"/>`);
      el.push(`<text x="${sx(t).toFixed(1)}" y="${bottom + 14}" text-anchor="middle" fill="#666">${t}</text>`);
    }
    el.push(`<text x="${plotX + plotW / 2}" y="${bottom + 28}" text-anchor="middle" fill="#666">ms (log scale)</text>`);
    if (r.floor) {
      const fx = sx(r.floor.p50).toFixed(1);
      el.push(`<line x1="${fx}" y1="${top - 8}" x2="${fx}" y2="${bottom}" stroke="#333" stroke-dasharray="4 3"/>`);
      el.push(`<text x="${fx}" y="${top - 11}" text-anchor="middle" fill="#333" font-size="11">floor p50 ${f2(r.floor.p50)}</text>`);
    }
    failovers
      .filter((f) => f.candidates === n)
      .forEach((f, i) => {
        const y = top + i * (2 * barH + gap);
        const c = COLORS[f.impl] ?? '#888';
        el.push(`<text x="${plotX - 8}" y="${y + barH + 4}" text-anchor="end">${xmlEsc(label(f.impl).replace(/ \(design algorithm\)/, ''))}</text>`);
        el.push(`<rect x="${plotX}" y="${y}" width="${(sx(f.latencyMs.p50) - plotX).toFixed(1)}" height="${barH}" fill="${c}"/>`);
        el.push(`<text x="${(sx(f.latencyMs.p50) + 4).toFixed(1)}" y="${y + 12}" fill="#222">p50 ${f2(f.latencyMs.p50)}</text>`);
        el.push(`<rect x="${plotX}" y="${y + barH}" width="${(sx(f.latencyMs.p99) - plotX).toFixed(1)}" height="${barH}" fill="${c}" fill-opacity="0.35"/>`);
        el.push(`<text x="${(sx(f.latencyMs.p99) + 4).toFixed(1)}" y="${y + barH + 12}" fill="#444">p99 ${f2(f.latencyMs.p99)}</text>`);
      });
  });
  if (opsRows.length && ops) {
    const y0 = 70 + panelH;
    const plotX = 20 + labelW;
    const plotW = W - plotX - 140;
    const max = Math.max(...opsRows.map(([, m]) => m.opsPerSec)) * 1.05;
    el.push(`<text x="20" y="${y0 + 14}" font-size="14" font-weight="bold">Client throughput: ${int(ops.ops.getData)} pipelined getData, ${int(ops.window)} in flight (higher is better)</text>`);
    opsRows.forEach(([client, m], i) => {
      const y = y0 + 34 + i * (barH + gap);
      const c = COLORS[client] ?? '#888';
      const w = (m.opsPerSec / max) * plotW;
      el.push(`<text x="${plotX - 8}" y="${y + 12}" text-anchor="end">${xmlEsc(client === 'java' ? `${clientLabel(client)} (async)` : clientLabel(client))}</text>`);
      el.push(`<rect x="${plotX}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${c}"/>`);
      el.push(`<text x="${(plotX + w + 4).toFixed(1)}" y="${y + 12}">${int(m.opsPerSec)} ops/s</text>`);
    });
  }
  el.push(`<text x="20" y="${H - 12}" fill="#777" font-size="11">${xmlEsc('Solid: p50, light: p99. Floor: closeSession → NodeDeleted at another client (no recipe). Generated by zk-elect bench all; data in latest.json.')}</text>`);
  el.push('</svg>');
  return el.join('\n') + '\n';
}
