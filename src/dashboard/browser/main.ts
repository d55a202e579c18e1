/**
 * The dashboard page's script, loaded by the page as a module: it receives snapshots over
 * server-sent events, draws them, ticks the "ago" counters and wires the demo's buttons.
 * @module
 */
import type { Snapshot } from '../types.js';
import { handleActionClicks } from './actions.js';
import { $ } from './dom.js';
import { fmtAgo } from './format.js';
import { render } from './render.js';
import { now, state } from './state.js';

/** Shows whether the event stream is open (the browser reconnects it by itself). */
function setLive(ok: boolean): void {
  $('live').className = 'dot ' + (ok ? 'ok' : 'bad');
  $('live-text').textContent = ok ? 'live' : 'reconnecting…';
}

handleActionClicks();

const events = new EventSource('/events');
events.onmessage = (m: MessageEvent<string>) => {
  const s = JSON.parse(m.data) as Snapshot;
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
