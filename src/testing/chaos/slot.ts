/**
 * One chaos candidate name and the processes behind it, of either kind:
 * - `election`: candidate.js, a `LeaderElection` in a library user's program;
 * - `run`: `zk-elect run --restart -- node run-command.js`, the CLI supervising a command that
 *   writes only while it runs. Its own lines (`--json`, on stderr) give the slot's role; the
 *   history lines come from the command (on the stdout it inherits). The runner's signals go to
 *   `run`, not to the command: a frozen or killed `run` must get its command killed by its
 *   watchdog, and the checker sees the command lead until it is dead.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SupervisedChild } from '../../process/supervised.js';
import { isRunnerEntry, parseEntry, type HistoryEntry, type RunnerEntry } from './history.js';

/** Which program a candidate runs. */
export type CandidateKind = 'election' | 'run';

/** What a slot needs from its run. */
export interface SlotContext {
  /** The election parent, the log's parent, the session timeout and the writers' pause. */
  parent: string;
  logPath: string;
  sessionTimeoutMs: number;
  writeIntervalMs: number;
  /** Adds a runner entry (stamped now) to the history. */
  record(e: Omit<RunnerEntry, 't' | 'who'>): void;
  /** Adds a candidate's entry to the history. */
  push(e: HistoryEntry): void;
  /** Every process the run started or learnt of, for the final check that none is left. */
  pids: Set<number>;
}

const CANDIDATE_JS = fileURLToPath(new URL('./candidate.js', import.meta.url));
const RUN_COMMAND_JS = fileURLToPath(new URL('./run-command.js', import.meta.url));
const CLI_JS = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
/** `zk-elect run`'s events that say where its election stands, as the slot's role. */
const RUN_ROLES: Readonly<Record<string, string>> = { elected: 'elected', resumed: 'resumed', following: 'following', suspended: 'suspended', lost: 'lost', restarting: 'rejoining', closed: 'closed' };
/** How often a run candidate's command is checked for its death (its stamp is late by at most this). */
const COMMAND_POLL_MS = 5;

/** One candidate name and its current process. */
export class CandidateSlot {
  child: SupervisedChild | undefined;
  /** Its last election event ('started', 'elected', 'following', …; 'spawned', 'exited'). */
  role = 'none';
  frozen = false;
  /** The stamp of the current process's last write acknowledged ok (0 before any). */
  lastOk = 0n;
  /** Resolves once the exit of the current child is in the history. */
  exited: Promise<void> | undefined;
  /** A run candidate's commands not yet seen dead, each with the promise of its death's stamp. */
  readonly #commands = new Map<number, Promise<void>>();

  constructor(
    readonly who: string,
    readonly kind: CandidateKind,
    readonly ctx: SlotContext,
    /** Called at every change of role or write, so the runner's waits can look again. */
    readonly onChange: () => void,
  ) {}

  /** Its current process runs (frozen or not). */
  get live(): boolean {
    return this.child !== undefined && !this.child.exit;
  }

  /** Starts a new process for this name, reaching ZooKeeper through `connectString`. Never blocks. */
  spawn(connectString: string): void {
    const { parent, logPath, sessionTimeoutMs: T, writeIntervalMs } = this.ctx;
    const interval = String(writeIntervalMs);
    const args =
      this.kind === 'election'
        ? [CANDIDATE_JS, this.who, connectString, parent, logPath, String(T), interval]
        : [CLI_JS, 'run', '--json', '-z', connectString, '--connect-timeout', '60000', '--election-path', parent, '--session-timeout', String(T), '--data', `${this.who}:run`, '--restart', '--', process.execPath, RUN_COMMAND_JS, this.who, logPath, interval];
    const child = new SupervisedChild(process.execPath, args);
    Object.assign(this, { child, role: 'spawned', frozen: false, lastOk: 0n });
    this.ctx.pids.add(child.pid);
    this.ctx.record({ ev: 'spawn', target: this.who, pid: child.pid, detail: this.kind });
    child.onLine((line) => this.#onHistoryLine(child, line));
    if (this.kind === 'run') child.onStderr((line) => this.#onRunLine(child, line));
    this.exited = child.exited.then((x) => {
      this.ctx.record({ ev: 'exit', target: this.who, pid: child.pid, detail: x.signal ?? `code ${x.code}` });
      if (this.child === child) this.role = 'exited';
    });
  }

  #onHistoryLine(child: SupervisedChild, line: string): void {
    const e = parseEntry(line);
    if (!e) return;
    this.ctx.push(e);
    if (this.kind === 'run' && !isRunnerEntry(e) && e.pid !== child.pid) this.#watchCommand(e.pid);
    if (this.child !== child) return;
    if (this.kind === 'election' && e.ev !== 'write') this.role = e.ev;
    else if (e.ev === 'write' && e.phase === 'ok') this.lastOk = e.t;
    this.onChange();
  }

  /** A `zk-elect run --json` line: the slot's role, and a note in the history for its slices. */
  #onRunLine(child: SupervisedChild, line: string): void {
    let event: { event?: unknown; reason?: unknown; by?: unknown } = {};
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    if (typeof event.event !== 'string') return;
    const why = [event.reason, event.by].filter((x) => typeof x === 'string').join(' ');
    this.ctx.record({ ev: 'observed', target: this.who, detail: `run ${child.pid}: ${event.event}${why ? ` (${why})` : ''}` });
    const role = RUN_ROLES[event.event];
    if (role && this.child === child) (this.role = role), this.onChange();
  }

  /**
   * Stamps the death of a run candidate's command once /proc shows it gone or a zombie: `run`
   * may be frozen or dead, so only the runner can say when the command stopped acting.
   */
  #watchCommand(pid: number): void {
    if (this.#commands.has(pid)) return;
    this.ctx.pids.add(pid);
    const gone = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (!isGone(pid)) return;
        clearInterval(timer);
        this.ctx.record({ ev: 'exit', target: this.who, pid, detail: 'command gone' });
        resolve();
      }, COMMAND_POLL_MS);
    });
    this.#commands.set(pid, gone);
  }

  /** SIGKILLs the current process (`sigkill` stamped first) and resolves once its exit is stamped. */
  async kill(): Promise<void> {
    const child = this.child as SupervisedChild;
    this.ctx.record({ ev: 'sigkill', target: this.who, pid: child.pid });
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOPs the process and stamps `sigstop` once the kernel reports it stopped (so nothing it stamps comes after). */
  async freeze(): Promise<void> {
    const child = this.child as SupervisedChild;
    this.frozen = true;
    child.kill('SIGSTOP');
    const deadline = Date.now() + 1000;
    while (!isStopped(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    this.ctx.record({ ev: 'sigstop', target: this.who, pid: child.pid });
  }

  /** SIGCONTs the process (`sigcont` stamped just before). */
  thaw(): void {
    const child = this.child as SupervisedChild;
    this.ctx.record({ ev: 'sigcont', target: this.who, pid: child.pid });
    this.frozen = false;
    child.kill('SIGCONT');
  }

  /**
   * Stops the process gracefully (SIGTERM; SIGKILL after 5 s) and waits until its exit, and
   * every command it ran, is stamped (up to 10 s for the commands: one still alive then is
   * left for the final check to report). Never throws.
   */
  async stop(): Promise<void> {
    if (!this.child) return;
    if (this.frozen) this.child.kill('SIGCONT');
    await this.child.stop(5000).catch(() => undefined);
    await this.exited;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((r) => (timer = setTimeout(r, 10_000)));
    await Promise.race([Promise.all(this.#commands.values()), limit]);
    clearTimeout(timer);
  }
}

/** Whether Linux reports `pid` stopped (state T); true elsewhere, where /proc is missing. */
function isStopped(pid: number): boolean {
  return procState(pid)?.startsWith('T') ?? true;
}

/** Whether `pid` has ended: a zombie, or no such process. */
function isGone(pid: number): boolean {
  const state = procState(pid);
  return state === undefined ? !isAlive(pid) : state.startsWith('Z') || state.startsWith('X');
}

/** The state letter and the rest of /proc/<pid>/stat after the command name; undefined without it. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/** Whether a process `pid` exists (a zombie does). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
