/**
 * The ZooKeeper panel: one card per server with its role and health, and in the demo the
 * kill or restart button of the servers it owns.
 * @module
 */
import type { ServerView, Snapshot } from '../types.js';
import { $, el, type Child } from './dom.js';
import { agoSpan, button } from './widgets.js';

/** Redraws the server cards from `s`. */
export function renderServers(s: Snapshot): void {
  const cards = s.servers.length ? s.servers.map((v) => serverCard(v, s)) : [el('div', { class: 'empty', text: 'No servers polled yet' })];
  $('servers').replaceChildren(...cards);
}

function serverCard(v: ServerView, s: Snapshot): HTMLElement {
  const look = v.health === 'up' ? v.mode : v.health;
  const label = v.health === 'down' ? 'down' : v.health === 'not-serving' ? 'no quorum' : v.mode;
  const dot = v.health === 'up' ? 'ok' : v.health === 'down' ? 'bad' : 'warn';
  const acts = serverActions(v, s);
  return el('div', { class: 'server ' + look, 'data-server': v.id, 'data-health': v.health, title: v.version ? 'ZooKeeper ' + v.version : undefined }, [
    el('div', { class: 'srv-main' }, [
      el('div', { class: 'srv-head' }, [el('span', { class: 'dot ' + dot }), 'Server ' + v.id, el('span', { class: 'pill ' + look, text: label })]),
      el('div', { class: 'srv-meta mono', text: v.address }),
      el('div', { class: 'srv-meta mono' }, serverDetail(v)),
    ]),
    acts.length ? el('div', { class: 'srv-actions' }, acts) : null,
  ]);
}

/** Why and since when a server is down, else its zxid and client count. */
function serverDetail(v: ServerView): Child[] {
  if (v.health === 'down') return [(v.error || 'no answer') + ' · ', agoSpan(v.since)];
  const clients = v.connections !== undefined ? v.connections + (v.connections === 1 ? ' client' : ' clients') : '';
  return [[v.zxid ? 'zxid ' + v.zxid : '', clients].filter(Boolean).join(' · ')];
}

/** In the demo, for a server it owns: Restart when it was stopped, else Kill. */
function serverActions(v: ServerView, s: Snapshot): HTMLButtonElement[] {
  if (!s.actions || !v.owned) return [];
  if (v.error === 'stopped') return [button('Restart', 'primary', 'restart-server', { server: v.id }, 'Start this server again on the same data')];
  return [button('Kill', 'danger', 'kill-server', { server: v.id }, 'SIGKILL this ZooKeeper server')];
}
