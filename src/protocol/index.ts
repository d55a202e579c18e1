/**
 * The pure codec layer: no I/O, no module state.
 * @module
 */
export * from './constants.js';
export * from './framer.js';
export * from './handshake.js';
export * from './multi.js';
export * from './reader.js';
export * from './records.js';
export * from './requests.js';
export * from './responses.js';
export { Writer } from './writer.js';
