/**
 * Service registry and discovery, the design's next step: workers register their address as
 * an EPHEMERAL_SEQUENTIAL `n_<seq>` node under `/service_registry`; discovery keeps a cache of
 * every registered address current through a child watch.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, EventType, KeeperState } from '../protocol/constants.js';
import type { ZooKeeperError } from '../client/errors.js';
import { validatePath } from '../client/path.js';
import { reportError } from './errors.js';
import type { ManagedSession } from './managed-session.js';
import { createOwnNode, deleteOwnNode, type OwnNode } from './own-node.js';
import { Coalescer, onResync } from './resync.js';
import { join } from './sequence.js';

/** Default registry parent, as in the design. */
export const DEFAULT_REGISTRY = '/service_registry';
const PREFIX = 'n_';
const code = (e: unknown) => (e as ZooKeeperError)?.code;

/** Events of a {@link ServiceRegistry}. */
export interface ServiceRegistryEvents {
  /** The address is registered as `node` (again after a new session or a deleted node). */
  registered: [node: string];
  /** A (re-)registration attempt failed; it is retried on the next reconnect. */
  error: [error: unknown];
}

/**
 * Registers this process's address in the registry and keeps it registered: across reconnects
 * (the ephemeral node survives), after session expiry (re-created on the new session), and
 * after the node or the parent is deleted (re-created on the next reconnect or `refresh()`).
 */
export class ServiceRegistry extends EventEmitter<ServiceRegistryEvents> {
  private own: OwnNode | undefined;
  private address: string | undefined;
  private gen = 0;
  private readonly unsubscribe: () => void;

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: ManagedSession,
    readonly parent = DEFAULT_REGISTRY,
  ) {
    super();
    validatePath(parent);
    const onState = (s: KeeperState) => s === KeeperState.SyncConnected && this.address !== undefined && void this.ensure().catch((e) => reportError(this, e, 'registry'));
    session.on('state', onState);
    this.unsubscribe = () => session.off('state', onState);
  }

  /** The registered node name, if registered. */
  get node(): string | undefined {
    return this.own?.name;
  }

  /**
   * Registers `address` (e.g. `http://10.0.0.5:8080`). Replaces a previous registration of
   * this registry. Blocks until the node exists. @throws ZooKeeperError when the session ends.
   */
  async register(address: string): Promise<string> {
    if (typeof address !== 'string' || address === '') throw new TypeError('register(address): address must be a non-empty string');
    if (this.own && this.address !== address) await this.unregister();
    this.address = address;
    return this.ensure();
  }

  /**
   * Creates the node if this session has none (or it was deleted), and watches it, so that a
   * registration deleted by anyone (an operator, a parent removal) is re-created at once.
   */
  private async ensure(): Promise<string> {
    const gen = this.gen;
    const zk = this.session.client;
    if (this.own && this.own.sessionId === zk.sessionId && (await zk.exists(this.own.path, this.watchOwn(gen)))) return this.own.name;
    const node = await createOwnNode(zk, this.parent, PREFIX, this.address!);
    if (gen !== this.gen || this.address === undefined) {
      await deleteOwnNode(zk, node); // unregistered meanwhile: leave nothing behind
      return node.name;
    }
    this.own = node;
    if (!(await zk.exists(node.path, this.watchOwn(gen)))) return this.ensure();
    this.emit('registered', node.name);
    return node.name;
  }

  private watchOwn(gen: number) {
    return (ev: { type: EventType }) => {
      if (ev.type === EventType.NodeDeleted && gen === this.gen && this.address !== undefined) {
        void this.ensure().catch((e) => reportError(this, e, 'registry'));
      }
    };
  }

  /** Removes the registration (retrying through blips). Idempotent. */
  async unregister(): Promise<void> {
    this.gen++;
    this.address = undefined;
    const own = this.own;
    this.own = undefined;
    if (own) await deleteOwnNode(this.session.client, own);
  }

  /** Unregisters and stops following the session. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.unregister();
  }
}

/** Events of a {@link ServiceDiscovery}. */
export interface ServiceDiscoveryEvents {
  /** The set of registered addresses changed. */
  change: [addresses: string[]];
  /** A refresh failed; it is retried on the next event or reconnect. */
  error: [error: unknown];
}

/**
 * Keeps the list of registered addresses current with a child watch on the registry parent,
 * re-reading after reconnects, new sessions, and the parent's deletion and re-creation.
 */
export class ServiceDiscovery extends EventEmitter<ServiceDiscoveryEvents> {
  private readonly cache = new Map<string, string>();
  private gen = 0;
  private started = false;
  private readonly reads = new Coalescer(() => this.read(this.gen), (e) => reportError(this, e, 'discovery'), () => this.started);
  private readonly unsubscribe: () => void;

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: ManagedSession,
    readonly parent = DEFAULT_REGISTRY,
  ) {
    super();
    validatePath(parent);
    this.unsubscribe = onResync(session, () => this.refresh());
  }

  /** Starts watching; resolves after the first read. @throws ZooKeeperError on failure. */
  async start(): Promise<string[]> {
    this.started = true;
    await this.read(this.gen);
    return this.getAllServiceAddresses();
  }

  /** Every registered address, in registration order (from the cache: no request). */
  getAllServiceAddresses(): string[] {
    return [...this.cache.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, addr]) => addr);
  }

  /** Re-reads the registry (coalesced: at most one read runs at a time). Never blocks. */
  refresh(): void {
    this.reads.request();
  }

  private async read(gen: number): Promise<void> {
    const zk = this.session.client;
    const onEvent = (ev: { type: EventType }) => gen === this.gen && ev.type !== EventType.None && this.refresh();
    let names: string[];
    try {
      names = await zk.getChildren(this.parent, onEvent);
    } catch (e) {
      if (code(e) !== ErrorCode.NONODE) throw e;
      // No registry yet (or it was deleted): wait for it to be created.
      if (await zk.exists(this.parent, onEvent)) return this.read(gen);
      names = [];
    }
    const fresh = names.filter((n) => !this.cache.has(n));
    const datas = await Promise.all(fresh.map((n) => zk.getData(join(this.parent, n)).then((r) => r.data?.toString() ?? '', () => undefined)));
    if (gen !== this.gen) return;
    const before = this.getAllServiceAddresses().join('\n');
    const keep = new Set(names);
    for (const n of [...this.cache.keys()]) if (!keep.has(n)) this.cache.delete(n);
    fresh.forEach((n, i) => datas[i] !== undefined && this.cache.set(n, datas[i]!));
    const after = this.getAllServiceAddresses();
    if (after.join('\n') !== before) this.emit('change', after);
  }

  /** Stops watching and empties the cache. */
  stop(): void {
    this.started = false;
    this.gen++;
    this.cache.clear();
  }

  /** Stops watching for good. */
  close(): void {
    this.stop();
    this.unsubscribe();
  }
}
