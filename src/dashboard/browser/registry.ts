/**
 * The service registry panel: the workers' addresses under the registry path.
 * @module
 */
import type { Snapshot } from '../types.js';
import { $, el } from './dom.js';

/** Redraws the registry panel from `s`. */
export function renderRegistry(s: Snapshot): void {
  $('registry-path').textContent = s.registryPath;
  const rows = s.registry.map((r) =>
    el('div', { class: 'reg' }, [
      el('code', { text: r.address.replace(/^https?:\/\//, '') }),
      r.nodeId ? el('span', { class: 'who', text: r.nodeId }) : el('span', { class: 'who mono', text: r.znode }),
    ]),
  );
  $('registry').replaceChildren(...(rows.length ? rows : [el('div', { class: 'empty', text: 'No worker registered' })]));
}
