/**
 * The flat service registry: workers register their address as an EPHEMERAL_SEQUENTIAL
 * `n_<seq>` node under `/service_registry`; discovery keeps a cache of every registered address
 * current through a child watch. (Named services in Curator's x-discovery format are
 * `ServiceDiscovery`'s.)
 * @module
 */
import { EventEmitter } from 'node:events';
import { validatePath, type ACL } from '../client/index.js';
import { emitBackgroundError } from './errors.js';
import type { SessionKeeper } from './session-keeper.js';
import { createOwnNode, deleteOwnNode } from './own-node.js';
import { KeptNode } from './kept-node.js';
import { ChildrenCache, type CachedChild } from './children-cache.js';
import { abortable, Lifecycle } from './lifecycle.js';

import { DEFAULT_REGISTRY, WORKER_PREFIX as PREFIX } from './defaults.js';

/** Events of a {@link AddressRegistry}. */
export interface AddressRegistryEvents {
  /** The address is registered as `node` (again after a new session or a deleted node). */
  registered: [node: string];
  /** A (re-)registration attempt failed; it is retried on the next reconnect. */
  error: [error: unknown];
}

/**
 * Registers this process's address in the registry and keeps it registered: across reconnects
 * (the ephemeral node survives), after session expiry (re-created on the new session), and
 * after the node or the parent is deleted (a watch on the node re-creates it at once; a failed
 * attempt is retried on the next reconnect).
 */
export class AddressRegistry extends EventEmitter<AddressRegistryEvents> {
  private kept: KeptNode | undefined;
  private address: string | undefined;
  private readonly life = new Lifecycle('AddressRegistry');

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: SessionKeeper,
    readonly parent = DEFAULT_REGISTRY,
    private readonly options: { acl?: readonly ACL[] } = {},
  ) {
    super();
    validatePath(parent);
  }

  /** The registered node name, if registered. */
  get node(): string | undefined {
    return this.kept?.node?.name;
  }

  /**
   * Registers `address` (e.g. `http://10.0.0.5:8080`). Replaces a previous registration of
   * this registry. Blocks until the node exists; aborting `signal` first unregisters.
   * @throws TypeError for a missing address; Error after close; ZooKeeperError when the session ends; the abort reason.
   */
  async register(address: string, signal?: AbortSignal): Promise<string> {
    if (typeof address !== 'string' || address === '') throw new TypeError('register(address): address must be a non-empty string');
    if (this.life.closed) throw new Error(`AddressRegistry of ${this.parent} was closed`);
    if (this.kept && this.address !== address) await this.unregister();
    this.address = address;
    this.kept ??= new KeptNode(this.session, {
      create: (zk) => createOwnNode(zk, this.parent, PREFIX, address, this.options),
      remove: (node) => deleteOwnNode(this.session.client, node),
      onKept: (node) => this.emit('registered', node.name),
      onError: (e) => emitBackgroundError(this, e, 'registry'),
    });
    const kept = this.kept;
    return abortable(signal, async () => (await kept.keep()).name, () => this.unregister().catch(() => undefined));
  }

  /** Removes the registration (retrying through blips). Idempotent. */
  async unregister(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    this.address = undefined;
    await kept?.close();
  }

  /** Unregisters and stops following the session. Idempotent. @throws ZooKeeperError if the delete fails for good. */
  close(): Promise<void> {
    return this.life.close(() => this.unregister());
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Events of a {@link AddressDiscovery}. */
export interface AddressDiscoveryEvents {
  /** The set of registered addresses changed. */
  change: [addresses: string[]];
  /** A refresh failed; it is retried on the next event or reconnect. */
  error: [error: unknown];
}

/**
 * Keeps the list of registered addresses current from a {@link ChildrenCache} of the registry
 * parent: re-read after every change, reconnect and new session, and through the parent's
 * deletion and re-creation. It can be stopped and started again (a leader that loses its
 * leadership stops watching its workers).
 */
export class AddressDiscovery extends EventEmitter<AddressDiscoveryEvents> {
  #cache: ChildrenCache | undefined;
  #addresses: string[] = [];
  #closed = false;

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: SessionKeeper,
    readonly parent = DEFAULT_REGISTRY,
  ) {
    super();
    validatePath(parent);
  }

  /**
   * Starts watching (again after {@link stop}: a leader that loses its leadership stops
   * watching its workers); resolves after the first read. Aborting `signal` stops it.
   * @throws Error after close; ZooKeeperError on failure; the abort reason.
   */
  async start(signal?: AbortSignal): Promise<string[]> {
    if (this.#closed) throw new Error(`AddressDiscovery of ${this.parent} was closed`);
    await this.#cache?.close();
    const cache = new ChildrenCache(this.session, this.parent);
    this.#cache = cache;
    cache.on('change', (children) => this.#update(children));
    cache.on('error', (e) => emitBackgroundError(this, e, 'discovery'));
    this.#update(await cache.start(signal));
    return this.getAllServiceAddresses();
  }

  /** Every registered address, in registration order (from the cache: no request). */
  getAllServiceAddresses(): string[] {
    return [...this.#addresses];
  }

  /** Re-reads the registry (coalesced: at most one read runs at a time). Never blocks. */
  refresh(): void {
    this.#cache?.refresh();
  }

  #update(children: readonly CachedChild[]): void {
    const next = children.map((c) => c.data?.toString() ?? '');
    if (next.join('\n') === this.#addresses.join('\n')) return;
    this.#addresses = next;
    this.emit('change', this.getAllServiceAddresses());
  }

  /** Stops watching and empties the cache. */
  stop(): void {
    const cache = this.#cache;
    this.#cache = undefined;
    this.#addresses = [];
    void cache?.close();
  }

  /** Stops watching for good. Idempotent; never throws. */
  async close(): Promise<void> {
    this.#closed = true;
    this.stop();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
