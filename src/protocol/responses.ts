/**
 * Reply decoders: the ReplyHeader and each op's response record.
 * @module
 */
import { readACL, readStat, type ACL, type Stat } from './records.js';
import type { Reader } from './reader.js';

/** The 16-byte header of every server reply after the handshake. */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

/** Decodes a ReplyHeader. @throws DecodeError if truncated. */
export function readReplyHeader(r: Reader): ReplyHeader {
  return { xid: r.int(), zxid: r.long(), err: r.int() };
}

/** Create2Response: actual path (with sequence suffix) and the new node's Stat. */
export function readCreate2(r: Reader): { path: string; stat: Stat } {
  return { path: r.string(), stat: readStat(r) };
}

/** GetDataResponse: data (`null` when the node was created with null data) and Stat. */
export function readGetData(r: Reader): { data: Buffer | null; stat: Stat } {
  return { data: r.buffer(), stat: readStat(r) };
}

/** A vector of strings (GetChildrenResponse, GetEphemeralsResponse). */
export function readStrings(r: Reader): string[] {
  return r.vector((x) => x.string());
}

/** GetChildren2Response: child names (unordered) and the parent's Stat. */
export function readGetChildren2(r: Reader): { children: string[]; stat: Stat } {
  return { children: readStrings(r), stat: readStat(r) };
}

/** GetACLResponse: the ACL list and Stat. */
export function readGetACL(r: Reader): { acl: ACL[]; stat: Stat } {
  return { acl: r.vector(readACL), stat: readStat(r) };
}
