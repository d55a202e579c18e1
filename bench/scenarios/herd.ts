/**
 * `herd`: N candidates (1,000 by default) in one process; per leader failure, count the watch
 * notifications delivered to, and the ZooKeeper requests sent by, all the other candidates.
 *
 * - zk-elect: LeaderElection's own counters (`stats.notifications`, `stats.requests`), summed
 *   over every remaining candidate, before the close and after the successor leads and things
 *   are quiet.
 * - naive: the raw client, every candidate watching the *leader* (exists watch on the smallest
 *   node) and re-listing when it goes: what "leader", "zoologist" and friends on npm do.
 *
 * Cross-check from the server: `mntr` zk_packets_received before and after, minus the leader's
 * own close packets (1: a LeaderElection that owns its session leaves with one closeSession,
 * which removes its node; the naive close is closeSession too), minus what one `mntr` adds itself (the server counts it), and minus the
 * pings the idle sessions send in that window (rate measured over an idle period first).
 * @module
 */
import { performance } from 'node:perf_hooks';
import { CreateMode, EventType, LeaderElection, ZooKeeper, sequenceOf } from 'zk-elect';
import type { BenchServer } from '../lib/server.js';
import { summarize, roundSummary, round } from '../lib/stats.js';
import type { CountSummary, HerdResult } from '../lib/types.js';
import { benchPath, ensurePath, log, mapLimit, removeTree, sleep, withTimeout } from '../lib/util.js';

/** Parameters of the herd scenario. */
export interface HerdParams {
  server: BenchServer;
  candidates: number;
  rounds: number;
  sessionTimeout: number;
  /** Joins in flight at once while setting up. */
  concurrency: number;
  /** Quiet time after the last activity before the "after" snapshot, ms. */
  settleMs: number;
  /** Length of the idle period that measures the ping rate, ms. */
  idleMs: number;
}

/** One candidate of either variant, as the measurement loop sees it. */
interface HerdCandidate {
  readonly isLeader: boolean;
  notifications(): number;
  requests(): number;
  onceElected(cb: () => void): () => void;
  close(): Promise<void>;
}

interface Variant {
  impl: string;
  closePackets: number;
  join(): Promise<HerdCandidate>;
  /** Resolves when no candidate has work in flight (the naive variant counts its re-checks). */
  quiet(): Promise<void>;
}

function counts(xs: number[]): CountSummary {
  const s = summarize(xs);
  return { min: s.min, mean: round(s.mean, 2), max: s.max };
}

async function packets(server: BenchServer): Promise<number> {
  return Number((await server.mntr()).zk_packets_received ?? Number.NaN);
}

async function measure(p: HerdParams, v: Variant): Promise<HerdResult> {
  log(`herd ${v.impl}: joining ${p.candidates} candidates ...`);
  const joined = await mapLimit(Array.from({ length: p.candidates }), p.concurrency, () => v.join());
  const all = new Set<HerdCandidate>(joined);
  const notifications: number[] = [];
  const requests: number[] = [];
  const packetsRaw: number[] = [];
  const packetsAttr: number[] = [];
  const windows: number[] = [];
  const elected: number[] = [];
  let idleRate = 0;
  let overhead = 0;
  try {
    await v.quiet();
    await sleep(p.settleMs);
    // What a measurement itself adds (the server counts the mntr command as a packet), then the
    // idle packet rate (pings: every sessionTimeout/3 per idle session).
    const ip0 = await packets(p.server);
    const ip1 = await packets(p.server);
    overhead = ip1 - ip0;
    const i0 = performance.now();
    await sleep(p.idleMs);
    const ip2 = await packets(p.server);
    idleRate = (Math.max(0, ip2 - ip1 - overhead) * 1000) / (performance.now() - i0);
    log(`herd ${v.impl}: mntr adds ${overhead} packet(s); idle packet rate ${idleRate.toFixed(1)}/s`);
    for (let r = 0; r < p.rounds; r++) {
      const leaders = [...all].filter((c) => c.isLeader);
      if (leaders.length !== 1) throw new Error(`herd ${v.impl} round ${r}: ${leaders.length} leaders`);
      const leader = leaders[0] as HerdCandidate;
      all.delete(leader);
      const others = [...all];
      const sum = (f: (c: HerdCandidate) => number) => others.reduce((a, c) => a + f(c), 0);
      const n0 = sum((c) => c.notifications());
      const q0 = sum((c) => c.requests());
      let t1 = 0;
      let onElected!: () => void;
      const electedP = new Promise<void>((resolve) => (onElected = resolve));
      const offs = others.map((c) => c.onceElected(() => ((t1 ||= performance.now()), onElected())));
      const w0 = performance.now();
      const pk0 = await packets(p.server);
      const t0 = performance.now();
      const closing = leader.close();
      await withTimeout(electedP, 30_000, `a new leader in herd round ${r}`);
      await closing;
      await v.quiet();
      await sleep(p.settleMs);
      const pk1 = await packets(p.server);
      const w1 = performance.now();
      for (const off of offs) off();
      const n = sum((c) => c.notifications()) - n0;
      const q = sum((c) => c.requests()) - q0;
      notifications.push(n);
      requests.push(q);
      packetsRaw.push(pk1 - pk0);
      packetsAttr.push(round(pk1 - pk0 - overhead - v.closePackets - (idleRate * (w1 - w0)) / 1000, 1));
      windows.push(w1 - w0);
      elected.push(t1 - t0);
      log(`herd ${v.impl} round ${r + 1}/${p.rounds}: ${n} notifications, ${q} requests, ${pk1 - pk0} packets in ${(w1 - w0).toFixed(0)} ms, new leader after ${(t1 - t0).toFixed(2)} ms`);
      all.add(await v.join());
      await v.quiet();
    }
  } finally {
    await mapLimit([...all], 100, (c) => c.close().catch(() => undefined));
  }
  return {
    scenario: 'herd',
    impl: v.impl,
    candidates: p.candidates,
    rounds: p.rounds,
    notifications: counts(notifications),
    requests: counts(requests),
    packetsRaw: counts(packetsRaw),
    packetsAttributable: counts(packetsAttr),
    idlePacketsPerSec: round(idleRate, 1),
    mntrPackets: overhead,
    windowMs: roundSummary(summarize(windows), 1),
    electedMs: roundSummary(summarize(elected)),
  };
}

/**
 * The herd scenario with zk-elect's LeaderElection: one notification per failover whatever N.
 * Blocks for the joins and every round. @throws Error when a round has other than one leader or
 * no new leader within 30 s; ZooKeeperError when the server fails.
 */
export async function herdZkElect(p: HerdParams): Promise<HerdResult> {
  const parent = benchPath('herd');
  const admin = await ZooKeeper.connect(p.server.connectString);
  await ensurePath(admin, parent);
  const variant: Variant = {
    impl: 'zk-elect',
    closePackets: 1, // election.close() on its own, connected session: closeSession only
    async join() {
      // Without the quorum lease: its syncs (the leader's alone, one per T/40 whatever the number
      // of candidates) are steady traffic like the pings, which the server's packet count would
      // have to tell apart from the failover's requests at the edges of every window.
      const e = await LeaderElection.start(p.server.connectString, { parent, data: 'bench', quorumLease: false, zookeeper: { sessionTimeout: p.sessionTimeout } });
      e.on('error', (err) => log(`zk-elect candidate error: ${(err as Error).message}`));
      return {
        get isLeader() {
          return e.isLeader;
        },
        notifications: () => e.stats.notifications,
        requests: () => e.stats.requests,
        onceElected(cb) {
          e.once('elected', cb);
          return () => e.off('elected', cb);
        },
        close: () => e.close(),
      };
    },
    quiet: async () => undefined,
  };
  try {
    return await measure(p, variant);
  } finally {
    await removeTree(admin, parent).catch(() => undefined);
    await admin.close();
  }
}

/**
 * The herd scenario with the naive recipe on the raw client: everyone watches the leader node.
 * Blocks and throws as {@link herdZkElect}.
 */
export async function herdNaive(p: HerdParams): Promise<HerdResult> {
  const parent = benchPath('herd-naive');
  const admin = await ZooKeeper.connect(p.server.connectString);
  await ensurePath(admin, parent);
  let busy = 0;
  let idle: (() => void)[] = [];
  const done = () => {
    if (--busy === 0) for (const f of idle.splice(0)) f();
  };
  const variant: Variant = {
    impl: 'naive (all watch the leader)',
    closePackets: 1,
    async join() {
      const zk = await ZooKeeper.connect(p.server.connectString, { sessionTimeout: p.sessionTimeout });
      let notifications = 0;
      let requests = 1;
      let leading = false;
      let closed = false;
      const listeners = new Set<() => void>();
      const node = (await zk.create(`${parent}/n_`, 'bench', { mode: CreateMode.EPHEMERAL_SEQUENTIAL })).slice(parent.length + 1);
      const check = async (): Promise<void> => {
        busy++;
        try {
          while (!closed) {
            requests++;
            // Every child here is n_ + sequence: the smallest sequence leads.
            const kids = (await zk.getChildren(parent)).sort((a, b) => (sequenceOf(a) as number) - (sequenceOf(b) as number));
            const first = kids[0];
            if (first === node) {
              if (!leading) {
                leading = true;
                for (const l of [...listeners]) l();
              }
              return;
            }
            requests++;
            const stat = await zk.exists(`${parent}/${first}`, (ev) => {
              if (ev.type !== EventType.NodeDeleted) return;
              notifications++;
              void check().catch(() => undefined);
            });
            if (stat) return;
          }
        } finally {
          done();
        }
      };
      await check();
      return {
        get isLeader() {
          return leading;
        },
        notifications: () => notifications,
        requests: () => requests,
        onceElected(cb) {
          const l = () => (listeners.delete(l), cb());
          listeners.add(l);
          return () => listeners.delete(l);
        },
        close: async () => {
          closed = true;
          leading = false;
          await zk.close();
        },
      };
    },
    quiet: () => (busy === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
  try {
    return await measure(p, variant);
  } finally {
    idle = [];
    await removeTree(admin, parent).catch(() => undefined);
    await admin.close();
  }
}
