/**
 * One-off reads of named services (no watch): the names under a base path, a service's
 * instances, one instance. `ServiceCache` is the watching counterpart.
 * @module
 */
import { ErrorCode, errorCode, type ZooKeeper } from '../../client/index.js';
import { readChildren } from '../children-cache.js';
import { join } from '../sequence.js';
import type { InstanceDecoder } from './malformed.js';
import type { ServiceInstance } from './types.js';

/** The children of `path`, or none when it is missing. Blocks for one getChildren. @throws ZooKeeperError. */
async function childrenOf(zk: ZooKeeper, path: string): Promise<string[]> {
  try {
    return await zk.getChildren(path);
  } catch (e) {
    if (errorCode(e) === ErrorCode.NONODE) return [];
    throw e;
  }
}

/** The service names under `basePath`, sorted. Blocks for one getChildren. @throws ZooKeeperError. */
export async function listNames(zk: ZooKeeper, basePath: string): Promise<string[]> {
  return (await childrenOf(zk, basePath)).sort();
}

/**
 * The instances under the service znode `service`, in znode-name order; malformed ones are left
 * to `decoder` (skipped, reported once). Blocks for one getChildren and one getData per child.
 * @throws ZooKeeperError.
 */
export async function readInstances(zk: ZooKeeper, service: string, decoder: InstanceDecoder): Promise<ServiceInstance[]> {
  const children = await readChildren(zk, service, (await childrenOf(zk, service)).sort());
  return children.flatMap((c) => decoder.decode(c) ?? []);
}

/**
 * The instance `id` under the service znode `service`: at `<service>/<id>`, else (a
 * DYNAMIC_SEQUENTIAL znode has a suffix) the child whose JSON id it is. Blocks for one getData,
 * plus a listing when not found there. @throws ZooKeeperError.
 */
export async function readInstance(zk: ZooKeeper, service: string, id: string, decoder: InstanceDecoder): Promise<ServiceInstance | undefined> {
  const path = join(service, id);
  try {
    const { data } = await zk.getData(path);
    return decoder.decode({ path, data });
  } catch (e) {
    if (errorCode(e) !== ErrorCode.NONODE) throw e;
  }
  return (await readInstances(zk, service, decoder)).find((i) => i.id === id);
}
