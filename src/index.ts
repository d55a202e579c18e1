/**
 * zk-elect: a pure TypeScript ZooKeeper client, and leader election / service discovery on it.
 * @module
 */
export * from './client/index.js';
export * from './recipes/index.js';
