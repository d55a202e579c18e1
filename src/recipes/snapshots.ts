/**
 * The async iterator of every cache here: its current snapshot at once, then one after every
 * `change` event, collapsing those that come faster than the consumer reads into the newest.
 * @module
 */
import type { EventEmitter } from 'node:events';

/** A cache as its iterator sees it: `change` events whose first argument is the new snapshot. */
export interface SnapshotSource<T> {
  on(event: 'change', listener: (snapshot: T, ...rest: never[]) => void): unknown;
  off(event: 'change', listener: (snapshot: T, ...rest: never[]) => void): unknown;
}

/**
 * Yields `current()` at once and the snapshot of every `change` of `source`, until `closed()`
 * holds (`closing` emits `closed` then) or the loop is left. Blocks between changes.
 */
export async function* snapshots<T>(source: SnapshotSource<T>, closing: EventEmitter<{ closed: [] }>, current: () => T, closed: () => boolean): AsyncGenerator<T> {
  let pending: { value: T } | undefined = { value: current() };
  let wake: (() => void) | undefined;
  const onChange = (value: T) => ((pending = { value }), wake?.());
  const onClose = () => wake?.();
  source.on('change', onChange);
  closing.once('closed', onClose);
  try {
    while (!closed()) {
      if (pending === undefined) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      if (pending === undefined) continue;
      const out: T = pending.value;
      pending = undefined;
      yield out;
    }
  } finally {
    source.off('change', onChange);
    closing.off('closed', onClose);
  }
}
