/**
 * The header (mode, leader summary, connect string) and the banner shown while the
 * dashboard's own ZooKeeper session is not connected.
 * @module
 */
import type { NodeView, Snapshot } from '../types.js';
import { $, el } from './dom.js';
import { leaderName } from './widgets.js';

/** Redraws the header and banner from `s`; `nodes` are the demo's nodes by id. */
export function renderHeader(s: Snapshot, nodes: Record<string, NodeView | undefined>): void {
  $('mode').textContent = s.mode === 'demo' ? 'DEMO' : 'READ-ONLY';
  $('mode').className = 'mode ' + s.mode;
  $('cs').textContent = s.connectString;
  $('cs').title = s.connectString;
  $('summary').replaceChildren(...summary(s, nodes));
  const zk = s.zookeeper;
  $('banner').className = zk.state === 'connected' ? '' : 'show';
  $('banner').textContent = zk.state === 'connected' ? '' : 'The dashboard is ' + zk.state + ' to ZooKeeper at ' + s.connectString + (zk.error ? ': ' + zk.error : '');
}

/** `Leader: node-1 · c_0000000001 · 2 following`, or why there is no leader. */
function summary(s: Snapshot, nodes: Record<string, NodeView | undefined>): (Node | string)[] {
  const leader = s.candidates[0];
  if (!leader) return ['No leader: no candidate under ' + s.electionPath];
  const node = leader.nodeId !== undefined ? nodes[leader.nodeId] : undefined;
  const dead = !!node && (!!node.killedAt || node.state === 'exited');
  const following = ' · ' + (s.candidates.length - 1) + ' following' + (dead ? ' · old leader is going, failover pending' : '');
  return ['Leader: ', el('b', { text: leaderName(leader) }), ' · ', el('code', { text: leader.znode }), following];
}
