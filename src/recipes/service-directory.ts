/**
 * Every named service under a base path and its instances, read from outside: what
 * `zk-elect services`, `zk-elect status` and the dashboard show. One {@link ServiceCache} per
 * service, and (live) a {@link ChildrenCache} of the base path to learn of services that come
 * and go.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ChildrenCache } from './children-cache.js';
import { emitBackgroundError, isTransient } from './errors.js';
import type { SessionKeeper } from './session-keeper.js';
import { join } from './sequence.js';
import { buildUri, type ServiceInstance } from './discovery/instance.js';
import type { ServiceCache } from './discovery/service-cache.js';
import { ServiceDiscovery } from './discovery/service-discovery.js';

/** One instance and the session that owns its znode. */
export interface DirectoryInstance {
  instance: ServiceInstance;
  /**
   * The ephemeral owner of `<basePath>/<name>/<id>`: 0n for a persistent (STATIC, PERMANENT)
   * instance; undefined when no znode has that name (a DYNAMIC_SEQUENTIAL instance's znode
   * carries a suffix) or it could not be read.
   */
  owner?: bigint;
}

/** One service and its instances, by id. */
export interface DirectoryService {
  name: string;
  instances: DirectoryInstance[];
}

/** A snapshot of every service under a base path, by name. */
export interface DirectoryView {
  basePath: string;
  services: DirectoryService[];
}

/** Events of a {@link ServiceDirectory}. */
export interface ServiceDirectoryEvents {
  /** A fresh view after any change (also the first one). */
  view: [view: DirectoryView];
  /** A read failed for another reason than a connection problem (or an instance was malformed). */
  error: [error: unknown];
}

/** The instance's URI from its uriSpec; undefined without one (or when it cannot be built). Never throws. */
export function uriOf(instance: ServiceInstance): string | undefined {
  if (!instance.uriSpec) return undefined;
  try {
    return buildUri(instance);
  } catch {
    return undefined;
  }
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Reads every service under `basePath` once: `queryForNames`, then one {@link ServiceCache}
 * per service, started and closed. Blocks for one listing per service plus one read per
 * instance. @throws ZooKeeperError (connection loss...).
 */
export async function readDirectory(session: SessionKeeper, basePath?: string): Promise<DirectoryView> {
  const discovery = new ServiceDiscovery(session, { basePath });
  const owners = new OwnerReader(session, discovery.basePath);
  const names = await discovery.queryForNames();
  const services = await Promise.all(
    names.map(async (name) => {
      const cache = discovery.serviceCache(name);
      try {
        return { name, instances: await owners.of(name, await cache.start()) };
      } finally {
        await cache.close();
      }
    }),
  );
  return { basePath: discovery.basePath, services: services.sort(byName) };
}

/**
 * Keeps a {@link DirectoryView} current: a {@link ChildrenCache} of the base path for the
 * service names, and one {@link ServiceCache} per service, opened and closed as services
 * come and go. Each change wakes it: keep directories few on a busy fleet.
 */
export class ServiceDirectory extends EventEmitter<ServiceDirectoryEvents> {
  readonly basePath: string;
  readonly #discovery: ServiceDiscovery;
  readonly #names: ChildrenCache;
  readonly #caches = new Map<string, ServiceCache>();
  /** Each cache's first read, so that a view waits for every service listed, not only the new ones. */
  readonly #opened = new Map<string, Promise<void>>();
  /** Each service's instances with owners, as last read (a cache's change is read asynchronously). */
  readonly #services = new Map<string, DirectoryInstance[]>();
  readonly #owners: OwnerReader;
  #started = false;
  #closed = false;

  /** Does nothing until {@link ServiceDirectory.start}. @throws BadArgumentsError for an invalid base path. */
  constructor(session: SessionKeeper, basePath?: string) {
    super();
    this.#discovery = new ServiceDiscovery(session, { basePath });
    this.basePath = this.#discovery.basePath;
    this.#owners = new OwnerReader(session, this.basePath);
    this.#names = new ChildrenCache(session, this.basePath);
    this.#names.on('change', (children) => this.#sync(children.map((c) => c.name)).catch((e) => emitBackgroundError(this, e, 'service directory')));
    this.#names.on('error', (e) => emitBackgroundError(this, e, 'service directory'));
  }

  /** Reads the names and every service, emits the first view and resolves with it. @throws ZooKeeperError. */
  async start(): Promise<DirectoryView> {
    try {
      await this.#names.start();
      await this.#sync(this.#names.children.map((c) => c.name));
    } finally {
      this.#started = true;
    }
    const view = this.view;
    this.emit('view', view);
    return view;
  }

  /** The view as last read (empty before start). */
  get view(): DirectoryView {
    const services = [...this.#services].map(([name, instances]) => ({ name, instances }));
    return { basePath: this.basePath, services: services.sort(byName) };
  }

  /** Opens a cache for each new name and closes those of names gone; resolves once the new ones are read. */
  async #sync(names: string[]): Promise<void> {
    if (this.#closed) return;
    const keep = new Set(names);
    for (const name of [...this.#opened.keys()]) {
      if (keep.has(name)) continue;
      void this.#caches.get(name)?.close();
      this.#caches.delete(name);
      this.#opened.delete(name);
      this.#services.delete(name);
    }
    // Each name is opened once while listed, even if opening it failed (reported once).
    for (const name of names) if (!this.#opened.has(name)) this.#opened.set(name, this.#open(name));
    await Promise.all(names.map((name) => this.#opened.get(name)));
    this.#changed();
  }

  /** Opens the cache of service `name` and reads it. Never rejects: failures are `error` events. */
  async #open(name: string): Promise<void> {
    let cache: ServiceCache;
    try {
      cache = this.#discovery.serviceCache(name);
    } catch (err) {
      // A child that is no valid service name (another tool's node): reported, not followed.
      return void emitBackgroundError(this, err, 'service directory');
    }
    this.#caches.set(name, cache);
    const update = async (instances: readonly ServiceInstance[]) => {
      const withOwners = await this.#owners.of(name, instances);
      // A service gone (or the directory closed) while its owners were read stays gone.
      if (this.#caches.get(name) !== cache) return;
      this.#services.set(name, withOwners);
      this.#changed();
    };
    cache.on('change', (instances) => void update(instances));
    cache.on('error', (e) => emitBackgroundError(this, e, `service cache of ${name}`));
    try {
      const instances = await cache.start();
      this.#services.set(name, await this.#owners.of(name, instances));
    } catch (err) {
      // A service deleted between the listing and its read is no error: the next listing drops it.
      if (!isTransient(err)) emitBackgroundError(this, err, `service cache of ${name}`);
    }
  }

  #changed(): void {
    if (this.#started && !this.#closed) this.emit('view', this.view);
  }

  /** Stops following: no more events. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const caches = [...this.#caches.values()];
    this.#caches.clear();
    await Promise.all([this.#names.close(), ...caches.map((c) => c.close())]);
  }
}

/**
 * Reads the owner session of instances' znodes, once per znode (an instance's znode keeps its
 * owner for life), so a change costs one `exists` per new instance only.
 */
class OwnerReader {
  readonly #known = new Map<string, bigint | undefined>();

  constructor(
    private readonly session: SessionKeeper,
    private readonly basePath: string,
  ) {}

  /** The instances by id, each with its owner. Never throws: an unreadable owner is undefined. */
  async of(name: string, instances: readonly ServiceInstance[]): Promise<DirectoryInstance[]> {
    const parent = join(this.basePath, name);
    const paths = new Set(instances.map((i) => join(parent, i.id)));
    // Forget the instances gone, so that one re-created under the same id is read afresh.
    for (const path of this.#known.keys()) if (path.startsWith(parent + '/') && !paths.has(path)) this.#known.delete(path);
    const sorted = [...instances].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return Promise.all(sorted.map(async (instance) => ({ instance, owner: await this.#owner(join(parent, instance.id)) })));
  }

  async #owner(path: string): Promise<bigint | undefined> {
    if (this.#known.has(path)) return this.#known.get(path);
    const owner = await this.session.client.exists(path).then((stat) => stat?.ephemeralOwner, () => undefined);
    if (owner !== undefined) this.#known.set(path, owner);
    return owner;
  }
}
