/**
 * The election chain and the service registry of any ensemble, read from outside: who leads,
 * who watches whom, each candidate's session and data, and node → address. Shared by
 * `zk-elect status` (once) and `zk-elect watch` (live).
 * @module
 */
import { EventEmitter } from 'node:events';
import { ChildrenCache } from '../recipes/children-cache.js';
import type { SessionKeeper } from '../recipes/session-keeper.js';
import { CANDIDATES, DEFAULT_ELECTION, DEFAULT_REGISTRY, WORKERS } from '../recipes/defaults.js';
import { participantsOf, type Participant } from '../recipes/participants.js';
import { emitBackgroundError } from '../recipes/errors.js';
import { parseRunCandidate } from '../process/run-candidate.js';
import { connectFlags, pathOption } from './args.js';
import { sessionIdHex, type ZooKeeperOptions } from '../client/index.js';

/** One registered worker. */
export interface RegistryEntry {
  node: string;
  address: string;
  sessionId: bigint;
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
  candidates: Participant[];
  registry: RegistryEntry[];
}

/** Both parents' caches: candidates `c_*` (data watched: a `run` candidate shows its command's state there) and workers `n_*`, each in sequence order. */
function caches(session: SessionKeeper, electionPath: string, registryPath: string): [ChildrenCache, ChildrenCache] {
  return [new ChildrenCache(session, electionPath, { ...CANDIDATES, watchData: true }), new ChildrenCache(session, registryPath, WORKERS)];
}

/** The view of two caches' current snapshots. Never throws. */
function chainView(election: ChildrenCache, registry: ChildrenCache): ChainView {
  const candidates = participantsOf(election.children);
  const bySession = new Map(candidates.map((c) => [c.sessionId, c.node]));
  return {
    electionPath: election.parent,
    registryPath: registry.parent,
    electionExists: election.parentExists,
    registryExists: registry.parentExists,
    leader: candidates[0]?.node,
    candidates,
    registry: registry.children.map((w) => ({ node: w.name, address: text(w.data), sessionId: w.owner, candidate: bySession.get(w.owner) })),
  };
}

const text = (data: Buffer | null) => data?.toString('utf8') ?? '';

/**
 * A view as the fields of a `--json` line: sessions as `0x` + 16 hex digits, data as UTF-8.
 * Never throws.
 */
export function chainJson(view: ChainView): Record<string, unknown> {
  return {
    ...view,
    candidates: view.candidates.map((c) => {
      const run = parseRunCandidate(c.data)?.run;
      return { ...c, sessionId: sessionIdHex(c.sessionId), data: text(c.data), ...(run ? { run } : {}) };
    }),
    registry: view.registry.map((r) => ({ ...r, sessionId: sessionIdHex(r.sessionId) })),
  };
}

/**
 * Reads the chain of `electionPath` (candidates `c_*`) and the registry `registryPath`
 * (workers `n_*`) once. Blocks for two lists plus one read per child.
 * @throws ZooKeeperError (connection loss...).
 */
export async function readChain(session: SessionKeeper, electionPath: string, registryPath: string): Promise<ChainView> {
  const watcher = new ChainWatcher(session, electionPath, registryPath);
  try {
    return await watcher.start();
  } finally {
    await watcher.close();
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => r[col].length))) ?? [];
  return rows.map((r) => '  ' + r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
}

/** A candidate's data for a person: a `run` candidate's address and command state, else the text. */
function describeData(data: Buffer | null): string {
  const candidate = parseRunCandidate(data);
  if (!candidate) return data?.length ? `data ${text(data)}` : '(no data)';
  const { command, child, pid } = candidate.run;
  return `data ${candidate.address} · run ${command.join(' ')}: ${child}${pid !== undefined ? ` (pid ${pid})` : ''}`;
}

/** Formats a view for a person: the chain in order, then the registry. Never throws. */
export function formatChain(view: ChainView): string {
  const lines: string[] = [];
  const n = view.candidates.length;
  lines.push(`Election ${view.electionPath}: ${n === 0 ? 'no candidates' : `${n} candidate${n === 1 ? '' : 's'}, leader ${view.leader}`}${view.electionExists ? '' : ' (the znode does not exist yet)'}`);
  lines.push(...table(view.candidates.map((c) => [c.node, c.isLeader ? 'LEADER' : `watches ${c.watching}`, `session ${sessionIdHex(c.sessionId)}`, describeData(c.data)])));
  const w = view.registry.length;
  lines.push(`Service registry ${view.registryPath}: ${w === 0 ? 'no registered workers' : `${w} worker${w === 1 ? '' : 's'}`}${view.registryExists ? '' : ' (the znode does not exist yet)'}`);
  lines.push(...table(view.registry.map((r) => [r.node, r.address || '(no address)', `session ${sessionIdHex(r.sessionId)}`, r.candidate ? `candidate ${r.candidate}` : ''])));
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
 * Keeps a {@link ChainView} current from a {@link ChildrenCache} of each parent: re-read on
 * every change, after reconnects and after a new session, reads coalesced.
 */
export class ChainWatcher extends EventEmitter<ChainWatcherEvents> {
  readonly #caches: [ChildrenCache, ChildrenCache];
  #started = false;

  /** Does nothing until {@link ChainWatcher.start}. */
  constructor(session: SessionKeeper, electionPath: string, registryPath: string) {
    super();
    this.#caches = caches(session, electionPath, registryPath);
    for (const cache of this.#caches) {
      // During start one cache may be read before the other: start emits the first whole view.
      cache.on('change', () => this.#started && this.emit('view', this.#view()));
      cache.on('error', (e) => emitBackgroundError(this, e, 'status'));
    }
  }

  /** Reads both parents and emits the first view; resolves with it. @throws ZooKeeperError. */
  async start(): Promise<ChainView> {
    try {
      await Promise.all(this.#caches.map((c) => c.start()));
    } finally {
      this.#started = true;
    }
    const view = this.#view();
    this.emit('view', view);
    return view;
  }

  #view(): ChainView {
    return chainView(...this.#caches);
  }

  /** Stops following: no more events. Idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.#caches.map((c) => c.close()));
  }
}

/** What `status` and `watch` need from their flags. */
export interface ChainFlags {
  connectString: string;
  electionPath: string;
  registryPath: string;
  connectTimeout: number;
  /** The client options of the common flags (timeout, TLS, credentials). */
  client: ZooKeeperOptions;
}

/**
 * Resolves the flags shared by `status` and `watch` (connect string, both parents, connect
 * timeout). @throws the usage error of an invalid value (exit code 2).
 */
export function chainFlags(values: Record<string, unknown>): ChainFlags {
  const { connectString, connectTimeout, client } = connectFlags(values);
  return {
    connectString,
    client,
    electionPath: pathOption(values['election-path'] as string | undefined, 'election-path', DEFAULT_ELECTION),
    registryPath: pathOption(values['registry-path'] as string | undefined, 'registry-path', DEFAULT_REGISTRY),
    connectTimeout,
  };
}

/** parseArgs option specs of the two parents (for `status` and `watch`). */
export const CHAIN_OPTIONS = {
  'election-path': { type: 'string' },
  'registry-path': { type: 'string' },
} as const;

/** Help lines describing {@link CHAIN_OPTIONS}. */
export const CHAIN_HELP = `      --election-path <p>   election parent znode (default ${DEFAULT_ELECTION})
      --registry-path <p>   service registry parent znode (default ${DEFAULT_REGISTRY})`;
