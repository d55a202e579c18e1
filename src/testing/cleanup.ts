/**
 * What must not outlive this Node process: the harness's JVMs and temp dirs. A process exit
 * hook kills the one and deletes the other, even when `stop()` was never called.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const liveJvms = new Map<number, { watchdog?: ChildProcess }>();
const liveTempDirs = new Set<string>();
let exitHookInstalled = false;

/**
 * On normal exit (and uncaught exceptions, which also emit 'exit') kill leftover JVMs and delete
 * temp dirs. Only synchronous work is possible here. SIGINT/SIGTERM are deliberately left to the
 * application; for those (and SIGKILL of Node) the per-JVM watchdog does the killing.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, { watchdog }] of liveJvms) {
      tryQuietly(() => watchdog?.kill('SIGKILL'));
      tryQuietly(() => process.kill(pid, 'SIGKILL'));
    }
    for (const dir of liveTempDirs) tryQuietly(() => rmSync(dir, { recursive: true, force: true }));
  });
}

function tryQuietly(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // best effort during shutdown
  }
}

/**
 * Records a running JVM (and its watchdog, if any) to SIGKILL when Node exits.
 * Never blocks or throws.
 */
export function trackJvm(pid: number, watchdog: ChildProcess | undefined): void {
  installExitHook();
  liveJvms.set(pid, { ...(watchdog ? { watchdog } : {}) });
}

/** Forgets a JVM recorded by {@link trackJvm}, once it has exited. Never blocks or throws. */
export function untrackJvm(pid: number): void {
  liveJvms.delete(pid);
}

/**
 * Creates a fresh `zk-elect-*` directory under the OS temp dir. It is deleted on process exit
 * unless {@link removeTempDir} deleted it earlier.
 *
 * @throws {Error} if the directory cannot be created.
 */
export async function makeTempDir(): Promise<string> {
  installExitHook();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-elect-'));
  liveTempDirs.add(dir);
  return dir;
}

/**
 * Deletes a directory made by {@link makeTempDir} (recursively; missing is fine).
 *
 * @throws {Error} if it exists and cannot be deleted.
 */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveTempDirs.delete(dir);
}
