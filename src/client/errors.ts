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

function describe(what: string, path?: string): string {
  return path ? `${what}: ${path}` : what;
}


/** -101: the node does not exist. */
export class NoNodeError extends ZooKeeperError {
  override name = 'NoNodeError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NONODE, message ?? describe('node does not exist', path), path, options);
  }
}

/** -110: the node already exists. */
export class NodeExistsError extends ZooKeeperError {
  override name = 'NodeExistsError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NODEEXISTS, message ?? describe('node already exists', path), path, options);
  }
}

/** -103: the expected version did not match. */
export class BadVersionError extends ZooKeeperError {
  override name = 'BadVersionError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.BADVERSION, message ?? describe('version does not match', path), path, options);
  }
}

/** -111: the node has children and cannot be deleted. */
export class NotEmptyError extends ZooKeeperError {
  override name = 'NotEmptyError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOTEMPTY, message ?? describe('node has children', path), path, options);
  }
}

/** -102: the ACL does not allow this operation for the caller's identities. */
export class NoAuthError extends ZooKeeperError {
  override name = 'NoAuthError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOAUTH, message ?? describe('not authorized', path), path, options);
  }
}

/** -108: ephemeral nodes cannot have children. */
export class NoChildrenForEphemeralsError extends ZooKeeperError {
  override name = 'NoChildrenForEphemeralsError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOCHILDRENFOREPHEMERALS, message ?? describe('ephemeral nodes cannot have children', path), path, options);
  }
}

/** -114: the ACL is invalid (empty, bad scheme/id, or `auth` with no authenticated identity). */
export class InvalidACLError extends ZooKeeperError {
  override name = 'InvalidACLError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALIDACL, message ?? describe('invalid ACL', path), path, options);
  }
}

/** -115: the server rejected the credentials; the client is finished. */
export class AuthFailedError extends ZooKeeperError {
  override name = 'AuthFailedError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.AUTHFAILED, message ?? describe('authentication failed', path), path, options);
  }
}

/** -8: the server (or this client, before sending) rejected an argument. */
export class BadArgumentsError extends ZooKeeperError {
  override name = 'BadArgumentsError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.BADARGUMENTS, message ?? describe('bad arguments', path), path, options);
  }
}

/** -6: the server does not implement the request (older version, or TTL nodes disabled). */
export class UnimplementedError extends ZooKeeperError {
  override name = 'UnimplementedError';
  /** The first ZooKeeper release with the operation, when the operation is newer than 3.5 (e.g. `3.6.0`). */
  readonly requiredVersion?: string;
  constructor(path?: string, message?: string, options?: { cause?: unknown; requiredVersion?: string }) {
    super(ErrorCode.UNIMPLEMENTED, message ?? describe('operation not implemented by the server', path), path, options);
    if (options?.requiredVersion !== undefined) this.requiredVersion = options.requiredVersion;
  }
}

/** -5: the server could not parse the request. */
export class MarshallingError extends ZooKeeperError {
  override name = 'MarshallingError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.MARSHALLINGERROR, message ?? describe('server could not decode the request', path), path, options);
  }
}

/** -119: a write was sent to a read-only server. */
export class NotReadOnlyError extends ZooKeeperError {
  override name = 'NotReadOnlyError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOTREADONLY, message ?? describe('server is read-only', path), path, options);
  }
}

/** -121: no such watch to remove. */
export class NoWatcherError extends ZooKeeperError {
  override name = 'NoWatcherError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOWATCHER, message ?? describe('no watcher', path), path, options);
  }
}

/** -2: a later sub-op of a failed transaction (it was rolled back, not attempted). */
export class RuntimeInconsistencyError extends ZooKeeperError {
  override name = 'RuntimeInconsistencyError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.RUNTIMEINCONSISTENCY, message ?? describe('transaction rolled back', path), path, options);
  }
}

/**
 * -4: the connection dropped while the request was in flight or queued. The outcome of a
 * write is unknown: it may or may not have been applied.
 */
export class ConnectionLossError extends ZooKeeperError {
  override name = 'ConnectionLossError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.CONNECTIONLOSS, message ?? describe('connection to ZooKeeper lost', path), path, options);
  }
}

/** -112: the session expired; every ephemeral node of it is gone and the client is finished. */
export class SessionExpiredError extends ZooKeeperError {
  override name = 'SessionExpiredError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.SESSIONEXPIRED, message ?? describe('ZooKeeper session expired', path), path, options);
  }
}

/** -116 (client-side): the client was closed before or while the call was made. */
export class ClientClosedError extends ZooKeeperError {
  override name = 'ClientClosedError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.CLOSING, message ?? describe('ZooKeeper client is closed', path), path, options);
  }
}

/** -122 (client-side): a call or connect attempt did not complete in time. */
export class RequestTimeoutError extends ZooKeeperError {
  override name = 'RequestTimeoutError';
  constructor(path?: string, message?: string, options?: { cause?: unknown }) {
    super(ErrorCode.REQUESTTIMEOUT, message ?? describe('request timed out', path), path, options);
  }
}

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

/** The ZooKeeper error code of `err` (compare with {@link ErrorCode}), or undefined when it is no ZooKeeperError. Never throws. */
export function errorCode(err: unknown): number | undefined {
  return err instanceof ZooKeeperError ? err.code : undefined;
}

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
