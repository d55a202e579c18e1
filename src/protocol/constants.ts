/**
 * Numeric constants of the ZooKeeper wire protocol (3.5 – 3.9), named as in the Java API.
 * Values are checked against `ZooDefs`, `KeeperException.Code` and `Watcher.Event`.
 * @module
 */

/** Request opcodes (`ZooDefs.OpCode`). */
export enum OpCode {
  notification = 0,
  create = 1,
  delete = 2,
  exists = 3,
  getData = 4,
  setData = 5,
  getACL = 6,
  setACL = 7,
  getChildren = 8,
  sync = 9,
  ping = 11,
  getChildren2 = 12,
  check = 13,
  multi = 14,
  create2 = 15,
  reconfig = 16,
  checkWatches = 17,
  removeWatches = 18,
  createContainer = 19,
  createTTL = 21,
  multiRead = 22,
  auth = 100,
  setWatches = 101,
  sasl = 102,
  getEphemerals = 103,
  getAllChildrenNumber = 104,
  setWatches2 = 105,
  addWatch = 106,
  whoAmI = 107,
  closeSession = -11,
  error = -1,
}

/** Reserved xids: replies carrying these are never matched against the pending FIFO. */
export const Xid = {
  notification: -1,
  ping: -2,
  auth: -4,
} as const;

/** Largest normal xid; the next one wraps back to 1 (never 0 or negative). */
export const MAX_XID = 0x7fffffff;

/**
 * Server error codes (`KeeperException.Code`). CONNECTIONLOSS, SESSIONEXPIRED and
 * REQUESTTIMEOUT are also produced by the client itself; CLOSING (-116) is a client-only
 * code for calls made on a closed client (the C client uses the same number).
 */
export enum ErrorCode {
  OK = 0,
  SYSTEMERROR = -1,
  RUNTIMEINCONSISTENCY = -2,
  DATAINCONSISTENCY = -3,
  CONNECTIONLOSS = -4,
  MARSHALLINGERROR = -5,
  UNIMPLEMENTED = -6,
  OPERATIONTIMEOUT = -7,
  BADARGUMENTS = -8,
  UNKNOWNSESSION = -12,
  NEWCONFIGNOQUORUM = -13,
  RECONFIGINPROGRESS = -14,
  APIERROR = -100,
  NONODE = -101,
  NOAUTH = -102,
  BADVERSION = -103,
  NOCHILDRENFOREPHEMERALS = -108,
  NODEEXISTS = -110,
  NOTEMPTY = -111,
  SESSIONEXPIRED = -112,
  INVALIDCALLBACK = -113,
  INVALIDACL = -114,
  AUTHFAILED = -115,
  CLOSING = -116,
  SESSIONMOVED = -118,
  NOTREADONLY = -119,
  EPHEMERALONLOCALSESSION = -120,
  NOWATCHER = -121,
  REQUESTTIMEOUT = -122,
  RECONFIGDISABLED = -123,
  SESSIONCLOSEDREQUIRESASLAUTH = -124,
  QUOTAEXCEEDED = -125,
  THROTTLEDOP = -127,
}

/** Watch event types (`Watcher.Event.EventType`). `None` is a connection-state event. */
export enum EventType {
  None = -1,
  NodeCreated = 1,
  NodeDeleted = 2,
  NodeDataChanged = 3,
  NodeChildrenChanged = 4,
  DataWatchRemoved = 5,
  ChildWatchRemoved = 6,
  PersistentWatchRemoved = 7,
}

/**
 * Connection / session states (`Watcher.Event.KeeperState`).
 *
 * What each means for a recipe author:
 * - `SyncConnected`: requests flow; ephemeral nodes and watches of this session are intact.
 * - `Disconnected`: the connection dropped; the client is reconnecting with the same session.
 *   Ephemeral nodes *may* already be gone (the server may have expired the session), so any
 *   leadership is in doubt: pause leader-only work. Watches are kept and re-registered later.
 * - `Expired`: the session is gone (the server said so, or no server was reachable for the whole
 *   negotiated timeout). Every ephemeral node of the session has been or will be deleted and
 *   every watch is dead. The client is finished; create a new one to continue.
 * - `AuthFailed`: the server rejected credentials; the client is finished.
 * - `ConnectedReadOnly`: connected to a read-only (partitioned) server; reads only.
 * - `Closed`: `close()` was called; the client is finished.
 */
export enum KeeperState {
  Disconnected = 0,
  SyncConnected = 3,
  AuthFailed = 4,
  ConnectedReadOnly = 5,
  Closed = 7,
  Expired = -112,
}

/** Node creation modes (`CreateMode`); the value is the wire `flags` field. */
export enum CreateMode {
  PERSISTENT = 0,
  EPHEMERAL = 1,
  PERSISTENT_SEQUENTIAL = 2,
  EPHEMERAL_SEQUENTIAL = 3,
  CONTAINER = 4,
  PERSISTENT_WITH_TTL = 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL = 6,
}

/** Permission bits of an ACL entry (`ZooDefs.Perms`). */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** Modes of `addWatch` (persistent watches, ZooKeeper 3.6+). */
export enum AddWatchMode {
  PERSISTENT = 0,
  PERSISTENT_RECURSIVE = 1,
}

/** Watcher kinds for `removeWatches` (`Watcher.WatcherType`). */
export enum WatcherType {
  Children = 1,
  Data = 2,
  Any = 3,
  Persistent = 4,
  PersistentRecursive = 5,
}

/** Default upper bound on a frame, matching the server's `jute.maxbuffer` (0xfffff). */
export const DEFAULT_MAX_FRAME = 0xfffff;
