/**
 * The sentences of the timeline and the terminal log: pure functions from events to text.
 * @module
 */
import type { NodeEvent, NodeEventOf } from '../process/node-events.js';
import type { ElectedVerdict, LeaderChange } from './timeline.js';
import type { FailoverCause, NodeView, ServerView, TimelineKind } from './types.js';

/** A timeline line to add. */
export interface Line {
  kind: TimelineKind;
  text: string;
  durationMs?: number;
  measured?: 'action' | 'znode';
  cause?: FailoverCause;
}

/** `734 ms` below a second, `4.02 s` from a second on. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `node-3 (c_0000000002)`, or just `node-3` while its znode is not known. */
export function who(node: Pick<NodeView, 'id' | 'znode'>): string {
  return node.znode ? `${node.id} (${node.znode})` : node.id;
}

/** The line for an `elected` event, given the failover clock's verdict. */
export function electedLine(node: NodeView, verdict: ElectedVerdict, ev?: NodeEventOf<'elected'>): Line {
  const line = electedBase(node, verdict);
  // The node's own figure: from its predecessor's deletion notice to its election.
  const reacted = typeof ev?.failoverMs === 'number' ? `; it reacted ${formatMs(ev.failoverMs)} after its watch fired` : '';
  return verdict.kind === 'failover' ? { ...line, text: line.text + reacted } : line;
}

function electedBase(node: NodeView, verdict: ElectedVerdict): Line {
  switch (verdict.kind) {
    case 'first':
      return { kind: 'election', text: `${who(node)} is elected leader` };
    case 'again':
      return { kind: 'info', text: `${who(node)} leads again` };
    case 'election':
      return { kind: 'election', text: `${who(node)} is elected leader after ${verdict.previous}` };
    case 'failover':
      return { kind: 'failover', text: `${who(node)} took over after ${verdict.cause}`, durationMs: verdict.durationMs, measured: 'action', cause: verdict.causeKind };
  }
}

/**
 * The line for any other node event worth showing, or undefined. `before` is the node as of its
 * previous event: a follower that follows again with the same znode has a new predecessor.
 */
export function nodeEventLine(node: NodeView, ev: NodeEvent, before: Pick<NodeView, 'role' | 'znode'> | undefined): Line | undefined {
  switch (ev.event) {
    case 'following':
      return before?.role === 'follower' && before.znode === ev.node
        ? { kind: 'info', text: `${node.id} now watches ${ev.watching ?? '?'} (its predecessor left)` }
        : { kind: 'node', text: `${who(node)} follows ${ev.leader ?? '?'} and watches ${ev.watching ?? '?'}` };
    case 'reelection':
      return { kind: 'info', text: `${node.id} saw its predecessor ${ev.gone} go: re-electing` };
    case 'disconnected':
      return { kind: 'warning', text: `${node.id} is disconnected from ZooKeeper; it reconnects with the same session` };
    case 'reconnected':
      return { kind: 'node', text: `${node.id} reconnected${ev.server ? ` to ${ev.server}` : ''} (same session)` };
    case 'rejoined':
      return { kind: 'node', text: `${node.id} re-joined with a new session` };
    case 'error':
      return { kind: 'warning', text: `${node.id}: ${ev.message}` };
    case 'suspended':
      return { kind: 'warning', text: `${node.id} lost its ZooKeeper connection: leadership suspended` };
    case 'resumed':
      return { kind: 'node', text: `${node.id} reconnected with its session: leadership holds` };
    case 'lost':
      return { kind: 'warning', text: `${node.id} lost leadership${ev.reason ? `: ${ev.reason}` : ''}` };
    case 'expired':
      return { kind: 'warning', text: `${node.id}'s session expired; it joins again with a new one` };
    case 'closed':
      return { kind: 'node', text: `${node.id} closed its session and left` };
    default:
      return undefined;
  }
}

/** The line for a node process that exited. */
export function exitLine(node: NodeView): Line {
  const expected = node.signal !== undefined || node.exit === 'exited with code 0';
  return { kind: expected ? 'node' : 'warning', text: `${node.id} process ${node.exit ?? 'exited'}` };
}

/** The line for a leader change seen in ZooKeeper (the read-only dashboard's failovers). */
export function leaderChangeLine(change: LeaderChange, addressOf: (znode: string) => string | undefined): Line {
  const name = (z: string) => (addressOf(z) ? `${z} (${addressOf(z)})` : z);
  if (!change.to) return { kind: 'warning', text: `no candidates left: ${change.from} was the last` };
  if (!change.from) return { kind: 'election', text: `${name(change.to)} leads` };
  if (change.durationMs === undefined) return { kind: 'election', text: `${name(change.to)} now leads instead of ${change.from}` };
  return { kind: 'failover', text: `${name(change.to)} took over: ${change.from}'s znode was deleted`, durationMs: change.durationMs, measured: 'znode' };
}

/** The line for a candidate znode that disappeared, explaining why when the demo knows. */
export function znodeGoneLine(znode: string, node: NodeView | undefined, at: number): Line {
  if (!node?.killedAt) return { kind: 'node', text: `${znode}${node ? ` (${node.id})` : ''} left the election` };
  const after = formatMs(at - node.killedAt);
  const why = node.signal === 'SIGKILL' ? 'ZooKeeper expired its session' : 'it closed its session';
  return { kind: 'node', text: `${znode} (${node.id}) deleted ${after} after the ${node.signal}: ${why}` };
}

/** Describes a server's state, e.g. `is leader`, `is down (connection refused)`. */
export function serverState(v: ServerView): string {
  if (v.health === 'down') return `is down${v.error ? ` (${v.error})` : ''}`;
  if (v.health === 'not-serving') return 'is up but not serving (no quorum)';
  return `is ${v.mode}`;
}

/** The line for a server whose health or mode changed. */
export function serverLine(v: ServerView): Line {
  return { kind: v.health === 'up' ? 'server' : 'warning', text: `ZooKeeper server ${v.id} (${v.address}) ${serverState(v)}` };
}

/** One line summing up the ensemble, e.g. `3 servers up; server 2 leads`. */
export function ensembleSummary(views: readonly ServerView[]): string {
  const up = views.filter((v) => v.health === 'up').length;
  const leader = views.find((v) => v.mode === 'leader' || v.mode === 'standalone');
  const lead = leader ? (leader.mode === 'standalone' ? `server ${leader.id} is standalone` : `server ${leader.id} leads`) : 'no leader';
  return `ZooKeeper: ${up} of ${views.length} server${views.length === 1 ? '' : 's'} up; ${lead}`;
}
