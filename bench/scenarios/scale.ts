/**
 * `scale`: N candidates (1,000 and 5,000 by default) join one election from one process, at most
 * `concurrency` joins in flight. Timed from the first connect until every candidate has joined
 * (LeaderElection.start() resolved: it leads or watches its predecessor) and exactly one leads.
 * Memory per candidate: the V8 heap growth over the whole population (forced GC before and
 * after) divided by N; RSS growth likewise, for the sockets and buffers outside the heap.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { LeaderElection, ZooKeeper } from 'zk-elect';
import type { ScaleResult } from '../lib/types.js';
import { round } from '../lib/stats.js';
import { benchPath, ensurePath, fullGc, log, mapLimit, removeTree, sleep } from '../lib/util.js';

/** Parameters of the scale scenario. */
export interface ScaleParams {
  connectString: string;
  candidates: number;
  concurrency: number;
  sessionTimeout: number;
  /** Give up after this long, ms. */
  timeoutMs: number;
}

/**
 * Joins N zk-elect candidates and measures time and memory. Blocks until all joined (at most
 * `timeoutMs`). @throws Error when they do not all join in time; ZooKeeperError when the server fails.
 */
export async function scaleZkElect(p: ScaleParams): Promise<ScaleResult> {
  const parent = benchPath(`scale-${p.candidates}`);
  const admin = await ZooKeeper.connect(p.connectString, { sessionTimeout: 30_000 });
  await ensurePath(admin, parent);
  let elections: LeaderElection[] = [];
  try {
    fullGc();
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    const deadline = Date.now() + p.timeoutMs;
    let joined = 0;
    const t0 = performance.now();
    const progress = setInterval(() => log(`scale N=${p.candidates}: ${joined} joined after ${((performance.now() - t0) / 1000).toFixed(1)} s`), 5000);
    try {
      elections = await mapLimit(Array.from({ length: p.candidates }), p.concurrency, async () => {
        if (Date.now() > deadline) throw new Error(`scale: not all ${p.candidates} candidates joined within ${p.timeoutMs} ms`);
        const e = await LeaderElection.start(p.connectString, { parent, data: 'bench', zookeeper: { sessionTimeout: p.sessionTimeout, connectTimeout: 30_000 } });
        e.on('error', (err) => log(`zk-elect candidate error: ${(err as Error).message}`));
        joined++;
        return e;
      });
    } finally {
      clearInterval(progress);
    }
    let leaders = elections.filter((e) => e.isLeader).length;
    while (leaders !== 1 && Date.now() < deadline) {
      await sleep(1);
      leaders = elections.filter((e) => e.isLeader).length;
    }
    const joinMs = performance.now() - t0;
    const children = (await admin.getChildren(parent)).length;
    fullGc();
    const heap1 = process.memoryUsage().heapUsed;
    const rss1 = process.memoryUsage().rss;
    log(`scale N=${p.candidates}: all joined, ${leaders} leader(s), in ${joinMs.toFixed(0)} ms; heap +${((heap1 - heap0) / 1048576).toFixed(1)} MiB`);
    return scaleResult({ ...p, processes: 1 }, { joinMs, leaders, children, heapBytes: heap1 - heap0, rssBytes: rss1 - rss0 });
  } finally {
    await mapLimit(elections, 200, (e) => e.close().catch(() => undefined));
    await removeTree(admin, parent).catch(() => undefined);
    await admin.close();
  }
}

/**
 * The {@link ScaleResult} of `p.candidates` candidates in `p.processes` processes: the joins'
 * figures, with heap and RSS growth (over all processes) per candidate. Never blocks.
 */
export function scaleResult(p: { candidates: number; concurrency: number; processes: number }, f: { joinMs: number; leaders: number; children: number; heapBytes: number; rssBytes: number }): ScaleResult {
  return {
    scenario: 'scale',
    impl: 'zk-elect',
    candidates: p.candidates,
    concurrency: p.concurrency,
    joinMs: round(f.joinMs, 1),
    leaders: f.leaders,
    children: f.children,
    heapBytesPerCandidate: Math.round(f.heapBytes / p.candidates),
    rssBytesPerCandidate: Math.round(f.rssBytes / p.candidates),
    processes: p.processes,
  };
}
