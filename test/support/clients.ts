// Clients a test file opens as it goes, all closed after its tests.
import { after } from 'node:test';
import { ZooKeeper, type ZooKeeperOptions } from '../../src/index.js';

/**
 * Returns `connect(connectString, options)`: ZooKeeper.connect with a 10 s connect timeout,
 * remembering the client so the file's `after` closes it. Call at a file's top level.
 */
export function clientsClosedAfter(): (connectString: string, options?: ZooKeeperOptions) => Promise<ZooKeeper> {
  const open: ZooKeeper[] = [];
  after(async () => {
    await Promise.all(open.map((zk) => zk.close()));
  });
  return async (connectString, options = {}) => {
    const zk = await ZooKeeper.connect(connectString, { connectTimeout: 10_000, ...options });
    open.push(zk);
    return zk;
  };
}
