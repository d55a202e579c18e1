/**
 * Keeps a live view of a parent's sequential children and their data (the election parent's
 * candidates, the registry's entries) with a child watch, for the dashboard.
 * @module
 */
import { EventEmitter } from 'node:events';
import { Coalescer, ErrorCode, EventType, onResync, reportError, sortCandidates, type ManagedSession, type WatchedEvent, type ZooKeeperError } from '../index.js';

/** One read of the parent. */
export interface ChildrenView {
  /** Children named `prefix` + sequence, in sequence order, with their data as UTF-8. */
  children: { name: string; data: string }[];
  /** When the watch that caused this read fired (ms since the epoch); the read time for other reads. */
  changedAt: number;
  /** When the read completed. */
  seenAt: number;
}

/** Events of a {@link ChildrenWatcher}. */
export interface ChildrenWatcherEvents {
  /** The children (or their data) changed. */
  change: [view: ChildrenView];
  /** A read failed for another reason than the connection; retried on the next event. */
  error: [error: unknown];
}

const code = (e: unknown) => (e as ZooKeeperError)?.code;

/**
 * Watches `parent`'s children. Reads are coalesced (one at a time, one more if something
 * changed meanwhile) and repeated after reconnects and new sessions; a missing parent is
 * watched for creation. Sequential nodes never change data, so data is read once per name.
 */
export class ChildrenWatcher extends EventEmitter<ChildrenWatcherEvents> {
  private readonly data = new Map<string, string>();
  private last = '';
  private firedAt: number | undefined;
  private closed = false;
  private readonly reads = new Coalescer(() => this.read(), (e) => reportError(this, e, 'dashboard'), () => !this.closed);
  private readonly unsubscribe: () => void;

  /** Does nothing until {@link start}. */
  constructor(
    private readonly session: ManagedSession,
    readonly parent: string,
    private readonly prefix: string,
  ) {
    super();
    this.unsubscribe = onResync(session, () => this.refresh());
  }

  /** Starts reading; never blocks (the first view arrives as a `change` event). */
  start(): void {
    this.refresh();
  }

  /** Stops watching. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  private readonly onWatch = (ev: WatchedEvent): void => {
    if (ev.type === EventType.None) return;
    this.firedAt ??= Date.now();
    this.refresh();
  };

  private refresh(): void {
    this.reads.request();
  }

  private async read(): Promise<void> {
    const changedAt = this.firedAt ?? Date.now();
    this.firedAt = undefined;
    const zk = this.session.client;
    let names: string[];
    try {
      names = await zk.getChildren(this.parent, this.onWatch);
    } catch (e) {
      if (code(e) !== ErrorCode.NONODE) throw e;
      // No parent yet: wait for its creation (or read again if it appeared meanwhile).
      if (await zk.exists(this.parent, this.onWatch)) return this.read();
      names = [];
    }
    const sorted = sortCandidates(names, this.prefix);
    await this.readMissingData(sorted);
    if (this.closed) return;
    for (const name of [...this.data.keys()]) if (!sorted.includes(name)) this.data.delete(name);
    const children = sorted.filter((n) => this.data.has(n)).map((name) => ({ name, data: this.data.get(name)! }));
    const key = JSON.stringify(children);
    if (key === this.last) return;
    this.last = key;
    this.emit('change', { children, changedAt, seenAt: Date.now() });
  }

  private async readMissingData(names: string[]): Promise<void> {
    const zk = this.session.client;
    const fresh = names.filter((n) => !this.data.has(n));
    // A node deleted between the listing and its read is simply left out.
    const reads = await Promise.all(fresh.map((n) => zk.getData(`${this.parent}/${n}`).then((r) => r.data?.toString('utf8') ?? '', () => undefined)));
    fresh.forEach((n, i) => reads[i] !== undefined && this.data.set(n, reads[i]));
  }
}
