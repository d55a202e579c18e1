// The oracle's operations and the one text form both clients' transcripts are written in
// (test/interop/ZkOracle.java prints it, test/support/oracle-ours.ts writes it for zk-elect):
// tab-separated fields, strings as base64 of their UTF-8, data as hex or "-" for null.
import type { ACL, CreateMode, Op, OpResult, Stat } from '../../src/index.js';

/** One operation of a generated sequence (connect and close frame every sequence). */
export type OracleOp =
  | { op: 'create'; path: string; data: Uint8Array | null; mode: CreateMode; ttl?: number; acl: readonly ACL[]; withStat: boolean }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: Uint8Array | null; version: number }
  | { op: 'getData' | 'exists' | 'getChildren' | 'getChildren2'; path: string; watch: boolean }
  | { op: 'getACL'; path: string }
  | { op: 'setACL'; path: string; acl: readonly ACL[]; version: number }
  | { op: 'sync'; path: string }
  /** Every watch of `type` (1 children, 2 data, 3 any: what 3.5 knows) on the path, the server's too. */
  | { op: 'removeWatches'; path: string; type: 1 | 2 | 3 }
  | { op: 'multi'; ops: Op[] };

/** base64 of a string's UTF-8. */
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Hex of node data, "-" for none. */
export const hex = (data: Uint8Array | null | undefined): string => (data == null ? '-' : Buffer.from(data).toString('hex'));

/** An ACL list: "[]" when empty, else perms/b64(scheme)/b64(id) joined by commas. */
export const aclField = (acl: readonly ACL[]): string => (acl.length === 0 ? '[]' : acl.map((a) => `${a.perms}/${b64(a.id.scheme)}/${b64(a.id.id)}`).join(','));

/** Children names sorted (the server's order is its hash set's), base64 each, in brackets. */
export const childrenField = (names: readonly string[]): string => `[${[...names].sort().map(b64).join(',')}]`;

/**
 * A Stat's compared fields as ZkOracle.java prints them: every field but ctime and mtime, the
 * ephemeral owner as unsigned hex, or `self` when it is the session's own id.
 */
export function statField(s: Stat, sessionId: bigint): string {
  const owner = BigInt.asUintN(64, s.ephemeralOwner);
  const who = owner !== 0n && owner === BigInt.asUintN(64, sessionId) ? 'self' : owner.toString(16);
  return [s.czxid, s.mzxid, s.pzxid, s.version, s.cversion, s.aversion, who, s.dataLength, s.numChildren].join(',');
}

/** A multi's results, one field each, each preceded by a tab (ZkOracle.multiResults). */
export function multiFields(results: readonly OpResult[], sessionId: bigint): string {
  return results
    .map((r) => {
      switch (r.type) {
        case 'create':
          return `\tcreate:${b64(r.path)}${r.stat ? `:${statField(r.stat, sessionId)}` : ''}`;
        case 'setData':
          return `\tsetData:${statField(r.stat, sessionId)}`;
        case 'error':
          return `\terror:${r.code}`;
        default:
          return `\t${r.type}`;
      }
    })
    .join('');
}

/** A multi sub-op as ZkOracle.subOp reads it. */
function subOpLine(o: Op): string {
  switch (o.op) {
    case 'create':
      return ['create', b64(o.path), hex(o.data as Uint8Array | null), o.mode ?? 0, o.ttl ?? -1, aclField(o.acl ?? [])].join('\t');
    case 'delete':
      return ['delete', b64(o.path), o.version ?? -1].join('\t');
    case 'setData':
      return ['setData', b64(o.path), hex(o.data as Uint8Array | null), o.version ?? -1].join('\t');
    case 'check':
      return ['check', b64(o.path), o.version].join('\t');
  }
}

/** The stdin line ZkOracle.java reads for op number `index`. */
export function javaLine(index: number, o: OracleOp): string {
  const fields: Array<string | number> = [index, o.op];
  switch (o.op) {
    case 'create':
      fields.push(b64(o.path), hex(o.data), o.mode, o.ttl ?? -1, aclField(o.acl), o.withStat ? 1 : 0);
      break;
    case 'delete':
      fields.push(b64(o.path), o.version);
      break;
    case 'setData':
      fields.push(b64(o.path), hex(o.data), o.version);
      break;
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'getChildren2':
      fields.push(b64(o.path), o.watch ? 1 : 0);
      break;
    case 'setACL':
      fields.push(b64(o.path), aclField(o.acl), o.version);
      break;
    case 'getACL':
    case 'sync':
      fields.push(b64(o.path));
      break;
    case 'removeWatches':
      fields.push(b64(o.path), o.type);
      break;
    case 'multi':
      fields.push(...o.ops.map((s) => b64(subOpLine(s))));
      break;
  }
  return fields.join('\t');
}

/** An event line: `E`, the tag of the op whose watch fired (or `default`), type, state, path. */
export function eventLine(tag: string, type: number, state: number, path: string | undefined): string {
  return ['E', tag, type, state, path === undefined ? '-' : b64(path)].join('\t');
}

/** A transcript line made readable: base64 fields decoded to JSON strings (for failure messages). */
export function readable(line: string): string {
  return line.replace(/(?<=^|[\t:/,[])([A-Za-z0-9+/]{2,}={0,2})(?=$|[\t:/,\]])/g, (m) => {
    if (m.length % 4 !== 0) return m;
    const text = Buffer.from(m, 'base64').toString('utf8');
    const printable = !/[\u0001-\u001f\ufffd]/.test(text);
    return printable && Buffer.from(text, 'utf8').toString('base64') === m ? JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text) : m;
  });
}
