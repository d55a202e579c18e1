/**
 * Request encoders: a RequestHeader followed by the op's record. Every request frame is built
 * with xid 0 at payload offset 0 (frame offset 4); the session patches the real xid in at send
 * time, so that xids follow send order even for requests queued while disconnected.
 * @module
 */
import { OpCode, Xid } from './constants.js';
import { writeACL, type ACL } from './records.js';
import { Writer } from './writer.js';

/** Frame offset of the xid field in a request frame (after the 4-byte length prefix). */
export const XID_OFFSET = 4;

/** Writes the xid into an encoded request frame. */
export function patchXid(frame: Buffer, xid: number): void {
  frame.writeInt32BE(xid, XID_OFFSET);
}

/** Starts a request frame with a placeholder xid and the opcode. */
export function requestWriter(op: OpCode, sizeHint = 64): Writer {
  return new Writer(sizeHint + 8).int(0).int(op);
}

/** CreateRequest / CreateTTLRequest body (`ttl` only for opcode createTTL). */
export function writeCreate(w: Writer, path: string, data: Uint8Array | null, acl: readonly ACL[], flags: number, ttl?: bigint): Writer {
  w.string(path).buffer(data).vector(acl, writeACL).int(flags);
  if (ttl !== undefined) w.long(ttl);
  return w;
}

/** Body of exists / getData / getChildren / getChildren2: path and watch flag. */
export function writePathWatch(w: Writer, path: string, watch: boolean): Writer {
  return w.string(path).bool(watch);
}

/** Body of delete, check: path and version (-1 = any). */
export function writePathVersion(w: Writer, path: string, version: number): Writer {
  return w.string(path).int(version);
}

/** SetDataRequest body. */
export function writeSetData(w: Writer, path: string, data: Uint8Array | null, version: number): Writer {
  return w.string(path).buffer(data).int(version);
}

/** SetACLRequest body (`version` is compared with the node's aversion). */
export function writeSetACL(w: Writer, path: string, acl: readonly ACL[], version: number): Writer {
  return w.string(path).vector(acl, writeACL).int(version);
}

/** Body of addWatch / removeWatches / checkWatches: path plus a mode or watcher type. */
export function writePathInt(w: Writer, path: string, value: number): Writer {
  return w.string(path).int(value);
}

/** A complete auth frame (xid -4, opcode 100): AuthPacket{type 0, scheme, auth}. */
export function encodeAuth(scheme: string, auth: Uint8Array): Buffer {
  return new Writer(16 + scheme.length + auth.length).int(Xid.auth).int(OpCode.auth).int(0).string(scheme).buffer(auth).finish();
}

/** A complete ping frame (xid -2, opcode 11). */
export function encodePing(): Buffer {
  return new Writer(8).int(Xid.ping).int(OpCode.ping).finish();
}

/** Lists of paths to re-register after a reconnect (server paths). */
export interface WatchLists {
  data: string[];
  exist: string[];
  child: string[];
  persistent: string[];
  persistentRecursive: string[];
}

/**
 * Encodes one SetWatches (101) frame, or SetWatches2 (105) when persistent watches are present,
 * so that 3.5 servers keep working for clients that use none. Empty lists are sent as count 0
 * (a null vector makes the server answer MARSHALLINGERROR).
 */
export function encodeSetWatches(relativeZxid: bigint, lists: WatchLists): Buffer {
  const v2 = lists.persistent.length > 0 || lists.persistentRecursive.length > 0;
  const w = requestWriter(v2 ? OpCode.setWatches2 : OpCode.setWatches, 256).long(relativeZxid);
  const str = (wr: Writer, s: string) => void wr.string(s);
  w.vector(lists.data, str).vector(lists.exist, str).vector(lists.child, str);
  if (v2) w.vector(lists.persistent, str).vector(lists.persistentRecursive, str);
  return w.finish();
}

/** Paths per SetWatches packet are capped at about this many characters (ZOOKEEPER-706). */
export const SET_WATCHES_MAX_CHARS = 128 * 1024;

/**
 * Splits watch lists into batches whose path characters stay under
 * {@link SET_WATCHES_MAX_CHARS}, so no packet approaches the server's 1 MB frame limit.
 */
export function batchWatchLists(lists: WatchLists): WatchLists[] {
  const keys = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const;
  const batches: WatchLists[] = [];
  let cur = emptyLists();
  let chars = 0;
  for (const key of keys) {
    for (const p of lists[key]) {
      if (chars + p.length > SET_WATCHES_MAX_CHARS && chars > 0) {
        batches.push(cur);
        cur = emptyLists();
        chars = 0;
      }
      cur[key].push(p);
      chars += p.length;
    }
  }
  if (chars > 0) batches.push(cur);
  return batches;
}

/** An empty set of watch lists. */
export function emptyLists(): WatchLists {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}
