/**
 * `failover` for zk-elect: N candidates (LeaderElection, one session each, one process). Each
 * round the leader leaves — with `election.close()`, the library's shutdown (an election that
 * owns its session, as these do, lets its one closeSession delete the candidate node), or with
 * a bare closeSession for `close: 'session'` — and we time from that call to the successor's
 * `elected` event. The closed candidate re-joins at the back (a new session, untimed), so N
 * stays constant. Warm-up rounds run first and are not counted.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { CreateMode, EventType, LeaderElection, ZooKeeper } from 'zk-elect';
import { floorFigures, summarize, roundSummary, round } from '../lib/stats.js';
import type { FailoverResult, FloorResult } from '../lib/types.js';
import type { CloseMode } from '../lib/options.js';
import { TailProbe } from '../lib/tail.js';
import { benchPath, ensurePath, log, removeTree, sleep, withTimeout } from '../lib/util.js';

/** Parameters shared by the latency scenarios (and passed to the peers as flags). */
export interface LatencyParams {
  connectString: string;
  candidates: number;
  rounds: number;
  warmup: number;
  /** Requested session timeout of every candidate, ms. */
  sessionTimeout: number;
  /** Pause between rounds, ms (lets the rejoin's traffic settle). */
  pauseMs: number;
  /**
   * How the leader leaves: 'election' = `election.close()` (the API; when connected, an election
   * that owns its session skips the separate delete and lets closeSession remove the node);
   * 'session' = `election.session.close()` (closeSession only, as the peers' leaders do;
   * `election.close()` follows to tidy up).
   */
  close?: CloseMode;
}

const ROUND_TIMEOUT_MS = 15_000;

/**
 * Runs the failover scenario with zk-elect's LeaderElection. Blocks for every round.
 * @throws Error for fewer than 2 candidates, a round whose successor is not elected within
 *   15 s, or a round that ends with other than one leader; ZooKeeperError when unreachable.
 */
export async function failoverZkElect(p: LatencyParams): Promise<FailoverResult> {
  if (p.candidates < 2) throw new Error('failover needs at least 2 candidates');
  const parent = benchPath(`failover-${p.candidates}`);
  const admin = await ZooKeeper.connect(p.connectString, { sessionTimeout: 30_000 });
  await ensurePath(admin, parent);
  const join = async (): Promise<LeaderElection> => {
    const e = await LeaderElection.start(p.connectString, { parent, data: 'bench', zookeeper: { sessionTimeout: p.sessionTimeout } });
    e.on('error', (err) => log(`zk-elect candidate error: ${(err as Error).message}`));
    return e;
  };
  const bySession = p.close === 'session';
  const queue: LeaderElection[] = [];
  const samples: number[] = [];
  const notify: number[] = [];
  const after: number[] = [];
  let probe: TailProbe | undefined;
  try {
    for (let i = 0; i < p.candidates; i++) queue.push(await join());
    const total = p.warmup + p.rounds;
    for (let r = 0; r < total; r++) {
      if (r === p.warmup) probe = await TailProbe.start(p.connectString);
      const leader = queue[0] as LeaderElection;
      const successor = queue[1] as LeaderElection;
      if (!leader.isLeader) throw new Error(`round ${r}: the first candidate is not the leader (${leader.status.role})`);
      let t1 = 0;
      let tn = 0;
      // Our own watch on the leader's node from the successor's session: when the notification came.
      await successor.session.client.exists(`${parent}/${leader.status.node}`, (ev) => {
        if (ev.type === EventType.NodeDeleted) tn = performance.now();
      });
      const elected = new Promise<void>((resolve) => successor.once('elected', () => ((t1 = performance.now()), resolve())));
      const w = probe?.begin();
      const t0 = performance.now();
      const closing = bySession ? leader.session.close().then(() => leader.close()) : leader.close();
      await withTimeout(elected, ROUND_TIMEOUT_MS, `the successor's election in round ${r}`);
      if (w) probe?.end(w, t1);
      if (r >= p.warmup) {
        samples.push(t1 - t0);
        if (tn > 0) (notify.push(tn - t0), after.push(t1 - tn));
      }
      await closing;
      queue.shift();
      queue.push(await join());
      const leaders = queue.filter((e) => e.isLeader).length;
      if (leaders !== 1) throw new Error(`round ${r}: ${leaders} leaders`);
      if ((r + 1) % 50 === 0) log(`failover zk-elect N=${p.candidates}: ${r + 1}/${total} rounds`);
      if (p.pauseMs > 0) await sleep(p.pauseMs);
    }
  } finally {
    await Promise.all(queue.map((e) => e.close().catch(() => undefined)));
    await removeTree(admin, parent).catch(() => undefined);
    await admin.close();
  }
  const tail = await probe?.finish();
  return {
    scenario: 'failover',
    impl: bySession ? 'zk-elect/session-close' : 'zk-elect',
    candidates: p.candidates,
    rounds: p.rounds,
    warmup: p.warmup,
    close: bySession ? 'election.session.close() (closeSession only)' : 'election.close() (owns its session: one closeSession removes the node)',
    latencyMs: roundSummary(summarize(samples)),
    samplesMs: samples.map((v) => round(v, 4)),
    breakdown: { notifyMs: roundSummary(summarize(notify)), afterNotifyMs: roundSummary(summarize(after)), notifySamplesMs: notify.map((v) => round(v, 4)), afterNotifySamplesMs: after.map((v) => round(v, 4)) },
    ...(tail ? { tail } : {}),
  };
}

/**
 * `floor` for zk-elect's client: session A owns an ephemeral znode, client B has an exists()
 * watch on it; we time A.close() (closeSession) to B's NodeDeleted notification. No recipe at
 * all: the physical floor under any election. A new session A per round (untimed).
 */
export async function floorZkElect(p: Omit<LatencyParams, 'candidates' | 'close'>): Promise<FloorResult> {
  const parent = benchPath('floor');
  const watcher = await ZooKeeper.connect(p.connectString, { sessionTimeout: 30_000 });
  await ensurePath(watcher, parent);
  const samples: number[] = [];
  const relist: number[] = [];
  const withRelist: number[] = [];
  let probe: TailProbe | undefined;
  try {
    const total = p.warmup + p.rounds;
    for (let r = 0; r < total; r++) {
      if (r === p.warmup) probe = await TailProbe.start(p.connectString);
      const owner = await ZooKeeper.connect(p.connectString, { sessionTimeout: p.sessionTimeout });
      const path = `${parent}/e${r}`;
      await owner.create(path, 'x', { mode: CreateMode.EPHEMERAL });
      // On a quorum the watcher's server may not have applied the owner's create yet (reads are
      // ordered per client, not across clients): wait until it sees the node, untimed, before the
      // watched exists, as every peer's floor does.
      for (let tries = 0; (await watcher.exists(path)) === null; tries++) {
        if (tries === 1000) throw new Error(`floor: ${path} never became visible to the watcher`);
        await sleep(1);
      }
      // The owner then idles, as a failover's leader has since its last request: a server
      // (and a vCPU) woken from idle by the closeSession answers 0.3-0.4 ms later than one
      // that has just served this connection, so a floor closing at once would be a floor no
      // election meets. The watcher's exists comes right before the close, as the successor's does.
      if (p.pauseMs > 0) await sleep(p.pauseMs);
      let t1 = 0;
      let t2 = 0;
      let onListed!: () => void;
      let onError!: (err: unknown) => void;
      const listed = new Promise<void>((resolve, reject) => ((onListed = resolve), (onError = reject)));
      const stat = await watcher.exists(path, (ev) => {
        if (ev.type !== EventType.NodeDeleted) return;
        t1 = performance.now();
        // The re-list an election makes at this point, with nothing else around it.
        watcher.getChildren(parent).then(() => ((t2 = performance.now()), onListed()), onError);
      });
      if (!stat) throw new Error(`floor: ${path} vanished before the close`);
      const w = probe?.begin();
      const t0 = performance.now();
      const closing = owner.close();
      await withTimeout(listed, ROUND_TIMEOUT_MS, `NodeDeleted in floor round ${r}`);
      // The window is the timed notification (close → NodeDeleted), as the samples are.
      if (w) probe?.end(w, t1);
      if (r >= p.warmup) (samples.push(t1 - t0), relist.push(t2 - t1), withRelist.push(t2 - t0));
      await closing;
      if ((r + 1) % 100 === 0) log(`floor zk-elect: ${r + 1}/${total} rounds`);
    }
  } finally {
    await removeTree(watcher, parent).catch(() => undefined);
    await watcher.close();
  }
  const tail = await probe?.finish();
  return { scenario: 'floor', impl: 'zk-elect', rounds: p.rounds, warmup: p.warmup, ...floorFigures(samples, relist, withRelist), ...(tail ? { tail } : {}) };
}
