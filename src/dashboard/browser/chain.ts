/**
 * The election panel: the demo's fault buttons, the chain of candidates (the leader first,
 * each other one linked to the predecessor it watches), nodes still joining and nodes gone.
 * @module
 */
import type { RunCandidateState } from '../../process/run-candidate.js';
import type { CandidateView, NodeView, Snapshot } from '../types.js';
import { $, el } from './dom.js';
import { fmtMs } from './format.js';
import { state } from './state.js';
import { agoSpan, button, isGoing, leaderName } from './widgets.js';

/** Redraws the toolbar and the chain from `s`; `nodes` are the demo's nodes by id. */
export function renderChain(s: Snapshot, nodes: Record<string, NodeView | undefined>): void {
  $('election-path').textContent = s.electionPath;
  $('toolbar').replaceChildren(...toolbar(s));
  const items: HTMLElement[] = [];
  s.candidates.forEach((c, i) => {
    if (i > 0) items.push(el('div', { class: 'link' }, [el('span', { class: 'arrow', text: '↑' }), el('span', {}, [c.nodeId || el('code', { text: c.znode }), ' watches ', el('code', { text: c.watching })])]));
    items.push(candidateCard(c, i, c.nodeId !== undefined ? nodes[c.nodeId] : undefined, s));
  });
  if (!items.length) items.push(el('div', { class: 'empty', text: 'No candidates under ' + s.electionPath + ' yet' }));
  items.push(...outsideTheChain(s));
  $('chain').replaceChildren(...items);
  state.leader = s.candidates[0] ? s.candidates[0].znode : null;
}

function toolbar(s: Snapshot): HTMLElement[] {
  if (!s.actions) return [el('span', { class: 'note', text: 'Watching only: faults can be caused from zk-elect demo, which owns its nodes and servers.' })];
  return [
    button('Kill leader', 'danger big', 'kill-leader', { signal: 'SIGKILL' }, 'SIGKILL the leader: a crash; the successor waits for the session timeout'),
    button('Stop leader', 'big', 'stop-leader', {}, 'SIGTERM the leader: a graceful leave; the successor takes over at once'),
    button('Add node', 'primary big', 'add-node', {}, 'Start one more node process'),
  ];
}

function candidateCard(c: CandidateView, i: number, node: NodeView | undefined, s: Snapshot): HTMLElement {
  const going = isGoing(node);
  const role = node && node.role === 'suspended' ? 'suspended' : c.isLeader ? 'leader' : 'follower';
  // A leader other than the last one drawn: the card flashes once.
  const fresh = c.isLeader && state.leader !== undefined && state.leader !== c.znode;
  const l2 = [c.address + (node && node.pid ? ' · pid ' + node.pid : '')];
  const acts = s.actions && node && !going ? [
    button('Kill', 'danger', 'kill-node', { node: node.id, signal: 'SIGKILL' }, 'SIGKILL: a crash; ZooKeeper deletes its znode when its session times out'),
    button('Stop', '', 'kill-node', { node: node.id, signal: 'SIGTERM' }, 'SIGTERM: a graceful leave; its znode goes at once'),
  ] : [];
  return el('div', { class: 'cand ' + (c.isLeader ? 'leader' : 'follower') + (going ? ' dead' : '') + (fresh ? ' fresh' : ''), 'data-znode': c.znode, 'data-node': c.nodeId || '', 'data-role': c.isLeader ? 'leader' : 'follower' }, [
    el('div', { class: 'pos', text: c.isLeader ? '★' : String(i) }),
    el('div', { class: 'body' }, [
      el('div', { class: 'l1' }, [el('span', { class: 'name', text: leaderName(c) }), el('span', { class: 'pill ' + role, text: role }), el('code', { text: c.znode })]),
      el('div', { class: 'l2 mono' }, l2),
      c.run ? commandLine(c.run) : null,
      going && node ? goingLine(node, s) : null,
    ]),
    acts.length ? el('div', { class: 'acts' }, acts) : null,
  ]);
}

/** A `zk-elect run` candidate's command and its state: which host runs the job, and since when. */
function commandLine(run: RunCandidateState): HTMLElement {
  const pid = run.pid !== undefined ? ' · pid ' + run.pid : '';
  return el('div', { class: 'l3 run', 'data-child': run.child }, [
    el('span', { class: 'pill ' + CHILD_PILL[run.child], text: 'command ' + run.child }),
    ' ',
    el('code', { text: run.command.join(' ') }),
    pid + ' · ',
    agoSpan(run.since),
  ]);
}

/** The pill colour of each command state: running like a leader, in doubt like a suspended one. */
const CHILD_PILL: Record<RunCandidateState['child'], string> = { running: 'leader', stopping: 'warn', stopped: 'warn', waiting: 'muted' };

/** How a signalled or exited node is leaving, and what happens to its znode. */
function goingLine(node: NodeView, s: Snapshot): HTMLElement {
  const how = node.signal === 'SIGKILL' ? 'Crashed (SIGKILL) ' : node.signal === 'SIGTERM' ? 'Stopped (SIGTERM) ' : 'Process ' + node.exit + ' ';
  const timeout = s.sessionTimeoutMs ? ' (~' + fmtMs(s.sessionTimeoutMs) + ')' : '';
  const why = node.signal === 'SIGKILL' ? ' · its znode stays until its session expires' + timeout : ' · leaving';
  return el('div', { class: 'l3' }, node.killedAt ? [how, agoSpan(node.killedAt), why] : [how]);
}

/** The demo's nodes without a candidate: those still joining, and the last few gone. */
function outsideTheChain(s: Snapshot): HTMLElement[] {
  const items: HTMLElement[] = [];
  const inChain = new Set(s.candidates.map((c) => c.nodeId));
  const starting = s.nodes.filter((n) => n.state !== 'exited' && !inChain.has(n.id));
  if (starting.length) items.push(el('div', { class: 'pending' }, starting.map(joiningCard)));
  const gone = s.nodes.filter((n) => n.state === 'exited' && !inChain.has(n.id)).slice(-6);
  if (gone.length) items.push(el('div', { class: 'gone', text: 'Gone: ' + gone.map((n) => n.id + ' (' + n.exit + ')').join(' · ') }));
  return items;
}

function joiningCard(n: NodeView): HTMLElement {
  return el('div', { class: 'cand starting', 'data-node': n.id }, [
    el('div', { class: 'pos', text: '…' }),
    el('div', { class: 'body' }, [el('div', { class: 'l1' }, [el('span', { class: 'name', text: n.id }), el('span', { class: 'pill muted', text: n.killedAt ? 'stopping' : 'joining' })]), el('div', { class: 'l2 mono', text: 'pid ' + n.pid })]),
  ]);
}
