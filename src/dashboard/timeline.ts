/**
 * The dashboard's timeline (a capped list of entries) and the clock that measures failovers.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { FailoverCause, TimelineEntry, TimelineKind } from './types.js';

const MAX_ENTRIES = 200;

/** An append-only, capped list of {@link TimelineEntry}s that announces each new entry. */
export class Timeline extends EventEmitter<{ entry: [entry: TimelineEntry] }> {
  private readonly list: TimelineEntry[] = [];
  private seq = 0;

  /** Appends an entry stamped `time` (default now) and returns it. Never throws. */
  add(kind: TimelineKind, text: string, extra: Partial<Pick<TimelineEntry, 'durationMs' | 'measured' | 'time' | 'cause'>> = {}): TimelineEntry {
    const entry: TimelineEntry = { seq: ++this.seq, time: Date.now(), kind, text, ...extra };
    this.list.push(entry);
    if (this.list.length > MAX_ENTRIES) this.list.shift();
    this.emit('entry', entry);
    return entry;
  }

  /** The entries, oldest first (a copy). */
  entries(): TimelineEntry[] {
    return [...this.list];
  }
}

/** What {@link FailoverClock.onElected} makes of an `elected` event. */
export type ElectedVerdict =
  | { kind: 'first' }
  | { kind: 'again' }
  | { kind: 'election'; previous: string }
  | { kind: 'failover'; previous: string | undefined; durationMs: number; cause: string; causeKind: FailoverCause };

/** What {@link FailoverClock.onCandidates} makes of a new listing, when the leader changed. */
export interface LeaderChange {
  from?: string;
  to?: string;
  /** Deletion of `from`'s znode → `to` seen as the smallest; absent when not measurable. */
  durationMs?: number;
}

/** A leader change this long after a fault is no longer blamed on it. */
const BLAME_WINDOW_MS = 60_000;

/**
 * Measures failovers two ways. In the demo, from a fault action ({@link arm}: the kill or stop
 * time) to the `elected` time printed by the next leader. From ZooKeeper alone (read-only
 * dashboard), from the moment the old leader's znode is seen deleted to the moment the new
 * smallest znode is seen.
 */
export class FailoverClock {
  private armed: { at: number; cause: string; kind: FailoverCause } | undefined;
  private leaderId: string | undefined;
  private leaderZnode: string | undefined;
  private goneAt: number | undefined;

  /** Remembers a fault (`cause`: a sentence saying what happened) the next leader change will be measured from. */
  arm(at: number, cause: string, kind: FailoverCause): void {
    this.armed = { at, cause, kind };
  }

  /**
   * The demo's node `id` printed `elected` at `time` (its clock). Returns a failover, measured
   * from the armed fault, when one was armed at most a minute before; else a plain election.
   */
  onElected(id: string, time: number): ElectedVerdict {
    const previous = this.leaderId;
    if (previous === id) return { kind: 'again' };
    this.leaderId = id;
    const armed = this.armed;
    if (armed && time >= armed.at && time - armed.at <= BLAME_WINDOW_MS) {
      this.armed = undefined;
      return { kind: 'failover', previous, durationMs: time - armed.at, cause: armed.cause, causeKind: armed.kind };
    }
    return previous === undefined ? { kind: 'first' } : { kind: 'election', previous };
  }

  /**
   * The election parent now lists `names` (in order): read at `seenAt` because of a change
   * notified at `changedAt`. Returns the leader change, or undefined when the leader is the same.
   */
  onCandidates(names: readonly string[], changedAt: number, seenAt: number): LeaderChange | undefined {
    const before = this.leaderZnode;
    const now = names[0];
    if (before === now) return undefined;
    this.leaderZnode = now;
    const gone = before !== undefined && !names.includes(before);
    if (gone) this.goneAt ??= changedAt;
    const change: LeaderChange = { ...(before ? { from: before } : {}), ...(now ? { to: now } : {}) };
    if (now !== undefined && this.goneAt !== undefined) {
      change.durationMs = Math.max(0, seenAt - this.goneAt);
      this.goneAt = undefined;
    }
    return change;
  }
}
