/**
 * `runChaos`: a 3-server quorum, candidate processes each behind its own proxies, a seeded
 * fault schedule injected one fault at a time (a fault may be several overlapping steps), then
 * the checker over the merged history and the final state.
 * @module
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { ZooKeeper } from '../../client/index.js';
import { TestingCluster } from '../cluster.js';
import type { TestingOptions } from '../options.js';
import { checkHistory, type CheckResult, type FinalState } from './checker.js';
import { mergeHistory, now, type FinalRecord, type HistoryEntry, type RunnerEntry } from './history.js';
import { startChaosNetwork, type ChaosNetwork } from './network.js';
import { Prng } from './prng.js';
import { formatReport } from './report.js';
import { CandidateSlot, isAlive } from './slot.js';
import { makeSchedule, STEP_KINDS, type FaultKind, type FaultStep, type ScheduledFault } from './schedule.js';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** Seeds the schedule and the run-time choices. */
  seed: number;
  /** How many faults to inject. */
  faults: number;
  /** Candidate processes (default 5). */
  candidates?: number;
  /**
   * How many of them are `zk-elect run` candidates (default 2; the others are `LeaderElection`
   * programs): the last ones, so c4 and c5 of the default five.
   */
  runCandidates?: number;
  /** The candidates' session timeout (ms, default 1500). */
  sessionTimeoutMs?: number;
  /** The servers' tickTime (ms, default 250: sessions of 500–5000 ms). */
  tickTime?: number;
  /** Liveness bound: a leader within session timeout + this after a heal (ms, default 4000). */
  livenessBoundMs?: number;
  /** Pause between a leader's writes (ms, default 25). */
  writeIntervalMs?: number;
  /** The fault kinds to draw from (default all the harness supports). */
  kinds?: readonly FaultKind[];
  /** ZooKeeper release (default: the harness's). */
  version?: string;
  /** Aborts the run: everything is stopped and cleaned up, then the promise rejects with the reason. */
  signal?: AbortSignal;
  /** Told one line per fault as the run goes. */
  onProgress?: (line: string) => void;
}

/** What {@link runChaos} returns. */
export interface ChaosReport {
  seed: number;
  sessionTimeoutMs: number;
  livenessBoundMs: number;
  durationMs: number;
  schedule: ScheduledFault[];
  /** Kinds asked for that this harness cannot inject (left out of the schedule). */
  unsupported: FaultKind[];
  history: HistoryEntry[];
  final: FinalState;
  result: CheckResult;
  /** The report as text (table, longest gap, violations with their history slices). */
  text: string;
  /** No violation. */
  ok: boolean;
}

const PARENT = '/chaos/election';
const LOG = '/chaos/log';
const LEADING = new Set(['elected', 'resumed']);
const SETTLED_ROLES = new Set(['elected', 'resumed', 'following']);

/**
 * Runs a chaos run and checks it. Blocks for the whole run (about 2–3 s per fault at the
 * default session timeout, plus the quorum's start). Leaves no process, proxy or temp dir
 * behind, also when it throws or is aborted.
 * @throws {ZooKeeperNotFoundError} without ZooKeeper; the abort reason when aborted; the
 *   harness's errors when the quorum cannot start.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const run = new ChaosRun(o);
  try {
    return await run.run();
  } finally {
    await run.cleanup();
  }
}

class ChaosRun {
  readonly T: number;
  readonly bound: number;
  readonly entries: HistoryEntry[] = [];
  readonly slots: CandidateSlot[];
  readonly pids = new Set<number>();
  readonly #changed = new EventEmitter();
  readonly #rng: Prng;
  readonly #started = performance.now();
  cluster: TestingCluster | undefined;
  net: ChaosNetwork | undefined;
  #cleaned: Promise<void> | undefined;

  constructor(readonly o: ChaosOptions) {
    this.T = o.sessionTimeoutMs ?? 1500;
    this.bound = o.livenessBoundMs ?? 4000;
    const count = o.candidates ?? 5;
    const runs = Math.min(count, o.runCandidates ?? 2);
    const ctx = {
      parent: PARENT,
      logPath: LOG,
      sessionTimeoutMs: this.T,
      writeIntervalMs: o.writeIntervalMs ?? 25,
      record: (e: Omit<RunnerEntry, 't' | 'who'>) => this.record(e),
      push: (e: HistoryEntry) => (this.entries.push(e), this.#changed.emit('change')),
      pids: this.pids,
    };
    this.slots = Array.from({ length: count }, (_, i) => new CandidateSlot(`c${i + 1}`, i >= count - runs ? 'run' : 'election', ctx, () => this.#changed.emit('change')));
    // Run-time choices (which candidate when the leader is wanted but busy) come from the seed too.
    this.#rng = new Prng((o.seed ^ 0x5bd1e995) >>> 0);
    this.#changed.setMaxListeners(0);
  }

  async run(): Promise<ChaosReport> {
    const opts: TestingOptions & { peerProxies: boolean } = { tickTime: this.o.tickTime ?? 250, peerProxies: true, ...(this.o.version ? { version: this.o.version } : {}) };
    this.cluster = await TestingCluster.start(3, opts);
    const quorumMs = Math.round(performance.now() - this.#started);
    for (const s of this.cluster.servers) if (s.pid) this.pids.add(s.pid);
    this.net = await startChaosNetwork(this.cluster, this.slots.map((s) => s.who));
    const unsupported: FaultKind[] = [...(this.net.capabilities.latency ? [] : (['latency'] as const)), ...(this.net.capabilities.peers ? [] : (['isolate-one', 'isolate-two'] as const))];
    const kinds = (this.o.kinds ?? [...STEP_KINDS, 'overlap']).filter((k) => !unsupported.includes(k));
    const schedule = makeSchedule({ seed: this.o.seed, faults: this.o.faults, kinds, sessionTimeoutMs: this.T, candidates: this.slots.length, servers: 3 });
    await this.prepare();
    for (const slot of this.slots) slot.spawn(this.net.connectString(slot.who));
    await this.settle(60_000);
    for (const fault of schedule) {
      this.o.signal?.throwIfAborted();
      await this.runFault(fault);
    }
    const faultsMs = Math.round(performance.now() - this.#started) - quorumMs;
    this.record({ ev: 'shutdown' });
    const final = await this.finish();
    const history = mergeHistory(this.entries);
    const result = checkHistory(history, final, { sessionTimeoutMs: this.T, livenessBoundMs: this.bound });
    const durationMs = Math.round(performance.now() - this.#started);
    const extra = [
      `${schedule.length} faults, ${this.slots.length} candidates (${this.slots.filter((s) => s.kind === 'run').length} of them zk-elect run), session timeout ${this.T} ms, liveness bound ${this.T} + ${this.bound} ms`,
      `${durationMs} ms: quorum start ${quorumMs}, candidates and faults ${faultsMs}, shutdown and final read ${durationMs - quorumMs - faultsMs}`,
    ];
    if (unsupported.length > 0) extra.push(`not supported by this harness (left out): ${unsupported.join(', ')}`);
    const writes = history.filter((e) => e.ev === 'write' && e.phase === 'ok').length;
    extra.push(`${writes} writes acknowledged, ${final.records.length} records in the log`);
    const text = formatReport(this.o.seed, history, result, extra);
    return { seed: this.o.seed, sessionTimeoutMs: this.T, livenessBoundMs: this.bound, durationMs, schedule, unsupported, history, final, result, text, ok: result.violations.length === 0 };
  }

  /** Creates the log's parent through a direct session (not through any fault proxy). */
  async prepare(): Promise<void> {
    const zk = await ZooKeeper.connect((this.cluster as TestingCluster).connectString);
    try {
      for (const p of ['/chaos', LOG]) await zk.create(p).catch((e: { code?: number }) => (e.code === -110 ? undefined : Promise.reject(e)));
    } finally {
      await zk.close();
    }
  }

  record(e: Omit<RunnerEntry, 't' | 'who'>): void {
    this.entries.push({ t: now(), who: 'runner', ...e });
    this.#changed.emit('change');
  }

  /** Resolves true once `cond` holds (checked at every new history entry), false after `ms`. */
  waitFor(cond: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => cond() && (done(), resolve(true));
      const timer = setTimeout(() => (done(), resolve(false)), ms);
      const done = () => (clearTimeout(timer), this.#changed.off('change', check));
      this.#changed.on('change', check);
      check();
    });
  }

  /**
   * Waits until the quorum serves, one candidate leads and has had a write acknowledged since
   * `since` (a thawed leader's belief alone is not leadership: see checkLeadership), and every
   * live one leads or follows.
   */
  async settle(ms: number, since = 0n): Promise<boolean> {
    const cluster = this.cluster as TestingCluster;
    const ok = await cluster.waitForQuorum(ms).then(() => true, () => false);
    return (
      ok &&
      this.waitFor(() => {
        const live = this.slots.filter((s) => s.live);
        const leaders = live.filter((s) => LEADING.has(s.role));
        return leaders.length === 1 && (leaders[0] as CandidateSlot).lastOk > since && live.every((s) => SETTLED_ROLES.has(s.role));
      }, ms)
    );
  }

  async runFault(f: ScheduledFault): Promise<void> {
    this.record({ ev: 'fault', fault: f.index, kind: f.kind, phase: 'begin', detail: f.steps.map((s) => s.kind).join('+') });
    const busy = new Set<string>();
    await Promise.all(f.steps.map((s, i) => this.runStep(f, i, s, busy)));
    this.record({ ev: 'fault', fault: f.index, kind: f.kind, phase: 'healed' });
    const settled = await this.settle(4 * this.T + 20_000, now());
    this.record({ ev: 'fault', fault: f.index, kind: f.kind, phase: 'settled', ...(settled ? {} : { detail: 'gave up waiting' }) });
    const leader = this.slots.find((s) => LEADING.has(s.role))?.who ?? 'none';
    this.o.onProgress?.(`fault ${f.index + 1}/${this.o.faults} ${f.kind}${f.kind === 'overlap' ? ` (${f.steps.map((s) => s.kind).join('+')})` : ''}: ${settled ? 'settled' : 'NOT settled'}, leader ${leader}`);
  }

  /** Picks the step's candidate: the leader (or the named one) unless busy, dead or frozen; else another. */
  pick(step: FaultStep, busy: Set<string>): CandidateSlot | undefined {
    const free = this.slots.filter((s) => !busy.has(s.who) && s.live && !s.frozen);
    const wanted = step.candidate === 'leader' ? free.find((s) => LEADING.has(s.role)) : this.slots[step.candidate ?? 0];
    const slot = wanted && free.includes(wanted) ? wanted : free.length > 0 ? this.#rng.pick(free) : undefined;
    if (slot) busy.add(slot.who);
    return slot;
  }

  async runStep(f: ScheduledFault, i: number, step: FaultStep, busy: Set<string>): Promise<void> {
    await this.sleep(step.offsetMs);
    const stamp = (phase: 'inject' | 'heal', extra: Partial<RunnerEntry> = {}) => this.record({ ev: 'fault', fault: f.index, kind: step.kind, phase, detail: `step ${i}`, ...extra });
    const cluster = this.cluster as TestingCluster;
    const net = this.net as ChaosNetwork;
    if (step.candidate !== undefined) {
      const slot = this.pick(step, busy);
      if (!slot) return;
      stamp('inject', { target: slot.who, pid: slot.child?.pid });
      await this.candidateFault(step, slot, net);
      stamp('heal', { target: slot.who });
      return;
    }
    let ids = step.servers ?? [];
    if (step.kind === 'leader-kill') ids = [(await cluster.leaderId()) ?? 1];
    stamp('inject', { detail: `step ${i} servers ${ids.join(',')}` });
    try {
      if (step.kind === 'isolate-one' || step.kind === 'isolate-two') {
        await net.isolate(ids);
        await this.sleep(step.holdMs);
        await net.healPeers();
        await cluster.waitForQuorum();
      } else {
        await cluster.kill(ids[0] as number);
        await this.sleep(step.holdMs);
        await cluster.restart(ids[0] as number);
        const pid = cluster.servers.find((s) => s.id === ids[0])?.pid;
        if (pid) this.pids.add(pid);
      }
      stamp('heal');
    } catch (err) {
      this.o.signal?.throwIfAborted();
      stamp('heal', { detail: `step ${i} failed: ${(err as Error).message.split('\n')[0]}` });
    }
  }

  async candidateFault(step: FaultStep, slot: CandidateSlot, net: ChaosNetwork): Promise<void> {
    switch (step.kind) {
      case 'kill-candidate':
        await slot.kill();
        await this.sleep(step.holdMs);
        slot.spawn(net.connectString(slot.who));
        return;
      case 'pause-short':
      case 'pause-long':
        await slot.freeze();
        await this.sleep(step.holdMs);
        slot.thaw();
        return;
      case 'cut-all':
      case 'cut-one':
        net.cut(slot.who, step.kind === 'cut-all' ? 'all' : (step.servers ?? []));
        break;
      case 'latency':
        net.delay(slot.who, step.param ?? 50);
        break;
      case 'stall':
        net.stall(slot.who, step.param ?? step.holdMs);
        break;
      default:
        return;
    }
    await this.sleep(step.holdMs);
    await net.heal(slot.who);
  }

  sleep(ms: number): Promise<void> {
    const signal = this.o.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => (clearTimeout(timer), reject(signal?.reason));
      const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Closes every candidate gracefully, reads the final state, then stops everything. */
  async finish(): Promise<FinalState> {
    await this.stopCandidates();
    const { records, candidateNodes } = await this.readFinal();
    await this.cleanup();
    const leftoverPids = [...this.pids].filter(isAlive);
    const dir = this.cluster?.tempDir;
    return { records, candidateNodes, leftoverPids, leftoverDirs: dir && existsSync(dir) ? [dir] : [] };
  }

  async stopCandidates(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.stop()));
  }

  async readFinal(): Promise<{ records: FinalRecord[]; candidateNodes: string[] }> {
    const zk = await ZooKeeper.connect((this.cluster as TestingCluster).connectString, { sessionTimeout: 10_000 });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const candidateNodes = await zk.getChildren(PARENT).catch((e: { code?: number }) => (e.code === -101 ? [] : Promise.reject(e)));
          const names = (await zk.getChildren(LOG)).sort();
          const records: FinalRecord[] = [];
          for (let i = 0; i < names.length; i += 500) {
            const chunk = await Promise.all(names.slice(i, i + 500).map(async (name) => ({ name, data: (await zk.getData(`${LOG}/${name}`)).data })));
            for (const { name, data } of chunk) {
              const r = JSON.parse(data?.toString() ?? '{}') as Omit<FinalRecord, 'path' | 'seq'>;
              records.push({ ...r, path: `${LOG}/${name}`, seq: Number(name.slice(name.lastIndexOf('-') + 1)) });
            }
          }
          return { records, candidateNodes };
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } finally {
      await zk.close();
    }
  }

  /** Stops candidates, proxies and the quorum. Idempotent; never throws. */
  cleanup(): Promise<void> {
    this.#cleaned ??= (async () => {
      await this.stopCandidates().catch(() => undefined);
      await this.net?.close();
      await this.cluster?.stop().catch(() => undefined);
    })();
    return this.#cleaned;
  }
}
