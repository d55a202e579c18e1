/**
 * multiRead (22, ZooKeeper 3.6+): getData / getChildren sub-ops run one by one on the server;
 * a failing op becomes an error result of its own and the others stay valid.
 * @module
 */
import { OpCode } from './constants.js';
import { DecodeError, type Reader } from './reader.js';
import { readStat, type Stat } from './records.js';
import { requestWriter, writePathWatch } from './requests.js';
import { readStrings } from './responses.js';
import { readEachResult } from './multi.js';

/** One read of a multiRead, with a server path. */
export type MultiReadOp = { op: 'getData' | 'getChildren'; path: string };

/** One read's result, by the type the server sent. */
export type MultiReadResult = { op: 'getData'; data: Buffer | null; stat: Stat } | { op: 'getChildren'; children: string[] } | { op: 'error'; err: number };

/** Encodes a multiRead frame: MultiHeader{type, false, -1} + {path, watch=false} per op, then the terminator. */
export function encodeMultiRead(ops: readonly MultiReadOp[]): Buffer {
  const w = requestWriter(OpCode.multiRead, 32 * ops.length + 16);
  for (const o of ops) {
    w.int(o.op === 'getData' ? OpCode.getData : OpCode.getChildren).bool(false).int(-1);
    writePathWatch(w, o.path, false);
  }
  return w.int(-1).bool(true).int(-1).finish();
}

/** Decodes a multiRead response body. @throws DecodeError when truncated or on an unknown result type. */
export function readMultiReadResults(r: Reader): MultiReadResult[] {
  return readEachResult(r, (type, err): MultiReadResult => {
    if (type === OpCode.getData) return { op: 'getData', data: r.buffer(), stat: readStat(r) };
    if (type === OpCode.getChildren) return { op: 'getChildren', children: readStrings(r) };
    if (type !== OpCode.error) throw new DecodeError(`unknown multiRead result type ${type}`);
    r.int(); // ErrorResponse repeats the header's error code
    return { op: 'error', err };
  });
}
