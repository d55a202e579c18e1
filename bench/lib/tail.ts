/**
 * Where a latency run's tail comes from, measured inside zk-elect's own scenario process:
 * the event loop's delay (`monitorEventLoopDelay`), the GC pauses (a `PerformanceObserver` on
 * `gc` entries), how busy the loop was during each timed round (event-loop utilization), and
 * the servers' own request latency from `mntr` before and after. Every timed round is kept as
 * a window, so a report can tell whether a slow round coincided with a GC or with a busy loop.
 * Instrumentation only: nothing here changes what is measured, and the peers are not probed.
 * @module
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { fourLetterWord, parseMntr } from 'zk-elect/testing';
import { percentile, round } from './stats.js';

/** The `mntr` latency figures of one server (ms; ZooKeeper keeps them as whole ms). */
export interface ServerLatency {
  server: string;
  /** zk_avg_latency / zk_max_latency since the server started (or since `srst`). */
  avgMs: number;
  maxMs: number;
  /** Requests the server timed (reads + updates) and their total latency, since it started. */
  count: number;
  sumMs: number;
  /** zk_p99_readlatency / zk_p99_updatelatency (the server's recent-window summaries). */
  p99ReadMs?: number;
  p99UpdateMs?: number;
}

/** Each server's latency during the run: `mntr` before and after, and the run's own average. */
export interface ServerShare {
  server: string;
  before: ServerLatency;
  after: ServerLatency;
  /** Requests timed by this server during the run, and their mean latency (Δsum / Δcount). */
  requests: number;
  meanMs: number;
}

/** What the run's process went through: loop delay, GC, and the servers' latency. */
export interface TailEvidence {
  /** `monitorEventLoopDelay` (1 ms resolution) over the timed rounds, ms. */
  loopDelayMs: { p50: number; p99: number; max: number; mean: number };
  /** GC pauses during the timed rounds (PerformanceObserver `gc` entries). */
  gc: { count: number; totalMs: number; maxMs: number };
  /** Per timed round (same order as the result's samples): GC time inside its window, ms. */
  gcSamplesMs: number[];
  /** Per timed round: time the event loop was busy (not waiting for I/O) inside its window, ms. */
  activeSamplesMs: number[];
  /**
   * Per timed round, from the JS thread's `/proc/self/schedstat` (Linux): time it ran on a CPU,
   * and time it was runnable but waited for one (the kernel's run queue), inside the window, ms.
   * A busy loop that mostly waited was descheduled, not working. Absent where unreadable.
   */
  cpuSamplesMs?: number[];
  queuedSamplesMs?: number[];
  /** Per server of the connect string; absent where `mntr` does not answer (not whitelisted). */
  servers?: ServerShare[];
}

/** One timed round in progress: see {@link TailProbe.begin}. */
export interface Window {
  t0: number;
  elu: EventLoopUtilization;
  sched: Sched | undefined;
}

/** The JS thread's cumulative on-CPU and run-queue time, ns. */
interface Sched {
  cpuNs: number;
  queuedNs: number;
}

/**
 * `/proc/self/schedstat` ("on-CPU ns, run-queue wait ns, timeslices"), for the main thread,
 * which runs the event loop. Undefined off Linux or when unreadable. A 20 µs file read.
 */
function readSched(): Sched | undefined {
  try {
    const [cpu, queued] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
    return Number.isFinite(cpu) && Number.isFinite(queued) ? { cpuNs: cpu as number, queuedNs: queued as number } : undefined;
  } catch {
    return undefined;
  }
}

/** A GC entry's start and end on performance.now()'s clock. */
interface Pause {
  start: number;
  end: number;
}

/**
 * Records loop delay and GC pauses from {@link TailProbe.start} until {@link TailProbe.finish},
 * and each timed round's GC overlap and busy time ({@link begin} / {@link end}).
 */
export class TailProbe {
  readonly #delay: IntervalHistogram;
  readonly #observer: PerformanceObserver;
  readonly #pauses: Pause[] = [];
  readonly #gc: number[] = [];
  readonly #active: number[] = [];
  readonly #cpu: number[] = [];
  readonly #queued: number[] = [];
  readonly #hosts: string[];
  readonly #before: Promise<(ServerLatency | undefined)[]>;

  private constructor(connectString: string) {
    this.#hosts = hostsOf(connectString);
    this.#before = Promise.all(this.#hosts.map(serverLatency));
    this.#delay = monitorEventLoopDelay({ resolution: 1 });
    this.#observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.#pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    });
  }

  /**
   * Reads every server's `mntr` once, then starts recording. Blocks for those replies (at most
   * 5 s each, in parallel). Never throws: a server that does not answer is left out.
   */
  static async start(connectString: string): Promise<TailProbe> {
    const probe = new TailProbe(connectString);
    await probe.#before;
    probe.#observer.observe({ entryTypes: ['gc'] });
    probe.#delay.enable();
    return probe;
  }

  /** Opens the window of one timed round, just before its clock starts. */
  begin(): Window {
    return { sched: readSched(), elu: performance.eventLoopUtilization(), t0: performance.now() };
  }

  /**
   * Closes a round's window at `t1` (when the round's clock stopped): records its GC overlap,
   * busy time, and the JS thread's on-CPU and run-queue time (read now, so they may include
   * the few microseconds from `t1` to this call).
   */
  end(w: Window, t1: number): void {
    const sched = readSched();
    if (w.sched && sched) {
      this.#cpu.push(round((sched.cpuNs - w.sched.cpuNs) / 1e6, 3));
      this.#queued.push(round((sched.queuedNs - w.sched.queuedNs) / 1e6, 3));
    }
    const elu = performance.eventLoopUtilization(w.elu);
    let gc = 0;
    for (const p of this.#pauses) gc += Math.max(0, Math.min(p.end, t1) - Math.max(p.start, w.t0));
    this.#gc.push(round(gc, 3));
    this.#active.push(round(elu.active, 3));
  }

  /** Stops recording and reads the servers' `mntr` again. Blocks for those replies (at most 5 s). Never throws. */
  async finish(): Promise<TailEvidence> {
    this.#delay.disable();
    this.#observer.disconnect();
    const ms = (ns: number) => round(ns / 1e6, 3);
    const durations = this.#pauses.map((p) => p.end - p.start);
    const before = await this.#before;
    const after = await Promise.all(this.#hosts.map(serverLatency));
    const servers = this.#hosts.flatMap((server, i): ServerShare[] => {
      const b = before[i];
      const a = after[i];
      if (!b || !a) return [];
      const requests = a.count - b.count;
      return [{ server, before: b, after: a, requests, meanMs: requests > 0 ? round((a.sumMs - b.sumMs) / requests, 3) : 0 }];
    });
    return {
      loopDelayMs: { p50: ms(this.#delay.percentile(50)), p99: ms(this.#delay.percentile(99)), max: ms(this.#delay.max), mean: ms(this.#delay.mean) },
      gc: { count: durations.length, totalMs: round(durations.reduce((a, d) => a + d, 0), 3), maxMs: round(Math.max(0, ...durations), 3) },
      gcSamplesMs: this.#gc,
      activeSamplesMs: this.#active,
      ...(this.#cpu.length === this.#active.length && this.#cpu.length > 0 ? { cpuSamplesMs: this.#cpu, queuedSamplesMs: this.#queued } : {}),
      ...(servers.length ? { servers } : {}),
    };
  }
}

/** Every `host:port` of a connect string (its chroot dropped). */
export function hostsOf(connectString: string): string[] {
  return (connectString.split('/')[0] ?? '').split(',').filter(Boolean);
}

/** One server's `mntr` latency figures, or undefined when it does not answer `mntr`. */
async function serverLatency(server: string): Promise<ServerLatency | undefined> {
  const colon = server.lastIndexOf(':');
  try {
    const m = parseMntr(await fourLetterWord(server.slice(0, colon), Number(server.slice(colon + 1)), 'mntr', { timeoutMs: 5000 }));
    const num = (k: string) => Number(m[k] ?? Number.NaN);
    const opt = (k: string) => (m[k] !== undefined ? { [k.includes('read') ? 'p99ReadMs' : 'p99UpdateMs']: num(k) } : {});
    return {
      server,
      avgMs: num('zk_avg_latency'),
      maxMs: num('zk_max_latency'),
      count: (num('zk_cnt_readlatency') || 0) + (num('zk_cnt_updatelatency') || 0),
      sumMs: (num('zk_sum_readlatency') || 0) + (num('zk_sum_updatelatency') || 0),
      ...opt('zk_p99_readlatency'),
      ...opt('zk_p99_updatelatency'),
    };
  } catch {
    return undefined;
  }
}

/**
 * The rounds at or above the p99 of `samples` (nearest rank, from the samples themselves: the
 * summaries are rounded coarser than the samples) and what coincided with them: how many had GC
 * time inside their window, their median busy-loop time, and (where recorded) the JS thread's
 * median on-CPU and run-queue time in them. For the report's evidence lines.
 */
export function slowRounds(
  samples: readonly number[],
  tail: Pick<TailEvidence, 'gcSamplesMs' | 'activeSamplesMs' | 'cpuSamplesMs' | 'queuedSamplesMs'>,
): { p99: number; n: number; withGc: number; gcMaxMs: number; activeP50Ms: number; sampleP50Ms: number; cpuP50Ms?: number; queuedP50Ms?: number } {
  const p99 = percentile(Float64Array.from(samples).sort(), 0.99);
  const idx = samples.flatMap((v, i) => (v >= p99 ? [i] : []));
  const gc = idx.map((i) => tail.gcSamplesMs[i] ?? 0);
  const mid = (xs: readonly number[] | undefined) => {
    const s = idx.map((i) => xs?.[i] ?? 0).sort((a, b) => a - b);
    return s[s.length >> 1] ?? 0;
  };
  const sched = tail.cpuSamplesMs && tail.queuedSamplesMs ? { cpuP50Ms: mid(tail.cpuSamplesMs), queuedP50Ms: mid(tail.queuedSamplesMs) } : {};
  return {
    p99,
    n: idx.length,
    withGc: gc.filter((g) => g > 0).length,
    gcMaxMs: Math.max(0, ...gc),
    activeP50Ms: mid(tail.activeSamplesMs),
    sampleP50Ms: mid(samples),
    ...sched,
  };
}

/**
 * One {@link TailEvidence} for the parts of a run merged by the orchestrator: per-round arrays
 * concatenated in part order (as the samples are), GC summed, loop delay's worst p99 and max
 * (percentiles do not merge), each server's requests and mean latency over all parts.
 */
export function mergeTail(parts: readonly TailEvidence[]): TailEvidence | undefined {
  if (parts.length === 0) return undefined;
  const byServer = new Map<string, ServerShare>();
  for (const s of parts.flatMap((p) => p.servers ?? [])) {
    const m = byServer.get(s.server);
    if (!m) byServer.set(s.server, { ...s });
    else {
      const requests = m.requests + s.requests;
      byServer.set(s.server, { server: s.server, before: m.before, after: s.after, requests, meanMs: requests > 0 ? round((m.meanMs * m.requests + s.meanMs * s.requests) / requests, 3) : 0 });
    }
  }
  const max = (f: (p: TailEvidence) => number) => Math.max(...parts.map(f));
  return {
    loopDelayMs: { p50: max((p) => p.loopDelayMs.p50), p99: max((p) => p.loopDelayMs.p99), max: max((p) => p.loopDelayMs.max), mean: round(parts.reduce((a, p) => a + p.loopDelayMs.mean, 0) / parts.length, 3) },
    gc: { count: parts.reduce((a, p) => a + p.gc.count, 0), totalMs: round(parts.reduce((a, p) => a + p.gc.totalMs, 0), 3), maxMs: max((p) => p.gc.maxMs) },
    gcSamplesMs: parts.flatMap((p) => p.gcSamplesMs),
    activeSamplesMs: parts.flatMap((p) => p.activeSamplesMs),
    ...(parts.every((p) => p.cpuSamplesMs && p.queuedSamplesMs) ? { cpuSamplesMs: parts.flatMap((p) => p.cpuSamplesMs ?? []), queuedSamplesMs: parts.flatMap((p) => p.queuedSamplesMs ?? []) } : {}),
    ...(byServer.size ? { servers: [...byServer.values()] } : {}),
  };
}
