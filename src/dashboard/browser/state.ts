/**
 * What the page remembers between snapshots.
 * @module
 */
import type { Snapshot } from '../types.js';

/**
 * The page's memory. Each field has one writer: main.ts (`snap`, `offset`), actions.ts
 * (`busy`), render.ts (`keys`) and chain.ts (`leader`).
 */
export const state = {
  /** The last snapshot, to redraw with when an action starts or ends. */
  snap: undefined as Snapshot | undefined,
  /** Server clock minus ours (ms), so "ago" counters agree with the server's timestamps. */
  offset: 0,
  /** Actions posted and not yet answered, by action and payload: their buttons are disabled. */
  busy: {} as Record<string, boolean>,
  /** Each panel's data as last drawn, to skip redrawing what did not change. */
  keys: {} as Record<string, string>,
  /** The leader's znode at the last chain redraw (null: none; undefined: no redraw yet). */
  leader: undefined as string | null | undefined,
};

/** The server's clock now, as far as the last snapshot tells. */
export function now(): number {
  return Date.now() + state.offset;
}
