/**
 * The election chain and the service registry of any ensemble, read from outside: who leads,
 * who watches whom, each candidate's session and data, and node → address. Shared by
 * `zk-elect status` (once) and `zk-elect watch` (live).
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ZooKeeperError } from '../client/errors.js';
import type { ZooKeeper } from '../client/zookeeper.js';
import type { Watcher } from '../client/watches.js';
import { ErrorCode, EventType } from '../protocol/constants.js';
import type { ManagedSession } from '../recipes/managed-session.js';
import { CANDIDATE_PREFIX } from '../recipes/participants.js';
import { join, sortCandidates } from '../recipes/sequence.js';
import { reportError } from '../recipes/errors.js';
import { Coalescer, onResync } from '../recipes/resync.js';
import { DEFAULT_REGISTRY } from '../recipes/registry.js';
import { intOption, pathOption, resolveConnectString, sessionHex } from './common.js';

/** One candidate of the election, in order. */
export interface ChainCandidate {
  node: string;
  /** The owner session, as `0x` + 16 hex digits. */
  sessionId: string;
  /** The candidate's data as UTF-8 (a `zk-elect node` puts its HTTP address there). */
  data: string;
  leader: boolean;
  /** The predecessor this candidate watches (absent for the leader). */
  watching?: string;
}

/** One registered worker. */
export interface RegistryEntry {
  node: string;
  address: string;
  sessionId: string;
  /** The candidate of the same session, when there is one (the same process). */
  candidate?: string;
}

/** A snapshot of an election parent and a registry parent. */
export interface ChainView {
  electionPath: string;
  registryPath: string;
  /** False when the election parent does not exist (no node ever ran there). */
  electionExists: boolean;
  registryExists: boolean;
  /** The leader's node name, if any candidate exists. */
  leader?: string;
  candidates: ChainCandidate[];
  registry: RegistryEntry[];
}

interface Child {
  node: string;
  data: string;
  sessionId: string;
}

const code = (e: unknown) => (e as ZooKeeperError)?.code;

/**
 * Lists `parent`'s children named `prefix` + sequence, in order, with data and owner session.
 * With `watcher`, leaves a child watch on the parent (or an exists watch when it is missing).
 * Blocks for one list plus one read per child. @throws ZooKeeperError other than NoNode.
 */
async function readChildren(zk: ZooKeeper, parent: string, prefix: string, watcher?: Watcher): Promise<{ exists: boolean; children: Child[] }> {
  let names: string[];
  try {
    names = sortCandidates(await zk.getChildren(parent, watcher), prefix);
  } catch (e) {
    if (code(e) !== ErrorCode.NONODE) throw e;
    // Missing: watch for its creation; if it appeared meanwhile, list it after all.
    if (await zk.exists(parent, watcher)) return readChildren(zk, parent, prefix, watcher);
    return { exists: false, children: [] };
  }
  // A child may go between the list and its read: it is simply left out.
  const reads = await Promise.all(names.map((n) => zk.getData(join(parent, n)).catch(() => null)));
  const children = names.flatMap((node, i) => {
    const r = reads[i];
    return r ? [{ node, data: r.data?.toString('utf8') ?? '', sessionId: sessionHex(r.stat.ephemeralOwner) }] : [];
  });
  return { exists: true, children };
}

/**
 * Reads the chain of `electionPath` (candidates `c_*`) and the registry `registryPath`
 * (workers `n_*`). With `watcher`, leaves child watches on both parents.
 * Blocks for two lists plus one read per child. @throws ZooKeeperError (connection loss...).
 */
export async function readChain(zk: ZooKeeper, electionPath: string, registryPath: string, watcher?: Watcher): Promise<ChainView> {
  const [election, registry] = await Promise.all([readChildren(zk, electionPath, CANDIDATE_PREFIX, watcher), readChildren(zk, registryPath, 'n_', watcher)]);
  const candidates = election.children.map((c, i) => ({ ...c, leader: i === 0, ...(i > 0 ? { watching: election.children[i - 1].node } : {}) }));
  const bySession = new Map(candidates.map((c) => [c.sessionId, c.node]));
  return {
    electionPath,
    registryPath,
    electionExists: election.exists,
    registryExists: registry.exists,
    leader: candidates[0]?.node,
    candidates,
    registry: registry.children.map((w) => ({ node: w.node, address: w.data, sessionId: w.sessionId, candidate: bySession.get(w.sessionId) })),
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => r[col].length))) ?? [];
  return rows.map((r) => '  ' + r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
}

/** Formats a view for a person: the chain in order, then the registry. Never throws. */
export function formatChain(view: ChainView): string {
  const lines: string[] = [];
  const n = view.candidates.length;
  lines.push(`Election ${view.electionPath}: ${n === 0 ? 'no candidates' : `${n} candidate${n === 1 ? '' : 's'}, leader ${view.leader}`}${view.electionExists ? '' : ' (the znode does not exist yet)'}`);
  lines.push(...table(view.candidates.map((c) => [c.node, c.leader ? 'LEADER' : `watches ${c.watching}`, `session ${c.sessionId}`, c.data ? `data ${c.data}` : '(no data)'])));
  const w = view.registry.length;
  lines.push(`Service registry ${view.registryPath}: ${w === 0 ? 'no registered workers' : `${w} worker${w === 1 ? '' : 's'}`}${view.registryExists ? '' : ' (the znode does not exist yet)'}`);
  lines.push(...table(view.registry.map((r) => [r.node, r.address || '(no address)', `session ${r.sessionId}`, r.candidate ? `candidate ${r.candidate}` : ''])));
  return lines.join('\n') + '\n';
}

/** Events of a {@link ChainWatcher}. */
export interface ChainWatcherEvents {
  /** A fresh view after any change (also the first one). */
  view: [view: ChainView];
  /** A read failed for another reason than a connection problem; retried on the next event. */
  error: [error: unknown];
}

/**
 * Keeps a {@link ChainView} current, LeaderObserver-style: child watches on both parents,
 * re-read on every change, after reconnects and after a new session. Each read is one watch
 * event behind at most; reads are coalesced (one at a time, one more if changes came meanwhile).
 */
export class ChainWatcher extends EventEmitter<ChainWatcherEvents> {
  private closed = false;
  private readonly reads = new Coalescer(() => this.read(), (e) => reportError(this, e, 'status'), () => !this.closed);
  private readonly unsubscribe: () => void;
  // One stable function: the client keeps one watch entry per function and path, so re-arming
  // the same watcher on every read never piles up duplicates.
  private readonly onEvent: Watcher = (ev) => ev.type !== EventType.None && this.refresh();

  /** Starts following `session`; call {@link ChainWatcher.refresh} for the first view. */
  constructor(
    private readonly session: ManagedSession,
    private readonly electionPath: string,
    private readonly registryPath: string,
  ) {
    super();
    this.unsubscribe = onResync(session, () => this.refresh());
  }

  /** Schedules a re-read (coalesced). Never blocks. */
  refresh(): void {
    this.reads.request();
  }

  private async read(): Promise<void> {
    const view = await readChain(this.session.client, this.electionPath, this.registryPath, this.onEvent);
    if (!this.closed) this.emit('view', view);
  }

  /** Stops following: no more events (watches already set fire into nothing). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
  }
}

/** What `status` and `watch` need from their flags. */
export interface ChainFlags {
  connectString: string;
  electionPath: string;
  registryPath: string;
  connectTimeout: number;
}

/**
 * Resolves the flags shared by `status` and `watch` (connect string, both parents, connect
 * timeout). @throws the usage error of an invalid value (exit code 2).
 */
export function chainFlags(values: Record<string, unknown>): ChainFlags {
  return {
    connectString: resolveConnectString(values.zookeeper as string | undefined),
    electionPath: pathOption(values['election-path'] as string | undefined, 'election-path', '/election'),
    registryPath: pathOption(values['registry-path'] as string | undefined, 'registry-path', DEFAULT_REGISTRY),
    connectTimeout: intOption(values['connect-timeout'] as string | undefined, 'connect-timeout', 5000, 1),
  };
}

/** parseArgs option specs of the two parents (for `status` and `watch`). */
export const CHAIN_OPTIONS = {
  'election-path': { type: 'string' },
  'registry-path': { type: 'string' },
} as const;

/** Help lines describing {@link CHAIN_OPTIONS}. */
export const CHAIN_HELP = `      --election-path <p>   election parent znode (default /election)
      --registry-path <p>   service registry parent znode (default /service_registry)`;
