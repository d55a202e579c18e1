/**
 * multi (14): an atomic transaction of create / delete / setData / check sub-ops.
 * @module
 */
import { OpCode } from './constants.js';
import { readStat, type ACL, type Stat } from './records.js';
import { DecodeError, type Reader } from './reader.js';
import { requestWriter, writeCreate, writePathVersion, writeSetData } from './requests.js';

/** One sub-operation of a transaction, with server paths. */
export type MultiOp =
  | { op: 'create'; path: string; data: Uint8Array | null; acl: readonly ACL[]; flags: number; ttl?: bigint }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: Uint8Array | null; version: number }
  | { op: 'check'; path: string; version: number };

/** One sub-operation's result, decoded by the result type the server sent. */
export type MultiResult =
  | { op: 'create'; path: string; stat?: Stat }
  | { op: 'delete' }
  | { op: 'setData'; stat: Stat }
  | { op: 'check' }
  | { op: 'error'; err: number };

/** Opcode for a create sub-op: TTL and container modes need their own opcodes. */
function createOpcode(flags: number): OpCode {
  if (flags === 4) return OpCode.createContainer;
  if (flags === 5 || flags === 6) return OpCode.createTTL;
  return OpCode.create;
}

/** Encodes a multi request frame: a MultiHeader + record per op, then the terminator. */
export function encodeMulti(ops: readonly MultiOp[]): Buffer {
  const w = requestWriter(OpCode.multi, 64 * ops.length + 16);
  for (const o of ops) {
    switch (o.op) {
      case 'create': {
        const code = createOpcode(o.flags);
        w.int(code).bool(false).int(-1);
        writeCreate(w, o.path, o.data, o.acl, o.flags, code === OpCode.createTTL ? o.ttl ?? 0n : undefined);
        break;
      }
      case 'delete':
        w.int(OpCode.delete).bool(false).int(-1);
        writePathVersion(w, o.path, o.version);
        break;
      case 'setData':
        w.int(OpCode.setData).bool(false).int(-1);
        writeSetData(w, o.path, o.data, o.version);
        break;
      case 'check':
        w.int(OpCode.check).bool(false).int(-1);
        writePathVersion(w, o.path, o.version);
        break;
    }
  }
  return w.int(-1).bool(true).int(-1).finish();
}

/**
 * Decodes a multi response body. Dispatches on each result's own type (a create may come back
 * as type 1 or 15 depending on the server version). @throws DecodeError on an unknown type.
 */
export function readMultiResults(r: Reader): MultiResult[] {
  return readEachResult(r, (type, err) => readOneResult(r, type, err));
}

/**
 * Reads a multi or multiRead response: MultiHeader{type, done, err} records, each followed by
 * the body `readOne` reads, until the header marked done. @throws what `readOne` throws.
 */
export function readEachResult<T>(r: Reader, readOne: (type: number, err: number) => T): T[] {
  const out: T[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    const err = r.int();
    if (done) return out;
    out.push(readOne(type, err));
  }
}

function readOneResult(r: Reader, type: number, headerErr: number): MultiResult {
  switch (type) {
    case OpCode.create:
      return { op: 'create', path: r.string() };
    case OpCode.create2:
    case OpCode.createTTL:
    case OpCode.createContainer:
      return { op: 'create', path: r.string(), stat: readStat(r) };
    case OpCode.delete:
      return { op: 'delete' };
    case OpCode.setData:
      return { op: 'setData', stat: readStat(r) };
    case OpCode.check:
      return { op: 'check' };
    case OpCode.error:
      r.int(); // ErrorResponse repeats the header's error code
      return { op: 'error', err: headerErr };
    default:
      throw new DecodeError(`unknown multi result type ${type}`);
  }
}
