/**
 * Shared jute records: Stat, Id, ACL, WatcherEvent.
 * @module
 */
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * Metadata of a znode. 64-bit zxids and the owner session id are bigints (they exceed 2^53);
 * times are milliseconds since the epoch as numbers.
 */
export interface Stat {
  /** zxid of the transaction that created the node (a cluster-wide, monotonic number). */
  czxid: bigint;
  /** zxid of the last data change. */
  mzxid: bigint;
  /** creation time (ms since epoch, leader's clock). */
  ctime: number;
  /** last modification time (ms since epoch). */
  mtime: number;
  /** data version: number of setData calls. */
  version: number;
  /** child version: number of child creates plus deletes. */
  cversion: number;
  /** ACL version. */
  aversion: number;
  /** owning session id for ephemeral nodes; 0n otherwise. */
  ephemeralOwner: bigint;
  /** data length in bytes. */
  dataLength: number;
  /** number of direct children. */
  numChildren: number;
  /** zxid of the last child create or delete. */
  pzxid: bigint;
}

/** An identity: scheme plus id, e.g. `{scheme: 'world', id: 'anyone'}`. */
export interface Id {
  scheme: string;
  id: string;
}

/** One ACL entry: permission bits (see `Perms`) granted to an identity. */
export interface ACL {
  perms: number;
  id: Id;
}

/** A server notification as it arrives (server path, not yet chroot-stripped). */
export interface WatcherEventRecord {
  type: number;
  state: number;
  path: string;
}

/** Decodes a 68-byte Stat. @throws DecodeError if truncated. */
export function readStat(r: Reader): Stat {
  return {
    czxid: r.long(),
    mzxid: r.long(),
    ctime: r.longNumber(),
    mtime: r.longNumber(),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.long(),
  };
}

/** Decodes one ACL entry. */
export function readACL(r: Reader): ACL {
  const perms = r.int();
  const scheme = r.string();
  const id = r.string();
  return { perms, id: { scheme, id } };
}

/** Encodes one ACL entry. */
export function writeACL(w: Writer, acl: ACL): void {
  w.int(acl.perms).string(acl.id.scheme).string(acl.id.id);
}

/** Decodes a WatcherEvent (the body of an xid -1 frame). */
export function readWatcherEvent(r: Reader): WatcherEventRecord {
  return { type: r.int(), state: r.int(), path: r.string() };
}

/** `world:anyone` with all permissions: Java's `OPEN_ACL_UNSAFE`. */
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
/** All permissions for the caller's authenticated identities: Java's `CREATOR_ALL_ACL`. */
export const CREATOR_ALL_ACL: readonly ACL[] = Object.freeze([{ perms: 31, id: { scheme: 'auth', id: '' } }]);
/** Read-only for everyone: Java's `READ_ACL_UNSAFE`. */
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
