/**
 * Client-side watch tables. Server-side watches live on the connection, so the client keeps its
 * own record of every outstanding watch: to route notifications to the right callbacks, and to
 * re-register them all (SetWatches) after reconnecting within the session.
 * @module
 */
import { EventType, KeeperState, WatcherType } from '../protocol/constants.js';
import type { WatchLists } from '../protocol/requests.js';
import type { Chroot } from './path.js';

/** An event delivered to a watcher. `path` is absent for connection-state events. */
export interface WatchedEvent {
  type: EventType;
  state: KeeperState;
  path?: string;
}

/** A watch callback. Standard watches fire at most once; persistent ones until removed. */
export type Watcher = (event: WatchedEvent) => void;

/** Which table a watch lives in. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

type Table = Map<string, Set<Watcher>>;

/** Holds every outstanding watch of one session, keyed by client path. */
export class WatchTables {
  /**
   * A table exists once a watch of its kind was set: an election's session sets data watches
   * only, and four empty Maps were 0.7 KB of each of a 20,000-candidate fleet's sessions. It
   * also spares every notification the walk up the path when no recursive watch exists.
   */
  private readonly tables: Partial<Record<WatchKind, Table>> = {};

  /** Records a watch; call it in the step that handles the reply that set it on the server. */
  add(kind: WatchKind, path: string, watcher: Watcher): void {
    const table = (this.tables[kind] ??= new Map());
    let set = table.get(path);
    if (!set) table.set(path, (set = new Set()));
    set.add(watcher);
  }

  /**
   * Returns the watchers a server notification triggers, removing the one-shot ones
   * (the routing table of the Java client's `ZKWatchManager.materialize`).
   */
  triggered(type: EventType, path: string): Watcher[] {
    const out = new Set<Watcher>();
    const take = (kind: WatchKind) => {
      const table = this.tables[kind];
      const set = table?.get(path);
      if (!set) return;
      for (const w of set) out.add(w);
      table?.delete(path);
    };
    const keep = (kind: WatchKind, p: string) => {
      const set = this.tables[kind]?.get(p);
      if (set) for (const w of set) out.add(w);
    };
    switch (type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        take('data');
        take('exist');
        break;
      case EventType.NodeChildrenChanged:
        take('child');
        break;
      case EventType.NodeDeleted:
        take('data');
        take('exist');
        take('child');
        break;
      default:
        return [];
    }
    keep('persistent', path);
    if (type !== EventType.NodeChildrenChanged && this.tables.persistentRecursive?.size) {
      for (const p of ancestorsAndSelf(path)) keep('persistentRecursive', p);
    }
    return [...out];
  }

  /**
   * Removes watches on `path` of the given type, locally. With `watcher`, only that callback.
   * Returns the removed callbacks with the event type each should be told.
   */
  remove(path: string, type: WatcherType, watcher?: Watcher): Array<[Watcher, EventType]> {
    const kinds: Array<[WatchKind, EventType]> = [];
    if (type === WatcherType.Data || type === WatcherType.Any) kinds.push(['data', EventType.DataWatchRemoved], ['exist', EventType.DataWatchRemoved]);
    if (type === WatcherType.Children || type === WatcherType.Any) kinds.push(['child', EventType.ChildWatchRemoved]);
    if (type === WatcherType.Persistent || type === WatcherType.Any) kinds.push(['persistent', EventType.PersistentWatchRemoved]);
    if (type === WatcherType.PersistentRecursive || type === WatcherType.Any) kinds.push(['persistentRecursive', EventType.PersistentWatchRemoved]);
    const removed: Array<[Watcher, EventType]> = [];
    for (const [kind, ev] of kinds) {
      const table = this.tables[kind];
      const set = table?.get(path);
      if (!table || !set) continue;
      for (const w of [...set]) {
        if (watcher && w !== watcher) continue;
        set.delete(w);
        removed.push([w, ev]);
      }
      if (set.size === 0) table.delete(path);
    }
    return removed;
  }

  /** True when a watch of this kind exists on `path` (used to decide what to tell the server). */
  has(kind: WatchKind, path: string): boolean {
    return (this.tables[kind]?.get(path)?.size ?? 0) > 0;
  }

  /** Number of distinct (kind, path) entries. */
  get size(): number {
    let n = 0;
    for (const t of Object.values(this.tables)) n += t.size;
    return n;
  }

  /** The server paths to re-register with SetWatches after a reconnect. */
  lists(chroot: Chroot): WatchLists {
    const paths = (kind: WatchKind) => [...(this.tables[kind]?.keys() ?? [])].map((p) => chroot.toServer(p));
    return {
      data: paths('data'),
      exist: paths('exist'),
      child: paths('child'),
      persistent: paths('persistent'),
      persistentRecursive: paths('persistentRecursive'),
    };
  }

  /** Empties every table and returns each distinct watcher once (to tell it the session ended). */
  drain(): Watcher[] {
    const out = new Set<Watcher>();
    for (const t of Object.values(this.tables)) {
      for (const set of t.values()) for (const w of set) out.add(w);
      t.clear();
    }
    return [...out];
  }
}

function* ancestorsAndSelf(path: string): Generator<string> {
  let p = path;
  for (;;) {
    yield p;
    const i = p.lastIndexOf('/');
    // A path without a leading '/' (only a broken server sends one) ends at its first segment;
    // slicing on past it would yield '' forever and hang the event loop.
    if (p === '/' || i < 0) return;
    p = i === 0 ? '/' : p.slice(0, i);
  }
}
