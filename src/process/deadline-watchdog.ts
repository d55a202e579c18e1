/**
 * A watchdog with a deadline, for a process group that may run only while this process still
 * has the right to run it (`zk-elect run -- COMMAND`: while its ZooKeeper session cannot have
 * expired). It lives in a separate process, so it acts when this one cannot: SIGKILLed, frozen
 * by SIGSTOP, or stuck in a busy event loop.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The watchdog program (run with `node -e`; argv[1] is the process group id). Each stdin line
 * is a deadline in ms since the epoch, replacing the one before; `done` makes it exit quietly.
 * It SIGKILLs the group when the deadline passes without a newer line, and at once when stdin
 * closes (its parent died: nobody is left to vouch for the group). It ignores the signals a
 * terminal or a supervisor sends to its parent's process group, so it outlives its parent.
 * Wall-clock times, because the two processes share no monotonic clock origin.
 */
const PROGRAM = `
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const group = -Number(process.argv[1]);
const kill = () => { try { process.kill(group, 'SIGKILL'); } catch {} process.exit(0); };
let timer;
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i; (i = pending.indexOf('\\n')) >= 0; ) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    if (line === 'done') process.exit(0);
    const at = Number(line);
    if (!Number.isFinite(at)) continue;
    clearTimeout(timer);
    timer = setTimeout(kill, Math.max(0, at - Date.now()));
  }
});
process.stdin.on('end', kill);
process.stdin.on('error', kill);
`;

/**
 * Guards one process group with a deadline that this process keeps moving forward. Start it
 * right after the group's leader, then call {@link DeadlineWatchdog.setDeadline} whenever the
 * deadline changes (a frozen caller stops moving it: that is the point) and
 * {@link DeadlineWatchdog.dismiss} once the group is gone.
 */
export class DeadlineWatchdog {
  #last: number | undefined;

  private constructor(private readonly dog: ChildProcess) {}

  /**
   * Starts the watchdog of process group `pgid` (no deadline yet: only this process's death
   * kills the group until the first {@link setDeadline}). Never blocks; never throws. Returns
   * undefined on Windows (no process groups) or when the watchdog cannot be started.
   */
  static spawn(pgid: number): DeadlineWatchdog | undefined {
    if (process.platform === 'win32') return undefined;
    const dog = spawn(process.execPath, ['-e', PROGRAM, String(pgid)], { stdio: ['pipe', 'ignore', 'ignore'] });
    if (dog.pid === undefined) return (dog.on('error', () => undefined), undefined);
    dog.on('error', () => undefined);
    dog.stdin?.on('error', () => undefined); // it died first: nothing left to tell it
    // Neither the watchdog nor its pipe may keep this process alive.
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return new DeadlineWatchdog(dog);
  }

  /** The watchdog's pid. */
  get pid(): number {
    return this.dog.pid as number;
  }

  /**
   * Makes `atMs` (ms since the epoch, `Date.now()`'s scale) the moment the watchdog SIGKILLs the
   * group unless told a newer deadline first. Writes only when it moved by a millisecond or more.
   * Never blocks (the pipe buffers); never throws.
   */
  setDeadline(atMs: number): void {
    const at = Math.floor(atMs);
    if (at === this.#last) return;
    this.#last = at;
    this.dog.stdin?.write(`${at}\n`);
  }

  /** The deadline last set, or undefined. */
  get deadline(): number | undefined {
    return this.#last;
  }

  /** Lets the watchdog exit without killing anything (the group is gone). Never throws. */
  dismiss(): void {
    this.dog.stdin?.end('done\n');
  }
}
