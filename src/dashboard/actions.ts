/**
 * The demo's fault actions, behind `POST /api/<action>`: validate the JSON body, act on the
 * model's fleet or ensemble, record the action in the timeline (arming the failover clock).
 * @module
 */
import { FleetError } from './fleet.js';
import type { DashboardModel } from './model.js';
import { formatMs, who } from './narrator.js';
import type { NodeView } from './types.js';

/** A refused action; `status` is the HTTP status to answer with, `message` says why. */
export class ActionError extends Error {
  override name = 'ActionError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Every action name (the `<action>` of `POST /api/<action>`). */
export const ACTION_NAMES = ['kill-leader', 'stop-leader', 'kill-node', 'add-node', 'kill-server', 'restart-server'] as const;
/** One of {@link ACTION_NAMES}. */
export type ActionName = (typeof ACTION_NAMES)[number];

/** At most this many live nodes: the demo is for watching, not for load. */
export const MAX_NODES = 20;

type Body = Record<string, unknown>;
type Signal = 'SIGKILL' | 'SIGTERM';

/**
 * Performs `name` with `body` (the parsed JSON request body). Blocks until done: a server
 * restart takes until it serves again (seconds).
 * @returns a sentence for the page.
 * @throws ActionError 404 unknown action, 403 read-only, 400 bad body, 409 not possible now, 500 failed.
 */
export async function performAction(model: DashboardModel, name: string, body: Body): Promise<{ message: string }> {
  checkAction(model, name);
  switch (name as ActionName) {
    case 'kill-leader':
      return killLeader(model, signalOf(body, 'SIGKILL'));
    case 'stop-leader':
      return killLeader(model, 'SIGTERM');
    case 'kill-node':
      return killNode(model, stringOf(body, 'node'), signalOf(body, 'SIGKILL'));
    case 'add-node':
      return addNode(model);
    case 'kill-server':
      return killServer(model, serverOf(model, body));
    case 'restart-server':
      return restartServer(model, serverOf(model, body));
  }
}

/**
 * Checks that `name` is an action this model offers, before its body is even read. Never blocks.
 * @throws ActionError 404 for an unknown action, 403 on a read-only dashboard.
 */
export function checkAction(model: DashboardModel, name: string): void {
  if (!(ACTION_NAMES as readonly string[]).includes(name)) throw new ActionError(`unknown action ${JSON.stringify(name)}; try one of ${ACTION_NAMES.join(', ')}`, 404);
  if (model.mode !== 'demo') {
    throw new ActionError('this dashboard is read-only: it does not own the nodes or servers. Run `zk-elect demo` to try faults.', 403);
  }
}

function stringOf(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') throw new ActionError(`the JSON body needs "${field}": a non-empty string, e.g. {"${field}": "node-2"}`, 400);
  return v;
}

function signalOf(body: Body, fallback: Signal): Signal {
  const v = body.signal ?? fallback;
  if (v !== 'SIGKILL' && v !== 'SIGTERM') throw new ActionError(`"signal" must be "SIGKILL" (crash) or "SIGTERM" (graceful), got ${JSON.stringify(v)}`, 400);
  return v;
}

function serverOf(model: DashboardModel, body: Body): number {
  const ids = model.ensemble?.ids;
  if (!ids) throw new ActionError('the ZooKeeper servers are not this demo\'s (it runs against --zookeeper): it cannot kill or restart them', 409);
  const v = body.server;
  if (typeof v !== 'number' || !ids.includes(v)) {
    throw new ActionError(`"server" must be a server number from ${ids[0]} to ${ids.at(-1)}, got ${JSON.stringify(v)}`, 400);
  }
  return v;
}

function killLeader(model: DashboardModel, signal: Signal): { message: string } {
  const leader = model.leaderNode();
  if (!model.candidateNames.length) throw new ActionError('there is no leader right now: no candidate is in the election (add a node)', 409);
  if (!leader) throw new ActionError(`the leader ${model.candidateNames[0]} is not one of this demo's nodes`, 409);
  if (leader.killedAt !== undefined || leader.state === 'exited') {
    const ago = leader.killedAt ? ` ${formatMs(Date.now() - leader.killedAt)} ago` : '';
    throw new ActionError(`${leader.id}, the leader, is already going (${leader.signal ?? leader.exit}${ago}); its znode stays until its session ends — watch the failover`, 409);
  }
  return signalNode(model, leader, signal, true);
}

function killNode(model: DashboardModel, id: string, signal: Signal): { message: string } {
  const node = model.fleet?.find(id);
  if (!node) throw new ActionError(`no node called ${JSON.stringify(id)}; the nodes are ${model.fleet?.list().map((n) => n.id).join(', ') || 'none'}`, 404);
  return signalNode(model, node, signal, model.leaderNode()?.id === id);
}

function signalNode(model: DashboardModel, node: NodeView, signal: Signal, isLeader: boolean): { message: string } {
  let at: number;
  try {
    at = model.fleet!.signal(node.id, signal);
  } catch (err) {
    if (err instanceof FleetError) throw new ActionError(err.message, err.status);
    throw err;
  }
  const role = isLeader ? 'the leader' : 'a follower';
  if (isLeader) model.clock.arm(at, `${node.id} was ${signal === 'SIGKILL' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)'}`, signal === 'SIGKILL' ? 'crash' : 'graceful');
  const timeout = model.options.sessionTimeoutMs ? ` (~${formatMs(model.options.sessionTimeoutMs)})` : '';
  const text =
    signal === 'SIGKILL'
      ? `You killed ${who(node)}, ${role}, with SIGKILL: a crash. Its znode stays until ZooKeeper expires its session${timeout}.`
      : `You stopped ${who(node)}, ${role}, with SIGTERM: it closes its session, so its znode goes at once.`;
  model.add({ kind: 'action', text, time: at });
  return { message: text };
}

function addNode(model: DashboardModel): { message: string } {
  const fleet = model.fleet!;
  if (fleet.alive >= MAX_NODES) throw new ActionError(`there are already ${fleet.alive} live nodes; the demo allows ${MAX_NODES}`, 409);
  const node = fleet.add();
  const text = `You added ${node.id} (pid ${node.pid}): it volunteers at the back of the chain.`;
  model.add({ kind: 'action', text });
  return { message: text };
}

async function killServer(model: DashboardModel, id: number): Promise<{ message: string }> {
  const target = model.ensemble!.servers.find((s) => s.id === id);
  if (!target?.running) throw new ActionError(`ZooKeeper server ${id} is already down; restart it instead`, 409);
  const was = model.poller.views.find((v) => v.id === id)?.mode;
  const text = `You killed ZooKeeper server ${id}${was ? ` (it was ${was})` : ''} with SIGKILL; its clients move to other servers.`;
  // Told before the kill, so the timeline reads cause before effects.
  model.add({ kind: 'action', text });
  model.clock.arm(Date.now(), `ZooKeeper server ${id} was killed`, 'zookeeper');
  await model.ensemble!.kill(id);
  void model.poller.pollNow();
  return { message: text };
}

async function restartServer(model: DashboardModel, id: number): Promise<{ message: string }> {
  const started = Date.now();
  model.add({ kind: 'action', text: `You restarted ZooKeeper server ${id}…` });
  try {
    await model.ensemble!.restart(id);
  } catch (err) {
    throw new ActionError(`ZooKeeper server ${id} did not come back: ${(err as Error).message.split('\n')[0]}`, 500);
  }
  await model.poller.pollNow();
  const text = `ZooKeeper server ${id} serves again after ${formatMs(Date.now() - started)}.`;
  model.add({ kind: 'server', text });
  return { message: text };
}
