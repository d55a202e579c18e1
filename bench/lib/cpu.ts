/**
 * CPU accounting from Linux's /proc, to tell a client-bound run from a server-bound one:
 * the CPU time of a process (the ZooKeeper JVM) and how busy the whole machine was.
 * Everything returns undefined where /proc is unavailable.
 * @module
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** user + system CPU time of process `pid` so far, ms. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all CPUs so far. */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Starts a measurement; the returned function gives the server's CPU ms and the machine's busy share since. */
export function cpuMeter(serverPid?: number): () => { serverCpuMs?: number; machineBusy?: number } {
  const s0 = processCpuMs(serverPid);
  const m0 = machineCpu();
  return () => {
    const s1 = processCpuMs(serverPid);
    const m1 = machineCpu();
    return {
      ...(s0 !== undefined && s1 !== undefined ? { serverCpuMs: s1 - s0 } : {}),
      ...(m0 && m1 && m1.total > m0.total ? { machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total) } : {}),
    };
  };
}
