/**
 * Small pieces several panels draw: "ago" counters, action buttons, a candidate's name.
 * @module
 */
import type { CandidateView, NodeView } from '../types.js';
import { el } from './dom.js';
import { fmtAgo } from './format.js';
import { now, state } from './state.js';

/** The key of an action with its payload in {@link state.busy}. */
export function actionKey(action: string, payload: object): string {
  return action + JSON.stringify(payload);
}

/** A span counting the time since `t`; the page's ticker keeps it current via `data-since`. */
export function agoSpan(t: number): HTMLSpanElement {
  return el('span', { 'data-since': t, text: fmtAgo(now() - t) });
}

/** A button posting `action` with `payload` when clicked; disabled while that action is pending. */
export function button(label: string, cls: string, action: string, payload: object = {}, title?: string): HTMLButtonElement {
  const busy = !!state.busy[actionKey(action, payload)];
  return el('button', { class: cls, 'data-action': action, 'data-payload': JSON.stringify(payload), title, disabled: busy }, [label]);
}

/** The demo's node id, else the candidate's address without its scheme. */
export function leaderName(c: CandidateView): string {
  return c.nodeId || c.address.replace(/^https?:\/\//, '');
}

/** Whether a node was signalled or has exited: its znode is about to go, if it has not yet. */
export function isGoing(n: NodeView | undefined): boolean {
  return !!n && (n.state === 'exited' || n.killedAt !== undefined);
}
