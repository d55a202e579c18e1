/**
 * A live view of one parent's children with their data and owners: the loop every watching
 * recipe needs, written once. kazoo's ChildrenWatch and Curator's CuratorCache are the models.
 *
 * The loop: list the children with a watch (set first, then read, so no change slips between);
 * on a missing parent, watch for its creation instead; read the data of each child not seen
 * before; diff; notify. Watch events, reconnects and replacement sessions all ask for one more
 * read, and reads are coalesced, so a burst of changes costs at most two.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, EventType, errorCode, validatePath, type Stat, type ZooKeeper } from '../client/index.js';
import { emitBackgroundError } from './errors.js';
import type { SessionKeeper } from './session-keeper.js';
import { abortable, Lifecycle } from './lifecycle.js';
import { Coalescer, onResync } from './resync.js';
import { join } from './sequence.js';

/** One child as last read. */
export interface CachedChild {
  /** The child's name (no parent). */
  readonly name: string;
  readonly path: string;
  /** Its data when first seen (children's data is not watched: the recipes' nodes never change it). */
  readonly data: Buffer | null;
  /** The session owning it if ephemeral, else 0n. */
  readonly owner: bigint;
  readonly czxid: bigint;
}

/** Options of a {@link ChildrenCache}. */
export interface ChildrenCacheOptions {
  /** Keeps only children this accepts (e.g. a name prefix). Default: all. */
  filter?: (name: string) => boolean;
  /** The order of {@link ChildrenCache.children}. Default: by name. */
  order?: (a: string, b: string) => number;
}

/** What a {@link ChildrenCache} `change` event says besides the snapshot. */
export interface ChildrenChange {
  /**
   * When the first watch event behind this read arrived (ms since the epoch), or when the read
   * started if it had another cause (start, reconnect, refresh): the moment of the change, as
   * near as this process can tell, for whoever times failovers.
   */
  changedAt: number;
  /** When the read that found the change completed (ms since the epoch). */
  seenAt: number;
}

/** Events of a {@link ChildrenCache}. */
export interface ChildrenCacheEvents {
  /** The children, or whether the parent exists, changed; the new snapshot, in order. */
  change: [children: readonly CachedChild[], change: ChildrenChange];
  /** A read failed; it is retried on the next event, reconnect or new session. */
  error: [error: unknown];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Keeps the children of `parent` current. Works on every ZooKeeper release (one-time watches).
 * Each change wakes this cache: keep caches few on a busy parent.
 */
export class ChildrenCache extends EventEmitter<ChildrenCacheEvents> {
  #children: readonly CachedChild[] = [];
  #parentExists = false;
  #firedAt: number | undefined;
  readonly #known = new Map<string, CachedChild>();
  #gen = 0;
  readonly #life: Lifecycle;
  readonly #reads = new Coalescer(() => this.#read(this.#gen), (e) => emitBackgroundError(this, e, `children cache of ${this.parent}`), () => this.#life.state === 'started');
  readonly #unsubscribe: () => void;
  readonly #filter: (name: string) => boolean;
  readonly #order: (a: string, b: string) => number;
  /** Tells iterators the cache closed (kept apart from the public events). */
  readonly #closing = new EventEmitter<{ closed: [] }>();

  /** @throws BadArgumentsError for an invalid parent path. */
  constructor(
    readonly session: SessionKeeper,
    readonly parent: string,
    options: ChildrenCacheOptions = {},
  ) {
    super();
    validatePath(parent);
    this.#life = new Lifecycle(`ChildrenCache of ${parent}`);
    this.#filter = options.filter ?? (() => true);
    this.#order = options.order ?? byName;
    this.#unsubscribe = onResync(session, () => this.refresh());
  }

  /**
   * Starts watching and resolves with the first snapshot. Blocks for one listing plus one read
   * per child. Call once. Aborting `signal` closes the cache.
   * @throws Error if started twice or after close; ZooKeeperError if the first read fails; the abort reason.
   */
  async start(signal?: AbortSignal): Promise<readonly CachedChild[]> {
    this.#life.start();
    await abortable(signal, () => this.#read(this.#gen), () => this.close());
    return this.#children;
  }

  /** The children as last read, in order (no request). Empty before start and after close. */
  get children(): readonly CachedChild[] {
    return this.#children;
  }

  /** Whether the parent existed at the last read. */
  get parentExists(): boolean {
    return this.#parentExists;
  }

  /** Asks for a re-read (coalesced). Never blocks, never throws; ignored unless started. */
  refresh(): void {
    this.#reads.request();
  }

  /** One watcher function for every read of a generation, so re-arming it adds no duplicate entry. */
  #onEvent = this.#watcherFor(this.#gen);

  #watcherFor(gen: number): (ev: { type: EventType }) => void {
    return (ev) => {
      if (gen !== this.#gen || ev.type === EventType.None) return;
      this.#firedAt ??= Date.now();
      this.refresh();
    };
  }

  async #read(gen: number): Promise<void> {
    const zk = this.session.client;
    const changedAt = this.#firedAt ?? Date.now();
    this.#firedAt = undefined;
    let names: string[];
    let exists = true;
    try {
      names = await zk.getChildren(this.parent, this.#onEvent);
    } catch (e) {
      if (errorCode(e) !== ErrorCode.NONODE) throw e;
      // No parent yet (or it was deleted): wait for its creation.
      if (await zk.exists(this.parent, this.#onEvent)) return this.#read(gen);
      names = [];
      exists = false;
    }
    names = names.filter(this.#filter).sort(this.#order);
    const fresh = names.filter((n) => !this.#known.has(n));
    // A child gone between the listing and its read is left out: the next event brings it up to date.
    const reads = await readChildren(zk, this.parent, fresh);
    if (gen !== this.#gen) return;
    for (const c of reads) this.#known.set(c.name, c);
    const keep = new Set(names);
    for (const n of [...this.#known.keys()]) if (!keep.has(n)) this.#known.delete(n);
    const next = names.flatMap((n) => this.#known.get(n) ?? []);
    if (sameNames(next, this.#children) && exists === this.#parentExists) return;
    this.#children = next;
    this.#parentExists = exists;
    this.emit('change', next, { changedAt, seenAt: Date.now() });
  }

  /**
   * Yields a snapshot at once and after every change, until the cache closes (or the loop is
   * left). Snapshots that come faster than the consumer reads are collapsed into the newest.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<readonly CachedChild[]> {
    let pending: readonly CachedChild[] | undefined = this.#children;
    let wake: (() => void) | undefined;
    const onChange = (c: readonly CachedChild[]) => ((pending = c), wake?.());
    const onClose = () => wake?.();
    this.on('change', onChange);
    this.#closing.once('closed', onClose);
    try {
      while (!this.#life.closed) {
        if (pending === undefined) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        if (pending === undefined) continue;
        const out: readonly CachedChild[] = pending;
        pending = undefined;
        yield out;
      }
    } finally {
      this.off('change', onChange);
      this.#closing.off('closed', onClose);
    }
  }

  /** Stops watching and empties the view. Idempotent; never throws. */
  close(): Promise<void> {
    return this.#life.close(async () => this.#stop());
  }

  #stop(): void {
    this.#gen++;
    this.#onEvent = this.#watcherFor(this.#gen);
    this.#unsubscribe();
    this.#known.clear();
    this.#children = [];
    this.#closing.emit('closed');
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Reads the data and owner of each child `names` of `parent`, in parallel, keeping their order.
 * A child gone before its read (or unreadable) is left out: whoever listed it learns of that
 * from its next listing. Blocks for one getData per name. Never throws.
 */
export async function readChildren(zk: Pick<ZooKeeper, 'getData'>, parent: string, names: readonly string[]): Promise<CachedChild[]> {
  const reads = await Promise.all(names.map((n) => zk.getData(join(parent, n)).then(({ data, stat }) => child(parent, n, data, stat), () => undefined)));
  return reads.filter((c) => c !== undefined);
}

function child(parent: string, name: string, data: Buffer | null, stat: Stat): CachedChild {
  return { name, path: join(parent, name), data, owner: stat.ephemeralOwner, czxid: stat.czxid };
}

function sameNames(a: readonly CachedChild[], b: readonly CachedChild[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]?.name);
}
