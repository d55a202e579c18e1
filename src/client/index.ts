/**
 * The client's public surface: the ZooKeeper class, its options, errors, seams and the
 * protocol's constants and records it speaks in. The recipes import the client only from here.
 * @module
 */
export { ZooKeeper, sessionIdHex } from './zookeeper.js';
export type { ZooKeeperOptions, CreateOptions, ZooKeeperEvents, SaslOption, ReadOp, ReadResult, ClientInfo } from './zookeeper.js';
export { digestMd5, type DigestMd5Options } from './sasl/digest-md5.js';
export { digestACL, ipACL, saslACL } from './acl.js';
export type { SaslExchange, SaslMechanism } from './sasl/mechanism.js';
export type { WatchedEvent, Watcher } from './watches.js';
export { realClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { dialTcp } from './tcp-dialer.js';
export type { Dialer, DialOptions, Transport } from './transport.js';
export { Transaction } from './transaction.js';
export type { Op, OpResult, TransactionFailure } from './transaction.js';
export * from './errors.js';
export { parseConnectString } from './connect-string.js';
export { fourLetterWord, parseMntr, parseSrvr, parseWchp } from './four-letter.js';
export type { FourLetterWordOptions, SrvrInfo } from './four-letter.js';
export type { ConnectString, HostPort } from './connect-string.js';
export { validatePath } from './path.js';
export type { Data } from './validate.js';
export { NameList } from '../protocol/name-list.js';
export { AddWatchMode, CreateMode, ErrorCode, EventType, KeeperState, Perms, WatcherType } from '../protocol/constants.js';
export { OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE } from '../protocol/records.js';
export type { ACL, Id, Stat } from '../protocol/records.js';
