/**
 * The dashboard page's script (plain browser JavaScript, no framework): it receives snapshots
 * over server-sent events, redraws only the panels whose data changed, ticks the "ago"
 * counters, and posts the demo's actions.
 *
 * It is kept free of backticks and dollar-brace so that it can live in this template string.
 * @module
 */

/** The script, inlined into the page. */
export const PAGE_SCRIPT = String.raw`
'use strict';
const state = { snap: null, offset: 0, busy: {}, keys: {}, leader: undefined };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'disabled') e.disabled = true;
    else e.setAttribute(k, String(v));
  }
  for (const c of children || []) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const pad = (n, w) => String(n).padStart(w || 2, '0');
const now = () => Date.now() + state.offset;
function fmtMs(ms) { return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s'; }
function fmtAgo(ms) { return ms < 60000 ? (ms / 1000).toFixed(1) + ' s ago' : Math.floor(ms / 60000) + ' min ago'; }
function fmtTime(t) { const d = new Date(t); return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3); }
function agoSpan(t) { return el('span', { 'data-since': t, text: fmtAgo(now() - t) }); }

function button(label, cls, action, payload, title) {
  const key = action + JSON.stringify(payload || {});
  return el('button', { class: cls, 'data-action': action, 'data-payload': JSON.stringify(payload || {}), title, disabled: !!state.busy[key] }, [label]);
}

/** Redraws a panel only when its data (or a pending action) changed. */
function section(name, data, draw) {
  const key = JSON.stringify([data, state.busy]);
  if (state.keys[name] === key) return;
  state.keys[name] = key;
  draw();
}

function render(s) {
  const nodes = Object.fromEntries(s.nodes.map((n) => [n.id, n]));
  section('header', [s.mode, s.candidates, s.nodes, s.zookeeper, s.connectString], () => renderHeader(s, nodes));
  section('servers', [s.servers, s.actions], () => renderServers(s));
  section('registry', s.registry, () => renderRegistry(s));
  section('chain', [s.candidates, s.nodes, s.actions, s.sessionTimeoutMs], () => renderChain(s, nodes));
  section('timeline', [s.timeline, s.failoverMeasure], () => renderTimeline(s));
}

/** The demo's node id, else the candidate's address without its scheme. */
function leaderName(c) { return c.nodeId || c.address.replace(/^https?:\/\//, ''); }

function renderHeader(s, nodes) {
  $('mode').textContent = s.mode === 'demo' ? 'DEMO' : 'READ-ONLY';
  $('mode').className = 'mode ' + s.mode;
  $('cs').textContent = s.connectString;
  $('cs').title = s.connectString;
  const leader = s.candidates[0];
  const dead = leader && nodes[leader.nodeId] && (nodes[leader.nodeId].killedAt || nodes[leader.nodeId].state === 'exited');
  const parts = leader
    ? ['Leader: ', el('b', { text: leaderName(leader) }), ' · ', el('code', { text: leader.znode }), ' · ' + (s.candidates.length - 1) + ' following' + (dead ? ' · old leader is going, failover pending' : '')]
    : ['No leader: no candidate under ' + s.electionPath];
  $('summary').replaceChildren(...parts);
  const zk = s.zookeeper;
  $('banner').className = zk.state === 'connected' ? '' : 'show';
  $('banner').textContent = zk.state === 'connected' ? '' : 'The dashboard is ' + zk.state + ' to ZooKeeper at ' + s.connectString + (zk.error ? ': ' + zk.error : '');
}

function serverCard(v, s) {
  const look = v.health === 'up' ? v.mode : v.health;
  const label = v.health === 'down' ? 'down' : v.health === 'not-serving' ? 'no quorum' : v.mode;
  const dot = v.health === 'up' ? 'ok' : v.health === 'down' ? 'bad' : 'warn';
  const detail = v.health === 'down'
    ? [(v.error || 'no answer') + ' · ', agoSpan(v.since)]
    : [[v.zxid ? 'zxid ' + v.zxid : '', v.connections !== undefined ? v.connections + (v.connections === 1 ? ' client' : ' clients') : ''].filter(Boolean).join(' · ')];
  const acts = [];
  if (s.actions && v.owned) {
    if (v.error === 'stopped') acts.push(button('Restart', 'primary', 'restart-server', { server: v.id }, 'Start this server again on the same data'));
    else acts.push(button('Kill', 'danger', 'kill-server', { server: v.id }, 'SIGKILL this ZooKeeper server'));
  }
  return el('div', { class: 'server ' + look, 'data-server': v.id, 'data-health': v.health, title: v.version ? 'ZooKeeper ' + v.version : undefined }, [
    el('div', { class: 'srv-main' }, [
      el('div', { class: 'srv-head' }, [el('span', { class: 'dot ' + dot }), 'Server ' + v.id, el('span', { class: 'pill ' + look, text: label })]),
      el('div', { class: 'srv-meta mono', text: v.address }),
      el('div', { class: 'srv-meta mono' }, detail),
    ]),
    acts.length ? el('div', { class: 'srv-actions' }, acts) : null,
  ]);
}

function renderServers(s) {
  const box = $('servers');
  box.replaceChildren(...(s.servers.length ? s.servers.map((v) => serverCard(v, s)) : [el('div', { class: 'empty', text: 'No servers polled yet' })]));
}

function renderRegistry(s) {
  $('registry-path').textContent = s.registryPath;
  const rows = s.registry.map((r) => el('div', { class: 'reg' }, [el('code', { text: r.address.replace(/^https?:\/\//, '') }), r.nodeId ? el('span', { class: 'who', text: r.nodeId }) : el('span', { class: 'who mono', text: r.znode })]));
  $('registry').replaceChildren(...(rows.length ? rows : [el('div', { class: 'empty', text: 'No worker registered' })]));
}

function isGoing(n) { return !!n && (n.state === 'exited' || n.killedAt !== undefined); }

function candidateCard(c, i, node, s) {
  const going = isGoing(node);
  const role = node && node.role === 'suspended' ? 'suspended' : c.isLeader ? 'leader' : 'follower';
  const fresh = c.isLeader && state.leader !== undefined && state.leader !== c.znode;
  const l2 = [c.address + (node && node.pid ? ' · pid ' + node.pid : '')];
  const acts = s.actions && node && !going ? [
    button('Kill', 'danger', 'kill-node', { node: node.id, signal: 'SIGKILL' }, 'SIGKILL: a crash; ZooKeeper deletes its znode when its session times out'),
    button('Stop', '', 'kill-node', { node: node.id, signal: 'SIGTERM' }, 'SIGTERM: a graceful leave; its znode goes at once'),
  ] : [];
  let l3 = null;
  if (going) {
    const how = node.signal === 'SIGKILL' ? 'Crashed (SIGKILL) ' : node.signal === 'SIGTERM' ? 'Stopped (SIGTERM) ' : 'Process ' + node.exit + ' ';
    const timeout = s.sessionTimeoutMs ? ' (~' + fmtMs(s.sessionTimeoutMs) + ')' : '';
    const why = node.signal === 'SIGKILL' ? ' · its znode stays until its session expires' + timeout : ' · leaving';
    l3 = el('div', { class: 'l3' }, node.killedAt ? [how, agoSpan(node.killedAt), why] : [how]);
  }
  return el('div', { class: 'cand ' + (c.isLeader ? 'leader' : 'follower') + (going ? ' dead' : '') + (fresh ? ' fresh' : ''), 'data-znode': c.znode, 'data-node': c.nodeId || '', 'data-role': c.isLeader ? 'leader' : 'follower' }, [
    el('div', { class: 'pos', text: c.isLeader ? '★' : String(i) }),
    el('div', { class: 'body' }, [
      el('div', { class: 'l1' }, [el('span', { class: 'name', text: leaderName(c) }), el('span', { class: 'pill ' + role, text: role }), el('code', { text: c.znode })]),
      el('div', { class: 'l2 mono' }, l2),
      l3,
    ]),
    acts.length ? el('div', { class: 'acts' }, acts) : null,
  ]);
}

function renderChain(s, nodes) {
  $('election-path').textContent = s.electionPath;
  $('toolbar').replaceChildren(...(s.actions ? [
    button('Kill leader', 'danger big', 'kill-leader', { signal: 'SIGKILL' }, 'SIGKILL the leader: a crash; the successor waits for the session timeout'),
    button('Stop leader', 'big', 'stop-leader', {}, 'SIGTERM the leader: a graceful leave; the successor takes over at once'),
    button('Add node', 'primary big', 'add-node', {}, 'Start one more node process'),
  ] : [el('span', { class: 'note', text: 'Watching only: faults can be caused from zk-elect demo, which owns its nodes and servers.' })]));
  const items = [];
  s.candidates.forEach((c, i) => {
    if (i > 0) items.push(el('div', { class: 'link' }, [el('span', { class: 'arrow', text: '↑' }), el('span', {}, [(c.nodeId || el('code', { text: c.znode })), ' watches ', el('code', { text: c.watching })])]));
    items.push(candidateCard(c, i, nodes[c.nodeId], s));
  });
  if (!items.length) items.push(el('div', { class: 'empty', text: 'No candidates under ' + s.electionPath + ' yet' }));
  const inChain = new Set(s.candidates.map((c) => c.nodeId));
  const starting = s.nodes.filter((n) => n.state !== 'exited' && !inChain.has(n.id));
  if (starting.length) items.push(el('div', { class: 'pending' }, starting.map((n) => el('div', { class: 'cand starting', 'data-node': n.id }, [
    el('div', { class: 'pos', text: '…' }),
    el('div', { class: 'body' }, [el('div', { class: 'l1' }, [el('span', { class: 'name', text: n.id }), el('span', { class: 'pill muted', text: n.killedAt ? 'stopping' : 'joining' })]), el('div', { class: 'l2 mono', text: 'pid ' + n.pid })]),
  ]))));
  const gone = s.nodes.filter((n) => n.state === 'exited' && !inChain.has(n.id)).slice(-6);
  if (gone.length) items.push(el('div', { class: 'gone', text: 'Gone: ' + gone.map((n) => n.id + ' (' + n.exit + ')').join(' · ') }));
  $('chain').replaceChildren(...items);
  state.leader = s.candidates[0] ? s.candidates[0].znode : null;
}

function stat(label, value, note) {
  return el('div', { class: 'stat' }, [el('div', { class: 'k', text: label }), el('div', { class: 'v', text: value }), el('div', { class: 'n', text: note || ' ' })]);
}

/** A tile with the last duration of a list of failovers, and their average. */
function causeStat(label, list) {
  if (!list.length) return stat(label, '—', 'none yet');
  const avg = list.reduce((a, e) => a + e.durationMs, 0) / list.length;
  return stat(label, fmtMs(list[list.length - 1].durationMs), list.length > 1 ? 'avg ' + fmtMs(avg) + ' of ' + list.length : 'last');
}

function renderTimeline(s) {
  $('measure').textContent = s.failoverMeasure;
  const fo = s.timeline.filter((e) => e.kind === 'failover' && e.durationMs !== undefined);
  $('stats').replaceChildren(...(s.mode === 'demo'
    ? [causeStat('Crash (SIGKILL)', fo.filter((e) => e.cause === 'crash')), causeStat('Graceful (SIGTERM)', fo.filter((e) => e.cause === 'graceful'))]
    : [causeStat('Last failover', fo), stat('Failovers seen', String(fo.length), '')]));
  const items = s.timeline.slice().reverse().map((e) => el('li', { class: 'entry ' + e.kind, 'data-kind': e.kind }, [
    el('span', { class: 't', text: fmtTime(e.time) }),
    el('span', { class: 'txt', text: e.text }),
    e.durationMs !== undefined ? el('span', { class: 'dur', title: e.measured === 'znode' ? 'znode deleted → new smallest znode seen' : 'your action → elected event of the new leader', text: fmtMs(e.durationMs) }) : el('span'),
  ]));
  $('timeline').replaceChildren(...items);
}

let toastTimer;
function toast(text, isError) {
  const t = $('toast');
  t.textContent = text;
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = isError ? 'error' : ''; }, isError ? 6000 : 3500);
}

async function post(action, payload) {
  const key = action + JSON.stringify(payload);
  state.busy[key] = true;
  if (state.snap) render(state.snap);
  try {
    const res = await fetch('/api/' + action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const body = await res.json().catch(() => ({ error: res.status + ' ' + res.statusText }));
    toast(res.ok ? body.message : body.error, !res.ok);
  } catch (err) {
    toast('The dashboard did not answer: ' + err.message, true);
  } finally {
    delete state.busy[key];
    if (state.snap) render(state.snap);
  }
}

document.addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-action]');
  if (b && !b.disabled) post(b.getAttribute('data-action'), JSON.parse(b.getAttribute('data-payload') || '{}'));
});

function setLive(ok) {
  $('live').className = 'dot ' + (ok ? 'ok' : 'bad');
  $('live-text').textContent = ok ? 'live' : 'reconnecting…';
}

const events = new EventSource('/events');
events.onmessage = (m) => {
  const s = JSON.parse(m.data);
  state.offset = s.now - Date.now();
  state.snap = s;
  render(s);
  setLive(true);
};
events.onopen = () => setLive(true);
events.onerror = () => setLive(false);

setInterval(() => {
  for (const e of document.querySelectorAll('[data-since]')) e.textContent = fmtAgo(now() - Number(e.getAttribute('data-since')));
}, 250);
`;
