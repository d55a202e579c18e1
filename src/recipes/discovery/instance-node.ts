/**
 * Making and deleting an instance's znode `<basePath>/<name>/<id>` in the mode its serviceType
 * asks for, safely across lost replies, with container parents (as Curator's
 * creatingParentContainersIfNeeded).
 * @module
 */
import { CreateMode, ErrorCode, NodeExistsError, errorCode, sessionIdHex, type ACL, type Stat, type ZooKeeper } from '../../client/index.js';
import { createOwnNode, ensurePath, type OwnNode } from '../own-node.js';
import { basename, join } from '../sequence.js';
import type { SessionKeeper } from '../session-keeper.js';
import type { ServiceType } from './types.js';

/** The znode mode of each service type (Curator's internalRegisterService). */
export function modeOf(type: ServiceType): CreateMode {
  if (type === 'DYNAMIC') return CreateMode.EPHEMERAL;
  if (type === 'DYNAMIC_SEQUENTIAL') return CreateMode.EPHEMERAL_SEQUENTIAL;
  return CreateMode.PERSISTENT;
}

/** True for the types whose znode outlives its session (STATIC, PERMANENT). */
export function isPersistent(type: ServiceType): boolean {
  return modeOf(type) === CreateMode.PERSISTENT;
}

/** How many times one create replaces a node found at its path before it gives up. */
const MAX_REPLACES = 3;

/** Where the instance goes, and may replace a node found there already. */
export interface InstanceNodeTarget {
  /** `<basePath>/<name>`: created as container nodes when missing. */
  parent: string;
  id: string;
  type: ServiceType;
  data: Buffer;
  /** The ACL of the instance's znode and of the parents made for it (default open). */
  acl?: readonly ACL[];
  /**
   * Whether a node found at the path that is not this session's own may be replaced (deleted
   * and made again, as Curator does on NodeExists). `owner` is its ephemeralOwner (0n: persistent).
   */
  mayReplace(owner: bigint): boolean;
}

/**
 * Makes the instance's znode on `zk`: `<parent>/<id>` (EPHEMERAL or PERSISTENT), or
 * `<parent>/<id><seq>` for DYNAMIC_SEQUENTIAL. A missing parent is made (container nodes); a
 * lost reply is recovered (the node this session made is found, not made twice). A node already
 * at the path is taken over when it is ours (lost reply) or persistent-for-persistent (its data
 * is rewritten, which keeps it and its czxid), replaced when `mayReplace` allows (three times at
 * most, in case its owner keeps making it again). Blocks through
 * reconnects. @throws NodeExistsError naming the owner when the node is someone else's and may
 * not be replaced; SessionExpiredError/ClientClosedError when the session ends; other ZooKeeperErrors.
 */
export async function createInstanceNode(zk: ZooKeeper, target: InstanceNodeTarget): Promise<OwnNode> {
  const mode = modeOf(target.type);
  const nodes = { parentMode: CreateMode.CONTAINER, ...(target.acl ? { acl: target.acl } : {}) } as const;
  if (mode === CreateMode.EPHEMERAL_SEQUENTIAL) return createOwnNode(zk, target.parent, target.id, target.data, nodes);
  const path = join(target.parent, target.id);
  let replaced = 0;
  for (;;) {
    try {
      const { stat } = await zk.createWithStat(path, target.data, { mode, ...(target.acl ? { acl: target.acl } : {}) });
      return own(zk, path, stat);
    } catch (e) {
      const code = errorCode(e);
      if (code === ErrorCode.NONODE) await ensurePath(zk, target.parent, nodes);
      else if (code === ErrorCode.CONNECTIONLOSS) await zk.whenConnected(); // the retry's NodeExists tells whether it was made
      else if (code !== ErrorCode.NODEEXISTS) throw e;
      else {
        // The other owner may make it again each time (its own re-registration): give up after a few rounds.
        const found = await takeOver(zk, path, mode, replaced++ < MAX_REPLACES ? target : { ...target, mayReplace: () => false });
        if (found) return found;
      }
    }
  }
}

/** Deals with a node already at `path`: ours, adopted, or replaced (then undefined: create again). */
async function takeOver(zk: ZooKeeper, path: string, mode: CreateMode, target: InstanceNodeTarget): Promise<OwnNode | undefined> {
  const stat = await zk.exists(path);
  if (!stat) return undefined;
  const owner = stat.ephemeralOwner;
  if (mode === CreateMode.EPHEMERAL && owner === zk.sessionId) return own(zk, path, stat); // our create's reply was lost
  if (mode === CreateMode.PERSISTENT && owner === 0n) return own(zk, path, await zk.setData(path, target.data));
  if (!target.mayReplace(owner)) {
    throw new NodeExistsError(path, `${path} is registered already${owner ? ` by session ${sessionIdHex(owner)}` : ' (persistent)'}`);
  }
  await zk.delete(path, stat.version).catch((e) => {
    if (errorCode(e) !== ErrorCode.NONODE && errorCode(e) !== ErrorCode.BADVERSION) throw e; // changed meanwhile: look again
  });
  return undefined;
}

function own(zk: ZooKeeper, path: string, stat: Stat): OwnNode {
  return { path, name: basename(path), sessionId: zk.sessionId, czxid: stat.czxid };
}

/**
 * Deletes `path` with whatever session is current, retrying through connection losses and
 * session replacements until it is gone: the delete Curator calls "guaranteed", and idempotent
 * (a node already gone, or a retry after a lost reply, is success; CURATOR-617). Blocks through
 * reconnects. @throws ClientClosedError when the SessionKeeper closes first; other ZooKeeperErrors (e.g. NoAuth).
 */
export async function deleteInstanceNode(session: SessionKeeper, path: string): Promise<void> {
  for (;;) {
    const zk = await session.whenConnected();
    try {
      await zk.delete(path);
      return;
    } catch (e) {
      const code = errorCode(e);
      if (code === ErrorCode.NONODE) return;
      if (code !== ErrorCode.CONNECTIONLOSS && code !== ErrorCode.SESSIONEXPIRED) throw e;
    }
  }
}
