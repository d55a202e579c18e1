/**
 * Child processes that never outlive us, and their stdout as a stream of lines to wait on.
 * Everything in zk-elect that starts a process (the harness's server JVMs, the demo's nodes,
 * the benchmarks and tests that run `zk-elect node`) goes through here.
 * @module
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

/**
 * Starts a tiny `sh` that blocks reading a pipe from this process and SIGKILLs `pid` (a whole
 * process group when given as `-PGID`) once the
 * pipe closes. The pipe closes when this process dies in any way, SIGKILL included (when no
 * exit handler runs). It ignores the Ctrl-C and SIGTERM sent to the whole process group, so it
 * outlives us long enough to act. With `cleanupDir` (a `zk-elect-*` temp dir: anything else is
 * refused by the script itself), it then deletes that directory too.
 *
 * Returns undefined on Windows (no `sh`). Kill the returned process once `pid` has exited.
 * Never throws: a watchdog that cannot start is reported by nothing but its absence.
 */
export function spawnWatchdog(pid: number | `-${number}`, cleanupDir?: string): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const script = [
    "trap '' INT TERM HUP",
    'while read -r line; do :; done',
    'kill -9 "$1" 2>/dev/null',
    // The case guard makes sure a bug can never turn this into rm -rf of anything but our temp dir.
    'case "$2" in *zk-elect-*) sleep 0.2; rm -rf -- "$2" ;; esac',
  ].join('\n');
  const dog = spawn('/bin/sh', ['-c', script, 'zk-elect-watchdog', String(pid), cleanupDir ?? ''], { stdio: ['pipe', 'ignore', 'ignore'] });
  dog.on('error', () => undefined);
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return dog;
}

/** How a supervised child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link SupervisedChild.next}. */
export interface NextOptions {
  /** Reject after this many ms (default: wait until the child exits). */
  timeoutMs?: number;
  /** Names what is awaited, in the timeout and exit errors. */
  what?: string;
  /** Look only at lines from this index on (default 0: lines already seen count too). */
  from?: number;
}

/** Options of the {@link SupervisedChild} constructor: node's spawn options but `stdio`. */
export interface SupervisedOptions extends Omit<SpawnOptions, 'stdio'> {
  /** Give the child a stdin pipe ({@link SupervisedChild.stdin}) instead of ignoring its stdin; for line-driven programs. */
  stdin?: boolean;
  /**
   * Share this process's stdin, stdout and stderr with the child instead of piping them, for a
   * program whose output is meant for the terminal (`zk-elect register -- COMMAND`). Then
   * {@link SupervisedChild.lines}, `events` and `stderr` stay empty and `next` only sees the exit.
   */
  inherit?: boolean;
  /**
   * Start the child as the leader of its own process group (`detached`), and make every signal
   * ({@link SupervisedChild.kill}, the exit hook, the watchdog) go to the whole group, so its own
   * children die with it (`zk-elect run -- COMMAND`). Then a terminal's Ctrl-C no longer reaches it.
   */
  group?: boolean;
}

/**
 * The error of a spawn that got no pid (no such file, not executable). Node says why only in a
 * later 'error' event, which is swallowed here: unheard, it would crash this process.
 */
function spawnFailure(child: ChildProcess, file: string): Error {
  child.on('error', () => undefined);
  return new Error(`cannot start ${file}`);
}

/** Lines of stderr kept for error messages. */
const STDERR_LINES = 20;

/**
 * A child process with piped stdout and stderr that is SIGKILLed when this process exits or
 * dies (an exit hook, and a {@link spawnWatchdog} for deaths no hook sees). Its stdout is kept
 * as lines; stdout lines that hold a JSON object are also parsed, for programs such as
 * `zk-elect node --json` that print one event per line.
 */
export class SupervisedChild<E extends object = Record<string, unknown>> {
  /** Every stdout line, in order. */
  readonly lines: string[] = [];
  /** The stdout lines that parsed as JSON objects, in order. */
  readonly events: E[] = [];
  /** The last lines of stderr. */
  readonly stderr: string[] = [];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #watchdog: ChildProcess | undefined;
  readonly #wakers = new Set<() => void>();
  readonly #lineListeners = new Set<(line: string) => void>();
  readonly #stderrListeners = new Set<(line: string) => void>();
  #exit: ChildExit | undefined;
  /** The process exited and its output is drained. */
  #closed = false;
  readonly #group: boolean;
  readonly #exitHook = () => this.kill('SIGKILL');

  /**
   * Spawns `file` with `args` (stdout and stderr piped; stdin ignored unless `options.stdin`;
   * all three shared with `options.inherit`).
   * @throws Error if the process cannot be spawned (e.g. no such file).
   */
  constructor(file: string, args: readonly string[], options: SupervisedOptions = {}) {
    const { stdin, inherit, group, ...spawnOptions } = options;
    const child = spawn(file, args, { ...spawnOptions, ...(group ? { detached: true } : {}), stdio: inherit ? 'inherit' : [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw spawnFailure(child, file);
    this.#child = child;
    this.#group = group === true;
    this.#watchdog = spawnWatchdog(group ? `-${child.pid}` : child.pid);
    process.on('exit', this.#exitHook);
    child.on('error', () => undefined); // a kill() of an exiting child is not worth crashing for
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#watchdog?.kill('SIGKILL');
        process.off('exit', this.#exitHook);
        resolve(this.#exit);
      }),
    );
    // 'close' comes after 'exit', once stdout and stderr are drained: only then may a waiter
    // conclude that no line it wants will come.
    child.once('close', () => ((this.#closed = true), this.#wake()));
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => this.#onLine(line));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => this.#onStderr(line));
    // A child that exits while we still write to it must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid as number;
  }

  /** How it ended; undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.#exit;
  }

  /** Calls `listener` with every stdout line from now on, as it arrives. Returns the unsubscribe. */
  onLine(listener: (line: string) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  /** Calls `listener` with every stderr line from now on, as it arrives (e.g. to pass progress on). Returns the unsubscribe. */
  onStderr(listener: (line: string) => void): () => void {
    this.#stderrListeners.add(listener);
    return () => this.#stderrListeners.delete(listener);
  }

  /** The child's stdin when it was started with `stdin: true`, else null. Writes never block (the stream buffers). */
  get stdin(): Writable | null {
    return this.#child.stdin;
  }

  /** Sends `signal` (default SIGTERM), to the whole group with `group`. Never throws. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.#group) {
      this.#child.kill(signal);
      return;
    }
    try {
      // Even after the leader exited, the rest of its group may live on: signal it too.
      process.kill(-this.#child.pid!, signal);
    } catch {
      // ESRCH: the whole group is gone
    }
  }

  /**
   * Resolves with the first event (a JSON stdout line) from `options.from` on that `match`
   * accepts, already printed or still to come.
   * @throws Error naming `what`, with the last stderr lines, if the child exits first or
   *   `timeoutMs` passes.
   */
  next<T extends E>(match: (event: E) => event is T, options?: NextOptions): Promise<T>;
  next(match: (event: E) => boolean, options?: NextOptions): Promise<E>;
  next(match: (event: E) => boolean, options: NextOptions = {}): Promise<E> {
    const what = options.what ?? 'an event';
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => (clearTimeout(timer), this.#wakers.delete(check));
      const check = () => {
        const hit = this.events.slice(options.from ?? 0).find(match);
        if (hit) return finish(), resolve(hit);
        if (this.#closed) {
          finish();
          reject(new Error(`${this.#describe()} ended before ${what}${this.#tail()}`));
        }
      };
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => (finish(), reject(new Error(`timed out after ${options.timeoutMs} ms waiting for ${what} from ${this.#describe()}${this.#tail()}`))), options.timeoutMs);
      }
      this.#wakers.add(check);
      check();
    });
  }

  /**
   * Stops the child: SIGTERM, then SIGKILL after `graceMs`. Resolves with how it ended.
   * Never throws; a no-op for a child that has exited.
   */
  async stop(graceMs = 5000): Promise<ChildExit> {
    if (this.#exit) return this.#exit;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  #onLine(line: string): void {
    this.lines.push(line);
    if (line.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed !== null && typeof parsed === 'object') this.events.push(parsed as E);
      } catch {
        // not JSON after all: it stays in `lines`
      }
    }
    for (const listener of this.#lineListeners) listener(line);
    this.#wake();
  }

  #onStderr(line: string): void {
    if (this.stderr.push(line) > STDERR_LINES) this.stderr.shift();
    for (const listener of this.#stderrListeners) listener(line);
  }

  #wake(): void {
    for (const waker of [...this.#wakers]) waker();
  }

  #describe(): string {
    const how = this.#exit ? (this.#exit.signal ? `killed by ${this.#exit.signal}` : `exited with code ${this.#exit.code}`) : 'running';
    return `process ${this.#child.pid} (${how})`;
  }

  #tail(): string {
    const tail = this.stderr.filter((l) => l.trim()).slice(-5);
    return tail.length > 0 ? `; its last stderr lines:\n${tail.join('\n')}` : '';
  }
}
