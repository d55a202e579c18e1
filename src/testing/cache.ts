/**
 * The per-user cache where the harness keeps ZooKeeper releases (and the benchmarks their
 * peers, the test matrix its Node releases): where it is, and how an entry gets into it without
 * any reader ever seeing half of one.
 * @module
 */
import { rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * The per-user cache directory: `$ZK_ELECT_CACHE`, else `$XDG_CACHE_HOME/zk-elect`, else
 * `~/.cache/zk-elect`. Only computes the path.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZK_ELECT_CACHE) return env.ZK_ELECT_CACHE;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'zk-elect');
}

/**
 * Moves the finished directory `staged` to `dir` with one rename, so a reader finds either no
 * entry or a complete one. When `dir` exists already (another process won the race, or an
 * older or broken copy is left over), `isUsable` decides: a usable copy stands (and `staged` is
 * left for the caller to delete), an unusable one is replaced. Blocks for a few file-system
 * calls.
 * @throws the file system's error for anything but an occupied `dir`.
 */
export async function publishCacheEntry(staged: string, dir: string, isUsable: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(staged, dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      if (await isUsable()) return;
      // Two processes replacing the same stale copy: the loser of this round sees the winner's.
      if (attempt >= 2) throw err;
      await rm(dir, { recursive: true, force: true });
    }
  }
}
