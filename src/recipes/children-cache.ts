/**
 * A live view of one parent's children with their data and owners: the loop every watching
 * recipe needs, written once. kazoo's ChildrenWatch and Curator's CuratorCache are the models.
 *
 * The loop: list the children with a watch (set first, then read, so no change slips between);
 * on a missing parent, watch for its creation instead; read the data of each child not seen
 * before; diff; notify. Watch events, reconnects and replacement sessions all ask for one more
 * read, and reads are coalesced, so a burst of changes costs at most two. With `watchData`, each
 * child's data is read with a watch too, and a child whose data changed is read again in the
 * next (coalesced) read.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, EventType, errorCode, validatePath, type Stat, type WatchedEvent, type Watcher, type ZooKeeper } from '../client/index.js';
import { emitBackgroundError } from './errors.js';
import type { SessionKeeper } from './session-keeper.js';
import { abortable, Lifecycle } from './lifecycle.js';
import { Coalescer, onResync } from './resync.js';
import { snapshots } from './snapshots.js';
import { basename, join } from './sequence.js';

/** One child as last read. */
export interface CachedChild {
  /** The child's name (no parent). */
  readonly name: string;
  readonly path: string;
  /**
   * Its data when first seen; with the `watchData` option, its data as last changed (without it,
   * data is not watched: most election and registry nodes never change theirs; a `zk-elect run`
   * candidate's does, with its command's state).
   */
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
  /**
   * Also watch each child's data, and read a child again when it changes (reported in
   * {@link ChildrenChange.updated}). One more watch per child on the server. Default false.
   */
  watchData?: boolean;
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
  /** The names of children whose data changed in this read (always empty without `watchData`). */
  updated: readonly string[];
}

/** Events of a {@link ChildrenCache}. */
export interface ChildrenCacheEvents {
  /** The children, whether the parent exists, or (with `watchData`) a child's data changed; the new snapshot, in order. */
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
  readonly #watchData: boolean;
  /** Children whose data changed since their last read (watchData only). */
  readonly #stale = new Set<string>();
  /** The client the children's data watches were set on: a new session has none of them. */
  #dataClient: ZooKeeper | undefined;
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
    this.#watchData = options.watchData ?? false;
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

  #watcherFor(gen: number): (ev: WatchedEvent) => void {
    return (ev) => {
      if (gen !== this.#gen || ev.type === EventType.None) return;
      if (ev.type === EventType.NodeDataChanged && ev.path !== undefined && ev.path !== this.parent) this.#stale.add(basename(ev.path));
      this.#firedAt ??= Date.now();
      this.refresh();
    };
  }

  /** The names to read data for: new children, and (watchData) those changed or never watched on this client. */
  #toRead(zk: ZooKeeper, names: readonly string[]): string[] {
    if (this.#watchData && zk !== this.#dataClient) {
      for (const n of this.#known.keys()) this.#stale.add(n);
      this.#dataClient = zk;
    }
    const due = names.filter((n) => !this.#known.has(n) || this.#stale.has(n));
    for (const n of due) this.#stale.delete(n); // a change during the read marks it again
    return due;
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
    // A child gone between the listing and its read is left out: the next event brings it up to date.
    const reads = await readChildren(zk, this.parent, this.#toRead(zk, names), this.#watchData ? this.#onEvent : undefined);
    if (gen !== this.#gen) return;
    const updated = reads.filter((c) => changedData(this.#known.get(c.name), c)).map((c) => c.name);
    for (const c of reads) this.#known.set(c.name, c);
    const keep = new Set(names);
    for (const n of [...this.#known.keys()]) if (!keep.has(n)) this.#known.delete(n);
    const next = names.flatMap((n) => this.#known.get(n) ?? []);
    if (sameNames(next, this.#children) && exists === this.#parentExists && updated.length === 0) return;
    this.#children = next;
    this.#parentExists = exists;
    this.emit('change', next, { changedAt, seenAt: Date.now(), updated });
  }

  /**
   * Yields a snapshot at once and after every change, until the cache closes (or the loop is
   * left). Snapshots that come faster than the consumer reads are collapsed into the newest.
   */
  [Symbol.asyncIterator](): AsyncGenerator<readonly CachedChild[]> {
    return snapshots(this, this.#closing, () => this.#children, () => this.#life.closed);
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
    this.#stale.clear();
    this.#children = [];
    this.#closing.emit('closed');
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Reads the data and owner of each child `names` of `parent`, in parallel, keeping their order,
 * with `watcher` set on each child's data if given. A child gone before its read (or unreadable)
 * is left out: whoever listed it learns of that from its next listing. Blocks for one getData
 * per name. Never throws.
 */
export async function readChildren(zk: Pick<ZooKeeper, 'getData'>, parent: string, names: readonly string[], watcher?: Watcher): Promise<CachedChild[]> {
  const reads = await Promise.all(names.map((n) => zk.getData(join(parent, n), watcher).then(({ data, stat }) => child(parent, n, data, stat), () => undefined)));
  return reads.filter((c) => c !== undefined);
}

function child(parent: string, name: string, data: Buffer | null, stat: Stat): CachedChild {
  return { name, path: join(parent, name), data, owner: stat.ephemeralOwner, czxid: stat.czxid };
}

/** True when `next` is a re-read of `before` with other data. */
function changedData(before: CachedChild | undefined, next: CachedChild): boolean {
  if (!before) return false;
  return before.data === null || next.data === null ? before.data !== next.data : !before.data.equals(next.data);
}

function sameNames(a: readonly CachedChild[], b: readonly CachedChild[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]?.name);
}
