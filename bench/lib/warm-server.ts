/**
 * Warms up a fresh full-JIT server before anything is measured.
 * @module
 */
import { CreateMode, ZooKeeper } from 'zk-elect';
import { benchPath, ensurePath, log, removeTree } from './util.js';

/**
 * Sessions, creates, reads, deletes and watches against `cs`, so a fresh full-JIT server,
 * which compiles its hot paths during the first tens of thousands of requests, does not
 * penalize the first scenario measured. Blocks for a few seconds; deletes what it created.
 * @throws ZooKeeperError when the server cannot be reached or refuses a request.
 */
export async function warmServer(cs: string): Promise<void> {
  log('warming up the server (sessions, creates, reads, deletes, watches) ...');
  const zk = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
  const root = benchPath('warmup');
  try {
    await ensurePath(zk, root);
    await zk.create(`${root}/data`, Buffer.alloc(100, 0x61));
    for (let round = 0; round < 3; round++) {
      const dir = `${root}/r${round}`;
      await zk.create(dir);
      await Promise.all(Array.from({ length: 2000 }, (_, i) => zk.create(`${dir}/n${i}`)));
      await Promise.all(Array.from({ length: 2000 }, (_, i) => zk.delete(`${dir}/n${i}`)));
      for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 2000 }, () => zk.getData(`${root}/data`)));
      await Promise.all(Array.from({ length: 2000 }, () => zk.getChildren(root)));
      for (let i = 0; i < 50; i++) {
        const s = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
        await s.create(`${root}/e${round}-${i}`, null, { mode: CreateMode.EPHEMERAL });
        await zk.exists(`${root}/e${round}-${i}`, () => undefined);
        await s.close();
      }
    }
  } finally {
    await removeTree(zk, root).catch(() => undefined);
    await zk.close();
  }
}
