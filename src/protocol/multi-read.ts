/**
 * multiRead (22, ZooKeeper 3.6+): getData / getChildren sub-ops run one by one on the server;
 * a failing op becomes an error result of its own and the others stay valid.
 * @module
 */
import { OpCode } from './constants.js';
import type { Reader } from './reader.js';
import { readStat, type Stat } from './records.js';
import { requestWriter, writePathWatch } from './requests.js';
import { readStrings } from './responses.js';

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

/** Decodes a multiRead response body. @throws Error on an unknown result type. */
export function readMultiReadResults(r: Reader): MultiReadResult[] {
  const out: MultiReadResult[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    const err = r.int();
    if (done) return out;
    if (type === OpCode.getData) out.push({ op: 'getData', data: r.buffer(), stat: readStat(r) });
    else if (type === OpCode.getChildren) out.push({ op: 'getChildren', children: readStrings(r) });
    else if (type === OpCode.error) {
      r.int(); // ErrorResponse repeats the header's error code
      out.push({ op: 'error', err });
    } else throw new Error(`unknown multiRead result type ${type}`);
  }
}
