/**
 * The named services panel: each service under the base path (Curator's x-discovery layout)
 * with its instances' address:port, id and URI, beside the design's flat registry.
 * @module
 */
import type { NamedServiceView, ServiceInstanceView, Snapshot } from '../types.js';
import { $, el } from './dom.js';

/** Redraws the named services panel from `s`. */
export function renderServices(s: Snapshot): void {
  $('base-path').textContent = s.basePath;
  const blocks = s.services.map(serviceBlock);
  $('services').replaceChildren(...(blocks.length ? blocks : [el('div', { class: 'empty', text: 'No named service under ' + s.basePath })]));
}

function serviceBlock(svc: NamedServiceView): HTMLElement {
  const rows = svc.instances.map(instanceRow);
  return el('div', { class: 'svc', 'data-service': svc.name }, [
    el('div', { class: 'svc-name' }, [el('b', { text: svc.name }), el('span', { class: 'who', text: svc.instances.length + (svc.instances.length === 1 ? ' instance' : ' instances') })]),
    ...rows,
  ]);
}

function instanceRow(i: ServiceInstanceView): HTMLElement {
  const endpoint = i.port === null ? i.address : i.address + ':' + i.port;
  return el('div', { class: 'reg' + (i.enabled ? '' : ' dead'), 'data-instance': i.id, title: i.payload ? 'payload ' + i.payload : undefined }, [
    el('code', { text: endpoint }),
    i.uri ? el('span', { class: 'mono', text: i.uri }) : null,
    el('span', { class: 'who mono', text: i.enabled ? i.id : i.id + ' (disabled)' }),
  ]);
}
