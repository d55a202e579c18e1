/**
 * The timeline panel: failover tiles (last and average duration) and the entries, newest first.
 * @module
 */
import type { Snapshot, TimelineEntry } from '../types.js';
import { $, el } from './dom.js';
import { fmtMs, fmtTime } from './format.js';

/** A failover entry with its measured duration. */
type Measured = TimelineEntry & { durationMs: number };

/** Redraws the tiles and the entries from `s`. */
export function renderTimeline(s: Snapshot): void {
  $('measure').textContent = s.failoverMeasure;
  const fo = s.timeline.filter((e): e is Measured => e.kind === 'failover' && e.durationMs !== undefined);
  $('stats').replaceChildren(...(s.mode === 'demo'
    ? [causeStat('Crash (SIGKILL)', fo.filter((e) => e.cause === 'crash')), causeStat('Graceful (SIGTERM)', fo.filter((e) => e.cause === 'graceful'))]
    : [causeStat('Last failover', fo), stat('Failovers seen', String(fo.length), '')]));
  $('timeline').replaceChildren(...s.timeline.slice().reverse().map(entryItem));
}

function entryItem(e: TimelineEntry): HTMLLIElement {
  const how = e.measured === 'znode' ? 'znode deleted → new smallest znode seen' : 'your action → elected event of the new leader';
  return el('li', { class: 'entry ' + e.kind, 'data-kind': e.kind }, [
    el('span', { class: 't', text: fmtTime(e.time) }),
    el('span', { class: 'txt', text: e.text }),
    e.durationMs !== undefined ? el('span', { class: 'dur', title: how, text: fmtMs(e.durationMs) }) : el('span'),
  ]);
}

function stat(label: string, value: string, note?: string): HTMLElement {
  return el('div', { class: 'stat' }, [el('div', { class: 'k', text: label }), el('div', { class: 'v', text: value }), el('div', { class: 'n', text: note || ' ' })]);
}

/** A tile with the last duration of a list of failovers, and their average. */
function causeStat(label: string, list: readonly Measured[]): HTMLElement {
  const last = list.at(-1);
  if (!last) return stat(label, '—', 'none yet');
  const avg = list.reduce((a, e) => a + e.durationMs, 0) / list.length;
  return stat(label, fmtMs(last.durationMs), list.length > 1 ? 'avg ' + fmtMs(avg) + ' of ' + list.length : 'last');
}
