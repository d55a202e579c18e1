/**
 * Operations that older ZooKeeper releases lack, and the memory of which ones a server refused.
 *
 * Why remember: a 3.5 server answers an opcode it does not know with UNIMPLEMENTED and then
 * closes the connection (3.5.10 logs "Received packet at server of unknown type 103"). A caller
 * that falls back after the first refusal must not trigger a second disconnect by trying again,
 * so once a server of this client refused an operation, the client refuses it locally.
 * @module
 */
import { ErrorCode, OpCode } from '../protocol/constants.js';
import { UnimplementedError } from './errors.js';

/** The first release with each operation newer than 3.5. */
const INTRODUCED_IN: ReadonlyMap<OpCode, string> = new Map([
  [OpCode.getEphemerals, '3.6.0'],
  [OpCode.getAllChildrenNumber, '3.6.0'],
  [OpCode.addWatch, '3.6.0'],
  [OpCode.multiRead, '3.6.0'],
  [OpCode.whoAmI, '3.7.0'],
]);

/** Tracks the newer-than-3.5 operations a server of one client has refused. */
export class NewerOps {
  readonly #refused = new Set<OpCode>();

  /** The error to reject with at once, when a server already refused `op`; else undefined. */
  refusal(op: OpCode, path: string | undefined): UnimplementedError | undefined {
    if (!this.#refused.has(op)) return undefined;
    return unimplemented(op, path, 'a server of this client does not implement it, so it is not sent again');
  }

  /**
   * Turns the server's UNIMPLEMENTED reply to `op` into an error that names the release the
   * operation needs, and remembers the refusal. Returns undefined for any other `err`.
   */
  onReply(op: OpCode, err: number, path: string | undefined): UnimplementedError | undefined {
    if (err !== ErrorCode.UNIMPLEMENTED || !INTRODUCED_IN.has(op)) return undefined;
    this.#refused.add(op);
    return unimplemented(op, path, 'the server does not implement it');
  }
}

function unimplemented(op: OpCode, path: string | undefined, why: string): UnimplementedError {
  const since = INTRODUCED_IN.get(op) as string;
  const where = path !== undefined ? ` (${path})` : '';
  return new UnimplementedError(path, `${OpCode[op]}${where} needs ZooKeeper ${since} or newer: ${why}`, { requiredVersion: since });
}
