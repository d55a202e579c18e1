/**
 * `crash`: real `zk-elect node` processes (the CLI: `node dist/src/cli/main.js node --json`), the
 * leader first in line. Each round SIGKILLs the leader process and times from the kill to the
 * `elected` JSON line of its successor (the line's own `time`, ms since the epoch), against the
 * session timeout the server granted (the `connected` line's `sessionTimeout`). ZooKeeper can
 * only delete the dead leader's node when its session expires, which the server checks once per
 * tick: the target is negotiated timeout + one tickTime + 50 ms. A new node joins at the back
 * after each round, so the line stays `processes` long.
 * @module
 */
import path from 'node:path';
import { ZooKeeper } from 'zk-elect';
import { SupervisedChild, type NodeEvent, type NodeEventOf } from 'zk-elect/testing';
import type { CrashResult } from '../lib/types.js';
import { round, roundSummary, summarize } from '../lib/stats.js';
import { DIST_ROOT, benchPath, log, removeTree, withTimeout } from '../lib/util.js';

/** Parameters of the crash scenario. */
export interface CrashParams {
  connectString: string;
  tickTime: number;
  rounds: number;
  /** Requested session timeout of the nodes, ms (the server clamps it to 2–20 ticks). */
  sessionTimeout: number;
  /** Node processes in line (leader included). */
  processes: number;
}

/** One `zk-elect node --json` child and its event lines. */
class NodeProcess {
  constructor(readonly child: SupervisedChild<NodeEvent>) {}

  static start(p: CrashParams, electionPath: string, registryPath: string, id: string): NodeProcess {
    const main = path.join(DIST_ROOT, 'src', 'cli', 'main.js');
    const args = [main, 'node', '--zookeeper', p.connectString, '--json', '--port', '0', '--session-timeout', String(p.sessionTimeout), '--election-path', electionPath, '--registry-path', registryPath, '--id', id];
    return new NodeProcess(new SupervisedChild<NodeEvent>(process.execPath, args));
  }

  get events(): NodeEvent[] {
    return this.child.events;
  }

  get exited(): Promise<unknown> {
    return this.child.exited;
  }

  /** The first event named `name` (past or future, from index `after` on). */
  next<E extends NodeEvent['event']>(name: E, after = 0): Promise<NodeEventOf<E>> {
    return this.child.next((e): e is NodeEventOf<E> => e.event === name, { from: after }) as Promise<NodeEventOf<E>>;
  }
}

/**
 * Runs the crash scenario with real `zk-elect node` processes. Blocks for every round (each
 * about one session timeout). @throws Error when a node does not connect or join within 30 s,
 * the first node is not the leader, or no new leader comes in time.
 */
export async function crashZkElect(p: CrashParams): Promise<CrashResult> {
  const electionPath = benchPath('crash');
  const registryPath = `${electionPath}-registry`;
  const nodes: NodeProcess[] = [];
  const samples: number[] = [];
  let negotiated = 0;
  let ids = 0;
  const join = async () => {
    const n = NodeProcess.start(p, electionPath, registryPath, `n${ids++}`);
    const connected = await withTimeout(n.next('connected'), 30_000, 'a zk-elect node to connect');
    negotiated = connected.sessionTimeout;
    await withTimeout(Promise.race([n.next('elected'), n.next('following')]), 30_000, 'a zk-elect node to join');
    nodes.push(n);
  };
  try {
    for (let i = 0; i < p.processes; i++) await join();
    for (let r = 0; r < p.rounds; r++) {
      const leader = nodes.shift() as NodeProcess;
      if (!leader.events.some((e) => e.event === 'elected')) throw new Error(`crash round ${r}: the first node is not the leader`);
      const marks = nodes.map((n) => n.events.length);
      const waits = nodes.map((n, i) => n.next('elected', marks[i]));
      // Only one node wins; the others' waits reject when they are stopped later, unobserved.
      for (const w of waits) w.catch(() => undefined);
      const elected = Promise.race(waits);
      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      const ev = await withTimeout(elected, 2 * negotiated + 2 * p.tickTime + 10_000, `a new leader after crash round ${r}`);
      const ms = ev.time - killedAt;
      samples.push(ms);
      log(`crash round ${r + 1}/${p.rounds}: new leader ${ms} ms after SIGKILL (session timeout ${negotiated} ms, tick ${p.tickTime} ms)`);
      await leader.exited;
      await join();
    }
  } finally {
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => withTimeout(n.exited, 10_000, 'a node to exit').catch(() => n.child.kill('SIGKILL'))));
    const admin = await ZooKeeper.connect(p.connectString).catch(() => undefined);
    if (admin) {
      await removeTree(admin, electionPath).catch(() => undefined);
      await removeTree(admin, registryPath).catch(() => undefined);
      await admin.close();
    }
  }
  return {
    scenario: 'crash',
    impl: 'zk-elect node',
    rounds: p.rounds,
    negotiatedSessionTimeoutMs: negotiated,
    tickTime: p.tickTime,
    targetMs: negotiated + p.tickTime + 50,
    latencyMs: roundSummary(summarize(samples)),
    samplesMs: samples.map((v) => round(v, 1)),
  };
}
