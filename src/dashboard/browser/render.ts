/**
 * Drawing a snapshot: each panel is redrawn only when its own data (or a pending action)
 * changed, so a snapshot about the timeline does not rebuild the chain under the pointer.
 * @module
 */
import type { NodeView, Snapshot } from '../types.js';
import { renderChain } from './chain.js';
import { renderHeader } from './header.js';
import { renderRegistry } from './registry.js';
import { renderServers } from './servers.js';
import { renderServices } from './services.js';
import { state } from './state.js';
import { renderTimeline } from './timeline.js';

/** Redraws the panels of `s` whose data changed since they were last drawn. */
export function render(s: Snapshot): void {
  const nodes: Record<string, NodeView | undefined> = Object.fromEntries(s.nodes.map((n) => [n.id, n]));
  section('header', [s.mode, s.candidates, s.nodes, s.zookeeper, s.connectString], () => renderHeader(s, nodes));
  section('servers', [s.servers, s.actions], () => renderServers(s));
  section('registry', s.registry, () => renderRegistry(s));
  section('services', [s.services, s.basePath], () => renderServices(s));
  section('chain', [s.candidates, s.nodes, s.actions, s.sessionTimeoutMs], () => renderChain(s, nodes));
  section('timeline', [s.timeline, s.failoverMeasure], () => renderTimeline(s));
}

/** Runs `draw` unless panel `name` was last drawn from the same `data` and pending actions. */
function section(name: string, data: unknown, draw: () => void): void {
  const key = JSON.stringify([data, state.busy]);
  if (state.keys[name] === key) return;
  state.keys[name] = key;
  draw();
}
