/**
 * Small helpers of the benchmark: progress lines on stderr, timeouts, bounded concurrency,
 * forced GC, znode cleanup, and where things live on disk.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { NoNodeError, NodeExistsError, ZooKeeper } from 'zk-elect';

/** A progress line on stderr (stdout is reserved for results / the final JSON line). */
export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves with `p`, or rejects with an Error naming `what` after `ms`.
 * The timer does not keep the process alive.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

let gcFn: (() => void) | undefined;

/** A full GC (v8's gc(), exposed at run time), for heap measurements. */
export function fullGc(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) gcFn = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

/** A fresh znode name for one benchmark run: `/zk-elect-bench/<what>-<pid>-<time><random>`. */
export function benchPath(what: string): string {
  return `/zk-elect-bench/${what}-${process.pid}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/**
 * Deletes `path` and everything below it; missing nodes are fine. Blocks for one list and one
 * delete per node (500 subtrees at a time). @throws ZooKeeperError other than NoNode.
 */
export async function removeTree(zk: ZooKeeper, path: string): Promise<void> {
  let children: string[];
  try {
    children = await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return;
    throw err;
  }
  await mapLimit(children, 500, (c) => removeTree(zk, `${path === '/' ? '' : path}/${c}`));
  await zk.delete(path).catch((err: unknown) => {
    if (!(err instanceof NoNodeError)) throw err;
  });
}

/**
 * Creates `path` and its missing parents as persistent nodes; existing ones are fine. Blocks for
 * one create per level. @throws ZooKeeperError other than NodeExists.
 */
export async function ensurePath(zk: ZooKeeper, path: string): Promise<void> {
  // The recipes' ensurePath is internal to the package, and bench/ uses only the public API;
  // a benchmark's few fixed paths need no more than one create per level.
  const levels = path.split('/').slice(1).map((_, i, segs) => `/${segs.slice(0, i + 1).join('/')}`);
  for (const level of levels) {
    await zk.create(level).catch((err: unknown) => {
      if (!(err instanceof NodeExistsError)) throw err;
    });
  }
}

/** The repository root (dist/bench/lib/util.js → three levels up). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The compiled tree (`dist/`). */
export const DIST_ROOT = fileURLToPath(new URL('../../', import.meta.url));
