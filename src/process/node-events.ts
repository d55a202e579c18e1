/**
 * The `--json` line protocol of `zk-elect node`: one JSON object per stdout line. The node
 * command (cli/commands/node.ts) prints exactly these; the demo's fleet, the crash benchmark and
 * the tests read them. It lives beside the child-process module because it is what a supervised
 * node process says, and both the CLI and the dashboard depend on it (neither on the other).
 * @module
 */
import type { ElectionRole } from '../recipes/election.js';

/** Where the node stands, on every line: read from its election when the line is printed. */
export interface NodeEventContext {
  /** ms since the epoch, by the node's clock. */
  time: number;
  /** The `--id` label, when given. */
  id?: string;
  /** The election role when the line was printed (`starting` before the first connection). */
  role: ElectionRole | 'starting';
  /** Its candidate znode's name (stays known after closing). */
  node?: string;
  /** The leader as of its last election round (a follower is told only when its predecessor goes). */
  leader?: string;
  /** The predecessor it watches, while a follower. */
  watching?: string;
}

/** The fields of each event, by event name. */
export interface NodeEventFields {
  /** The HTTP endpoint is up: its address is the node's identity (the first line). */
  listening: { address: string; pid: number };
  /** The first session is established. */
  connected: { address: string; server?: string; sessionId: string; sessionTimeout: number; pid: number };
  /** It leads; `failoverMs` when it took over from a predecessor it watched. */
  elected: { epoch: string; failoverMs?: number };
  following: Record<never, never>;
  /** The watched predecessor is gone: the node lists again, or leads at once if only the leader was ahead. */
  reelection: { gone: string };
  /** A worker registered (`registered`, `address`), or the leader's view of the workers (`workers`). */
  registry: { registered: string; address: string } | { workers: string[] };
  disconnected: { reason?: string };
  reconnected: { server?: string };
  expired: { reason?: string };
  /** A new session after expiry. */
  rejoined: { server?: string; sessionId: string };
  suspended: { reason?: string };
  resumed: Record<never, never>;
  lost: { reason: string };
  shutdown: { signal: string };
  closed: Record<never, never>;
  /** An error the node survives (on stderr). */
  error: { message: string };
}

/** The name of a `zk-elect node` event. */
export type NodeEventName = keyof NodeEventFields;

/** One line of `zk-elect node --json`, discriminated by `event`. */
export type NodeEvent = { [E in NodeEventName]: { event: E } & NodeEventContext & NodeEventFields[E] }[NodeEventName];

/** The one event named `E`. */
export type NodeEventOf<E extends NodeEventName> = Extract<NodeEvent, { event: E }>;

const NAMES: ReadonlySet<string> = new Set<NodeEventName>([
  'listening', 'connected', 'elected', 'following', 'reelection', 'registry', 'disconnected', 'reconnected',
  'expired', 'rejoined', 'suspended', 'resumed', 'lost', 'shutdown', 'closed', 'error',
]);

/** Whether `value` is a `zk-elect node` event line (an object with a known `event` and a `time`). */
export function isNodeEvent(value: unknown): value is NodeEvent {
  const v = value as Partial<NodeEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.event === 'string' && NAMES.has(v.event) && typeof v.time === 'number';
}

/** Parses one stdout line; anything that is not a node event (text, other JSON) gives undefined. Never throws. */
export function parseNodeEvent(line: string): NodeEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isNodeEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
