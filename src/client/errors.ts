/**
 * Typed errors. Every failure of a client call rejects with a {@link ZooKeeperError} subclass
 * carrying the numeric `code` (the server's code, or the client-side one for connection loss,
 * session expiry, closed client and bad input) and a readable `codeName`.
 * @module
 */
import { ErrorCode } from '../protocol/constants.js';

/** Base class of every error the client reports. */
export class ZooKeeperError extends Error {
  override name = 'ZooKeeperError';
  /** The numeric ZooKeeper error code, e.g. -101 for NONODE. */
  readonly code: number;
  /** The path the failed operation was about, when there is one. */
  readonly path?: string;

  /** @param code numeric error code; @param message human text; @param path related path. */
  constructor(code: number, message: string, path?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    if (path !== undefined) this.path = path;
  }

  /** The code's name, e.g. `NONODE`, or `UNKNOWN(<code>)`. */
  get codeName(): string {
    return ErrorCode[this.code] ?? `UNKNOWN(${this.code})`;
  }
}

function errorClass(name: string, code: ErrorCode, what: string) {
  const cls = class extends ZooKeeperError {
    override name = name;
    constructor(path?: string, message?: string, options?: { cause?: unknown }) {
      super(code, message ?? (path ? `${what}: ${path}` : what), path, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

/** -101: the node does not exist. */
export const NoNodeError = errorClass('NoNodeError', ErrorCode.NONODE, 'node does not exist');
/** -110: the node already exists. */
export const NodeExistsError = errorClass('NodeExistsError', ErrorCode.NODEEXISTS, 'node already exists');
/** -103: the expected version did not match. */
export const BadVersionError = errorClass('BadVersionError', ErrorCode.BADVERSION, 'version does not match');
/** -111: the node has children and cannot be deleted. */
export const NotEmptyError = errorClass('NotEmptyError', ErrorCode.NOTEMPTY, 'node has children');
/** -102: the ACL does not allow this operation for the caller's identities. */
export const NoAuthError = errorClass('NoAuthError', ErrorCode.NOAUTH, 'not authorized');
/** -108: ephemeral nodes cannot have children. */
export const NoChildrenForEphemeralsError = errorClass('NoChildrenForEphemeralsError', ErrorCode.NOCHILDRENFOREPHEMERALS, 'ephemeral nodes cannot have children');
/** -114: the ACL is invalid (empty, bad scheme/id, or `auth` with no authenticated identity). */
export const InvalidACLError = errorClass('InvalidACLError', ErrorCode.INVALIDACL, 'invalid ACL');
/** -115: the server rejected the credentials; the client is finished. */
export const AuthFailedError = errorClass('AuthFailedError', ErrorCode.AUTHFAILED, 'authentication failed');
/** -8: the server (or this client, before sending) rejected an argument. */
export const BadArgumentsError = errorClass('BadArgumentsError', ErrorCode.BADARGUMENTS, 'bad arguments');
/** -6: the server does not implement the request (older version, or TTL nodes disabled). */
export const UnimplementedError = errorClass('UnimplementedError', ErrorCode.UNIMPLEMENTED, 'operation not implemented by the server');
/** -5: the server could not parse the request. */
export const MarshallingError = errorClass('MarshallingError', ErrorCode.MARSHALLINGERROR, 'server could not decode the request');
/** -119: a write was sent to a read-only server. */
export const NotReadOnlyError = errorClass('NotReadOnlyError', ErrorCode.NOTREADONLY, 'server is read-only');
/** -121: no such watch to remove. */
export const NoWatcherError = errorClass('NoWatcherError', ErrorCode.NOWATCHER, 'no watcher');
/** -2: a later sub-op of a failed transaction (it was rolled back, not attempted). */
export const RuntimeInconsistencyError = errorClass('RuntimeInconsistencyError', ErrorCode.RUNTIMEINCONSISTENCY, 'transaction rolled back');
/**
 * -4: the connection dropped while the request was in flight or queued. The outcome of a
 * write is unknown: it may or may not have been applied.
 */
export const ConnectionLossError = errorClass('ConnectionLossError', ErrorCode.CONNECTIONLOSS, 'connection to ZooKeeper lost');
/** -112: the session expired; every ephemeral node of it is gone and the client is finished. */
export const SessionExpiredError = errorClass('SessionExpiredError', ErrorCode.SESSIONEXPIRED, 'ZooKeeper session expired');
/** -116 (client-side): the client was closed before or while the call was made. */
export const ClientClosedError = errorClass('ClientClosedError', ErrorCode.CLOSING, 'ZooKeeper client is closed');
/** -122 (client-side): a call or connect attempt did not complete in time. */
export const RequestTimeoutError = errorClass('RequestTimeoutError', ErrorCode.REQUESTTIMEOUT, 'request timed out');

const byCode = new Map<number, new (path?: string, message?: string) => ZooKeeperError>([
  [ErrorCode.NONODE, NoNodeError],
  [ErrorCode.NODEEXISTS, NodeExistsError],
  [ErrorCode.BADVERSION, BadVersionError],
  [ErrorCode.NOTEMPTY, NotEmptyError],
  [ErrorCode.NOAUTH, NoAuthError],
  [ErrorCode.NOCHILDRENFOREPHEMERALS, NoChildrenForEphemeralsError],
  [ErrorCode.INVALIDACL, InvalidACLError],
  [ErrorCode.AUTHFAILED, AuthFailedError],
  [ErrorCode.BADARGUMENTS, BadArgumentsError],
  [ErrorCode.UNIMPLEMENTED, UnimplementedError],
  [ErrorCode.MARSHALLINGERROR, MarshallingError],
  [ErrorCode.NOTREADONLY, NotReadOnlyError],
  [ErrorCode.NOWATCHER, NoWatcherError],
  [ErrorCode.RUNTIMEINCONSISTENCY, RuntimeInconsistencyError],
  [ErrorCode.CONNECTIONLOSS, ConnectionLossError],
  [ErrorCode.SESSIONEXPIRED, SessionExpiredError],
  [ErrorCode.CLOSING, ClientClosedError],
  [ErrorCode.REQUESTTIMEOUT, RequestTimeoutError],
]);

/** Builds the error subclass for a numeric code (a plain ZooKeeperError for rarer codes). */
export function errorFromCode(code: number, path?: string): ZooKeeperError {
  const cls = byCode.get(code);
  if (cls) return new cls(path);
  const name = ErrorCode[code] ?? `UNKNOWN(${code})`;
  return new ZooKeeperError(code, path ? `${name}: ${path}` : name, path);
}

/** Client-side validation failure: nothing was sent to the server. */
export function badInput(message: string, path?: string): ZooKeeperError {
  return new BadArgumentsError(path, message);
}
