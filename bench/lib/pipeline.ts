/**
 * The pipelined load of the `ops` scenario: a sliding window of requests in flight, every
 * completion issues the next; latency per request from just before the call to its completion,
 * so it includes the queueing behind the window (Little's law: p50 ≈ window / throughput).
 * @module
 */
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';
import type { OpsFigures } from './types.js';

/** Completes one request: with an error, or with nothing. */
export type Done = (error?: unknown) => void;

/** The figures of one batch, as the client side measures them. */
export type PipelineFigures = Pick<OpsFigures, 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'cpuUsPerOp'>;

/**
 * Issues `n` requests (`issue(i, done)`, each calling `done` once) keeping `window` in flight.
 * Blocks until all have completed. Percentiles use the one rule of bench/lib/stats.ts; CPU is
 * this whole Node process's (all threads) per request.
 * @throws Error on the first failed request (or one that throws), or when nothing completes for `stallMs`.
 */
export function pipeline(n: number, window: number, issue: (i: number, done: Done) => void, stallMs = 60_000): Promise<PipelineFigures> {
  if (n === 0) return Promise.resolve({ opsPerSec: 0, p50Ms: 0, p99Ms: 0, cpuUsPerOp: 0 });
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
            resolve(figures(latency, performance.now() - t0, process.cpuUsage(cpu0)));
          } else if (next < n) launch();
        });
      } catch (err) {
        fail(err);
      }
    };
    for (let k = Math.min(window, n); k > 0 && !failed; k--) launch();
  });
}

function figures(latency: Float64Array, elapsedMs: number, cpu: NodeJS.CpuUsage): PipelineFigures {
  const sorted = latency.sort();
  return {
    opsPerSec: (sorted.length * 1000) / elapsedMs,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUsPerOp: (cpu.user + cpu.system) / sorted.length,
  };
}
