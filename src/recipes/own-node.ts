/**
 * Creating and deleting "our" ephemeral sequential node safely across connection loss: the two
 * operations every recipe here builds on.
 * @module
 */
import { CreateMode, ErrorCode, errorCode, type ACL, type Data, type Stat, type ZooKeeper } from '../client/index.js';
import { basename, join, sortCandidates } from './sequence.js';

/** A node this session owns. */
export interface OwnNode {
  path: string;
  name: string;
  /** Session that created it: the node is ours only while this session lives. */
  sessionId: bigint;
  /** czxid: a cluster-wide monotonic number, the leader's fencing epoch. */
  czxid: bigint;
}


/** How a recipe makes its nodes: the ACL of every node it creates, and the mode of missing parents. */
export interface NodeOptions {
  /** Default `OPEN_ACL_UNSAFE` (anyone may do anything), as ZooKeeper's own default. */
  acl?: readonly ACL[];
  /** Persistent (default) or containers, which the server removes once their last child is gone. */
  parentMode?: CreateMode.PERSISTENT | CreateMode.CONTAINER;
}

/**
 * Creates `path` and its missing parents as `options.parentMode` nodes with `options.acl`.
 * Each "exists already" is fine. Blocks for one create per missing level.
 * @throws ZooKeeperError other than NodeExists.
 */
export async function ensurePath(zk: ZooKeeper, path: string, options: NodeOptions = {}): Promise<void> {
  if (await zk.exists(path)) return;
  let cur = '';
  for (const seg of path.split('/').slice(1)) {
    cur += '/' + seg;
    try {
      await zk.create(cur, undefined, { mode: options.parentMode ?? CreateMode.PERSISTENT, ...(options.acl ? { acl: options.acl } : {}) });
    } catch (e) {
      if (errorCode(e) !== ErrorCode.NODEEXISTS) throw e;
    }
  }
}

/**
 * Finds a node of this session under `parent` named `prefix` + sequence: the trace of a
 * create whose reply was lost to a connection loss. Uses getEphemerals (3.6+), and falls back
 * to listing the children and comparing ephemeralOwner on older servers. Blocks for one list
 * plus one exists per candidate name. @throws ZooKeeperError.
 */
export async function findOwnNode(zk: ZooKeeper, parent: string, prefix: string): Promise<OwnNode | undefined> {
  let names: string[];
  try {
    names = (await zk.getEphemerals(join(parent, prefix))).filter((p) => p.startsWith(parent + '/')).map(basename);
  } catch (e) {
    if (errorCode(e) !== ErrorCode.UNIMPLEMENTED) throw e;
    names = await zk.getChildren(parent);
  }
  for (const name of sortCandidates(names, prefix)) {
    const stat = await zk.exists(join(parent, name));
    if (stat && stat.ephemeralOwner === zk.sessionId) return own(zk, join(parent, name), stat);
  }
  return undefined;
}

function own(zk: ZooKeeper, path: string, stat: Stat): OwnNode {
  return { path, name: basename(path), sessionId: zk.sessionId, czxid: stat.czxid };
}

/**
 * Creates an EPHEMERAL_SEQUENTIAL node `parent/prefix<seq>` holding `data`, exactly once per
 * session: after a connection loss it looks for the node the lost create may have made before
 * trying again, and it re-creates a missing parent (see {@link ensurePath}); the node and
 * parents get `options.acl`. Blocks through reconnects.
 * @throws SessionExpiredError / ClientClosedError when the session ends; other ZooKeeperErrors.
 */
export async function createOwnNode(zk: ZooKeeper, parent: string, prefix: string, data: Data, options: NodeOptions = {}): Promise<OwnNode> {
  let lostReply = false;
  for (;;) {
    if (lostReply) {
      await zk.whenConnected();
      const found = await findOwnNode(zk, parent, prefix).catch((e) => {
        if (errorCode(e) === ErrorCode.CONNECTIONLOSS) return null; // look again once reconnected
        if (errorCode(e) === ErrorCode.NONODE) return undefined; // no parent, so no node of ours
        throw e;
      });
      if (found) return found;
      if (found === null) continue;
    }
    try {
      const { path, stat } = await zk.createWithStat(join(parent, prefix), data, { mode: CreateMode.EPHEMERAL_SEQUENTIAL, ...(options.acl ? { acl: options.acl } : {}) });
      return own(zk, path, stat);
    } catch (e) {
      if (errorCode(e) === ErrorCode.CONNECTIONLOSS) lostReply = true;
      else if (errorCode(e) === ErrorCode.NONODE) await ensurePath(zk, parent, options);
      else throw e;
    }
  }
}

/**
 * Deletes our node, retrying through connection blips until it is gone or the session that
 * owns it is over (then the server deletes it anyway). Never throws for those cases.
 * @throws ZooKeeperError for other failures (e.g. NoAuth).
 */
export async function deleteOwnNode(zk: ZooKeeper, node: OwnNode): Promise<void> {
  for (;;) {
    if (zk.sessionId !== node.sessionId) return;
    try {
      await zk.delete(node.path);
      return;
    } catch (e) {
      const c = errorCode(e);
      if (c === ErrorCode.NONODE || c === ErrorCode.SESSIONEXPIRED || c === ErrorCode.CLOSING) return;
      if (c !== ErrorCode.CONNECTIONLOSS) throw e;
      try {
        await zk.whenConnected();
      } catch {
        return; // the session ended: its ephemeral nodes are gone with it
      }
    }
  }
}
