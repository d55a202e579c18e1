/**
 * Open-file limits for the multi-process scale run: every session is a socket, in a candidate
 * process and in the server. A local server's JVM (started by the harness under this process's
 * limit) is raised with `prlimit --pid`, and a candidate process is started under `prlimit`
 * when its share would not fit; both need root (CAP_SYS_RESOURCE) to go past the hard limit,
 * and fail with a message that says what to raise otherwise. Linux only (/proc, util-linux).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its sessions' sockets (libraries, logs, pipes, epoll). */
export const FD_HEADROOM = 1024;

/** The soft and hard "Max open files" of process `pid` (default: this one), or undefined off Linux. */
export function openFileLimit(pid: number | 'self' = 'self'): { soft: number; hard: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').slice('Max open files'.length).trim().split(/\s+/);
    const num = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
    const limit = { soft: num(soft), hard: num(hard) };
    return Number.isNaN(limit.soft) ? undefined : limit;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure each server JVM in `pids` may open `need` files, raising its limits with
 * `prlimit --pid` where they are lower. Blocks for one short prlimit run per JVM.
 * @throws Error naming the pid, its limit and the fix, when a limit is too low and cannot be raised.
 */
export function raiseServerLimit(pids: readonly number[], need: number): void {
  for (const pid of pids) {
    const limit = openFileLimit(pid);
    if (!limit || limit.soft >= need) continue;
    const r = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${need}:${Math.max(need, limit.hard)}`], { encoding: 'utf8' });
    const after = openFileLimit(pid);
    if (r.status !== 0 || !after || after.soft < need) {
      throw new Error(
        `the ZooKeeper server (pid ${pid}) may open ${limit.soft} files (hard limit ${limit.hard}), but ${need} are needed for its share of the fleet's sessions, and prlimit could not raise it (that needs CAP_SYS_RESOURCE): ${(r.stderr || r.error?.message || '').trim() || 'unknown error'}. Raise the hard limit (ulimit -Hn ${need}) before starting the benchmark, spread the fleet over a quorum (--servers 3), or use a smaller --scale-fleet`,
      );
    }
  }
}

/**
 * The command that starts a candidate process needing `need` open files: `cmd args` as they
 * are when this process's hard limit allows that many (Node raises its soft limit to the hard
 * one at start), else wrapped in `prlimit --nofile=need:need`. Never blocks.
 * @throws Error with the fix when the limit is too low and this process is not root.
 */
export function withFileLimit(cmd: string, args: string[], need: number): { cmd: string; args: string[] } {
  const own = openFileLimit();
  if (!own || own.hard >= need) return { cmd, args };
  if (process.getuid?.() !== 0) {
    throw new Error(`a candidate process needs ${need} open files, but the hard limit here is ${own.hard} and only root may raise it: run \`ulimit -Hn ${need}\` (as root) before the benchmark, or use more --scale-processes or a smaller --scale-fleet`);
  }
  return { cmd: 'prlimit', args: [`--nofile=${need}:${need}`, '--', cmd, ...args] };
}
