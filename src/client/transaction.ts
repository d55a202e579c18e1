/**
 * Transactions (`multi`): the client-facing op and result types, and a fluent builder.
 * @module
 */
import { CreateMode } from '../protocol/constants.js';
import type { MultiOp, MultiResult } from '../protocol/multi.js';
import { OPEN_ACL_UNSAFE, type ACL, type Stat } from '../protocol/records.js';
import { badInput, errorFromCode, type ZooKeeperError } from './errors.js';
import type { Chroot } from './path.js';
import { checkACL, checkModeAndTTL, checkVersion, isSequential, toBytes, type Data } from './validate.js';

/** One operation of a transaction (client paths). */
export type Op =
  | { op: 'create'; path: string; data?: Data; mode?: CreateMode; acl?: readonly ACL[]; ttl?: number }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data: Data; version?: number }
  | { op: 'check'; path: string; version: number };

/** One operation's result. In a failed transaction every result is `{type: 'error', code}`. */
export type OpResult =
  | { type: 'create'; path: string; stat?: Stat }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' }
  | { type: 'error'; code: number };

/** Extra fields on the error a failed transaction rejects with. */
export interface TransactionFailure {
  /** Per-op results: code 0 for ops that would have succeeded, -2 for ops after the failure. */
  results: OpResult[];
  /** Index of the op that failed. */
  opIndex: number;
}

/**
 * Validates an op and converts it to its wire form. `toServer(path, sequential)` validates
 * and chroots a path. @throws BadArgumentsError.
 */
export function toMultiOp(o: Op, toServer: (p: string, sequential?: boolean) => string): MultiOp {
  switch (o?.op) {
    case 'create': {
      const { mode, ttl } = checkModeAndTTL(o.mode ?? CreateMode.PERSISTENT, o.ttl);
      return { op: 'create', path: toServer(o.path, isSequential(mode)), data: toBytes(o.data), acl: checkACL(o.acl ?? OPEN_ACL_UNSAFE), flags: mode, ttl };
    }
    case 'delete':
      return { op: 'delete', path: toServer(o.path), version: checkVersion(o.version ?? -1) };
    case 'setData':
      return { op: 'setData', path: toServer(o.path), data: toBytes(o.data), version: checkVersion(o.version ?? -1) };
    case 'check':
      return { op: 'check', path: toServer(o.path), version: checkVersion(o.version) };
    default:
      throw badInput(`unknown transaction op ${JSON.stringify((o as { op?: unknown })?.op)}: use create, delete, setData or check`);
  }
}

/** Maps a wire result to the client form, stripping the chroot from created paths. */
export function toClientResult(r: MultiResult, chroot: Chroot): OpResult {
  switch (r.op) {
    case 'create':
      return r.stat ? { type: 'create', path: chroot.toClient(r.path), stat: r.stat } : { type: 'create', path: chroot.toClient(r.path) };
    case 'error':
      return { type: 'error', code: r.err };
    default:
      return r.op === 'setData' ? { type: 'setData', stat: r.stat } : { type: r.op };
  }
}

/** Builds the error for a failed transaction: the failing op's error class, with details. */
export function multiError(results: OpResult[], opIndex: number, path: string): ZooKeeperError & TransactionFailure {
  const code = (results[opIndex] as { code: number }).code;
  const err = errorFromCode(code, path) as ZooKeeperError & TransactionFailure;
  err.message = `transaction failed at op ${opIndex}: ${err.message}`;
  err.results = results;
  err.opIndex = opIndex;
  return err;
}

/** A fluent transaction builder: add ops, then `commit()`. Nothing is sent before commit. */
export class Transaction {
  private readonly ops: Op[] = [];

  /** @param run executes the ops (the client's `multi`). */
  constructor(private readonly run: (ops: Op[]) => Promise<OpResult[]>) {}

  /** Adds a create. */
  create(path: string, data?: Data, options: { mode?: CreateMode; acl?: readonly ACL[]; ttl?: number } = {}): this {
    this.ops.push({ op: 'create', path, data, ...options });
    return this;
  }

  /** Adds a delete (`version` -1 = any). */
  delete(path: string, version = -1): this {
    this.ops.push({ op: 'delete', path, version });
    return this;
  }

  /** Adds a setData (`version` -1 = any). */
  setData(path: string, data: Data, version = -1): this {
    this.ops.push({ op: 'setData', path, data, version });
    return this;
  }

  /** Adds a version check: the transaction fails unless the node exists with this version. */
  check(path: string, version: number): this {
    this.ops.push({ op: 'check', path, version });
    return this;
  }

  /** Runs the ops atomically. @throws the failing op's error, with {@link TransactionFailure}. */
  commit(): Promise<OpResult[]> {
    return this.run(this.ops);
  }
}
