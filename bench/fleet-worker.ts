/**
 * One process of the multi-process scale run (bench/scenarios/fleet.ts starts several):
 * `node dist/bench/fleet-worker.js <params as JSON>`. It holds its share of the fleet's
 * candidates, all in one election, and answers one stdin command per line with one JSON line
 * on stdout:
 *
 *   join   join every candidate (at most `concurrency` joins in flight) → `joined`, with the
 *          time taken and the heap and RSS growth (forced GC before and after)
 *   stats  → `stats`: the LeaderElection.stats sums over its open candidates, and the leader's
 *          own counters when it holds the leader
 *   fail   close the leader (when it holds it: election.close()) → `failed`, with the epoch
 *          time of the call (performance.timeOrigin + now, comparable across processes)
 *   quit   close every candidate → `closed`, then exit
 *
 * and prints `elected` (with its epoch time) whenever one of its candidates becomes leader.
 * Progress goes to stderr. Exits 1 on a failed command (the JSON line says why).
 * @module
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { LeaderElection } from 'zk-elect';
import { fullGc, log, mapLimit } from './lib/util.js';

/** What a worker is told on its command line. */
export interface FleetWorkerParams {
  connectString: string;
  parent: string;
  candidates: number;
  concurrency: number;
  sessionTimeout: number;
}

/** A line a worker prints. */
export type FleetEvent =
  | { event: 'ready'; pid: number }
  | { event: 'joined'; joinMs: number; heapBytes: number; rssBytes: number; candidates: number }
  | { event: 'stats'; notifications: number; requests: number; leaders: number; leader?: { notifications: number; requests: number } }
  | { event: 'failed'; time: number }
  | { event: 'elected'; time: number }
  | { event: 'closed' }
  | { event: 'error'; message: string };

const emit = (e: FleetEvent) => process.stdout.write(JSON.stringify(e) + '\n');
const epochNow = () => performance.timeOrigin + performance.now();

async function main(p: FleetWorkerParams): Promise<void> {
  let open: LeaderElection[] = [];
  const commands: Record<string, () => Promise<void>> = {
    async join() {
      fullGc();
      const m0 = process.memoryUsage();
      const t0 = performance.now();
      let joined = 0;
      const progress = setInterval(() => log(`${joined}/${p.candidates} joined after ${((performance.now() - t0) / 1000).toFixed(0)} s`), 10_000);
      try {
        open = await mapLimit(Array.from({ length: p.candidates }), p.concurrency, async () => {
          const e = await LeaderElection.start(p.connectString, { parent: p.parent, data: 'bench', zookeeper: { sessionTimeout: p.sessionTimeout, connectTimeout: 60_000 } });
          e.on('error', (err) => log(`zk-elect candidate error: ${(err as Error).message}`));
          e.on('elected', () => emit({ event: 'elected', time: epochNow() }));
          joined++;
          return e;
        });
      } finally {
        clearInterval(progress);
      }
      const joinMs = performance.now() - t0;
      fullGc();
      const m1 = process.memoryUsage();
      emit({ event: 'joined', joinMs, heapBytes: m1.heapUsed - m0.heapUsed, rssBytes: m1.rss - m0.rss, candidates: open.length });
    },
    async stats() {
      const leader = open.find((e) => e.isLeader);
      const sum = (f: (e: LeaderElection) => number) => open.reduce((a, e) => a + f(e), 0);
      emit({
        event: 'stats',
        notifications: sum((e) => e.stats.notifications),
        requests: sum((e) => e.stats.requests),
        leaders: open.filter((e) => e.isLeader).length,
        ...(leader ? { leader: { notifications: leader.stats.notifications, requests: leader.stats.requests } } : {}),
      });
    },
    async fail() {
      const leader = open.find((e) => e.isLeader);
      if (!leader) throw new Error('fail: this process holds no leader');
      open = open.filter((e) => e !== leader);
      const time = epochNow();
      await leader.close();
      emit({ event: 'failed', time });
    },
    async quit() {
      await mapLimit(open, 200, (e) => e.close().catch(() => undefined));
      open = [];
      emit({ event: 'closed' });
    },
  };
  emit({ event: 'ready', pid: process.pid });
  // One command at a time, in order: the orchestrator waits for each answer anyway.
  for await (const line of createInterface({ input: process.stdin })) {
    const name = line.trim();
    const command = commands[name];
    if (!command) throw new Error(`unknown command ${JSON.stringify(name)}`);
    await command();
    if (name === 'quit') return;
  }
}

try {
  await main(JSON.parse(process.argv[2] ?? '') as FleetWorkerParams);
  process.exitCode = 0;
} catch (err) {
  emit({ event: 'error', message: (err as Error)?.message ?? String(err) });
  process.exitCode = 1;
}
// Every session is closed by now; a stray handle must not keep the orchestrator waiting.
setTimeout(() => process.exit(), 1000).unref();
