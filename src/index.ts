/**
 * zk-elect: a pure TypeScript ZooKeeper client, and leader election / service discovery on it.
 * @module
 */
export { ZooKeeper } from './client/zookeeper.js';
export type { ZooKeeperOptions, CreateOptions, ZooKeeperEvents } from './client/zookeeper.js';
export type { WatchedEvent, Watcher } from './client/watches.js';
export { realClock } from './client/clock.js';
export type { Clock, TimerHandle } from './client/clock.js';
export { dialTcp } from './client/tcp-dialer.js';
export type { Dialer, DialOptions, Transport } from './client/transport.js';
export { Transaction } from './client/transaction.js';
export type { Op, OpResult, TransactionFailure } from './client/transaction.js';
export * from './client/errors.js';
export { parseConnectString } from './client/connect-string.js';
export { fourLetterWord, parseMntr, parseSrvr, parseWchp } from './client/four-letter.js';
export type { FourLetterWordOptions, SrvrInfo } from './client/four-letter.js';
export type { ConnectString, HostPort } from './client/connect-string.js';
export { validatePath } from './client/path.js';
export type { Data } from './client/validate.js';
export { AddWatchMode, CreateMode, ErrorCode, EventType, KeeperState, Perms, WatcherType } from './protocol/constants.js';
export { OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE } from './protocol/records.js';
export type { ACL, Id, Stat } from './protocol/records.js';
export * from './recipes/index.js';
