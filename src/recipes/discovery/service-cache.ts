/**
 * A live view of one named service's instances, on the shared {@link ChildrenCache} with data
 * watches (an instance's data changes with `updateService`).
 * @module
 */
import { EventEmitter } from 'node:events';
import { validatePath } from '../../client/index.js';
import { ChildrenCache, type CachedChild } from '../children-cache.js';
import { emitBackgroundError } from '../errors.js';
import { abortable, Lifecycle } from '../lifecycle.js';
import { join } from '../sequence.js';
import type { SessionKeeper } from '../session-keeper.js';
import { snapshots } from '../snapshots.js';
import { validateServiceName } from './instance.js';
import { InstanceDecoder } from './malformed.js';
import { DEFAULT_BASE_PATH, type ServiceInstance } from './types.js';

/** What changed between two snapshots of a {@link ServiceCache}, instances told apart by id. */
export interface ServiceCacheChange {
  /** Instances whose id was not there before. */
  added: ServiceInstance[];
  /** Instances (as last seen) whose id is gone. */
  removed: ServiceInstance[];
  /** Instances whose id stayed and whose data changed (e.g. `updateService`), as they are now. */
  updated: ServiceInstance[];
}

/** Events of a {@link ServiceCache}. */
export interface ServiceCacheEvents {
  /** The instances changed: the new snapshot, and what changed. */
  change: [instances: readonly ServiceInstance[], change: ServiceCacheChange];
  /**
   * A read failed (retried on the next event or reconnect), or an instance znode is malformed
   * (an InvalidInstanceError naming its path, once per path; the node is left out).
   */
  error: [error: unknown];
}

/** Options of a {@link ServiceCache}. */
export interface ServiceCacheOptions {
  /** Default {@link DEFAULT_BASE_PATH} (`/services`). */
  basePath?: string;
}

/** What a provider consumes (Curator's InstanceProvider): a {@link ServiceCache} is one. */
export interface InstanceSource {
  readonly instances: readonly ServiceInstance[];
}

interface Seen {
  instance: ServiceInstance;
  data: Buffer | null;
}

/**
 * Keeps the instances of one service current: `<basePath>/<name>`'s children and their data,
 * re-read after each change, reconnect and new session. A missing service reads as no instance
 * and is followed until it appears. Malformed children are skipped and reported once.
 */
export class ServiceCache extends EventEmitter<ServiceCacheEvents> implements InstanceSource {
  /** The service's znode, `<basePath>/<name>`. */
  readonly path: string;
  readonly #cache: ChildrenCache;
  readonly #life: Lifecycle;
  readonly #decoder = new InstanceDecoder((e) => emitBackgroundError(this, e, `service cache of ${this.path}`));
  #seen = new Map<string, Seen>();
  #instances: readonly ServiceInstance[] = [];
  /** Tells iterators the cache closed (kept apart from the public events). */
  readonly #closing = new EventEmitter<{ closed: [] }>();

  /** @throws TypeError for a bad service name; BadArgumentsError for a bad base path. */
  constructor(
    session: SessionKeeper,
    readonly name: string,
    options: ServiceCacheOptions = {},
  ) {
    super();
    validateServiceName(name);
    const basePath = options.basePath ?? DEFAULT_BASE_PATH;
    validatePath(basePath);
    this.path = join(basePath, name);
    this.#life = new Lifecycle(`ServiceCache of ${this.path}`);
    this.#cache = new ChildrenCache(session, this.path, { watchData: true });
    this.#cache.on('change', (children) => this.#update(children));
    this.#cache.on('error', (e) => emitBackgroundError(this, e, `service cache of ${this.path}`));
  }

  /**
   * Starts watching and resolves with the first snapshot. Blocks for one listing plus one read
   * per instance. Call once. Aborting `signal` closes the cache.
   * @throws Error if started twice or after close; ZooKeeperError if the first read fails; the abort reason.
   */
  async start(signal?: AbortSignal): Promise<readonly ServiceInstance[]> {
    this.#life.start();
    await abortable(signal, () => this.#cache.start(), () => this.close());
    return this.#instances;
  }

  /** The instances as last read, in znode-name order (no request). Empty before start and after close. */
  get instances(): readonly ServiceInstance[] {
    return this.#instances;
  }

  #update(children: readonly CachedChild[]): void {
    const next = new Map<string, Seen>();
    for (const child of children) {
      const instance = this.#decoder.decode(child);
      if (instance) next.set(instance.id, { instance, data: child.data });
    }
    this.#decoder.retain(new Set(children.map((c) => c.path)));
    const change = diff(this.#seen, next);
    this.#seen = next;
    if (change.added.length + change.removed.length + change.updated.length === 0) return;
    this.#instances = [...next.values()].map((s) => s.instance);
    this.emit('change', this.#instances, change);
  }

  /**
   * Yields the instances at once and after every change, until the cache closes (or the loop is
   * left). Snapshots that come faster than the consumer reads are collapsed into the newest.
   */
  [Symbol.asyncIterator](): AsyncGenerator<readonly ServiceInstance[]> {
    return snapshots(this, this.#closing, () => this.#instances, () => this.#life.closed);
  }

  /** Stops watching and empties the view. Idempotent; never throws. */
  close(): Promise<void> {
    return this.#life.close(async () => {
      await this.#cache.close();
      this.#seen.clear();
      this.#instances = [];
      this.#closing.emit('closed');
    });
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The instances added, removed and updated from `before` to `after` (both keyed by id). */
function diff(before: ReadonlyMap<string, Seen>, after: ReadonlyMap<string, Seen>): ServiceCacheChange {
  const change: ServiceCacheChange = { added: [], removed: [], updated: [] };
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) change.added.push(now.instance);
    else if (!sameData(was.data, now.data)) change.updated.push(now.instance);
  }
  for (const [id, was] of before) if (!after.has(id)) change.removed.push(was.instance);
  return change;
}

const sameData = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));
