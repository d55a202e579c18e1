/**
 * The command of `zk-elect run`, running under a deadline: in its own process group, watched
 * by a {@link DeadlineWatchdog} that SIGKILLs the group once the ZooKeeper session could have
 * expired on the server, unless `run` keeps moving that deadline forward. `run` moves it as
 * long as its event loop runs and the server answers; a frozen or killed `run` does not.
 * @module
 */
import { DeadlineWatchdog } from '../process/deadline-watchdog.js';
import type { ChildExit, SupervisedChild } from '../process/supervised.js';
import type { StopReason } from './run-events.js';
import { startCommand } from './sidecar.js';

/** What a {@link GuardedChild} reports while it stops its command. */
export interface GuardedChildReports {
  /** `signal` went to the group; SIGKILL follows after `graceMs` unless it exits first. */
  stopping(reason: StopReason, signal: NodeJS.Signals, graceMs: number): void;
  /** The grace ran out: SIGKILL went to the group. */
  killing(reason: StopReason): void;
}

/** How often the deadline is re-read and passed to the watchdog, at most (ms). */
const FEED_EVERY_MS = 100;

/**
 * One run of the command. It starts at construction; {@link GuardedChild.exited} resolves when
 * its leader process ends, after which the rest of its group is SIGKILLed too (nothing of it
 * may outlive its right to run).
 */
export class GuardedChild {
  /** Resolves with how the command's leader process ended (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** Why run stopped it, once it did. */
  stopReason: StopReason | undefined;
  readonly #proc: SupervisedChild;
  readonly #dog: DeadlineWatchdog | undefined;
  readonly #feed: NodeJS.Timeout;
  #doubt: NodeJS.Timeout | undefined;
  #kill: NodeJS.Timeout | undefined;
  #killAt = Infinity;

  /**
   * Starts `command` (no shell, our stdio, `env` added to ours) as the leader of a new process
   * group, and its watchdog. `deadline()` says (in `Date.now()` ms) when the session could have
   * expired on the server, minus a margin; it is read at once and every 100 ms. Never blocks.
   * @throws CliError (exit 127 or 126) when the command cannot be started.
   */
  constructor(
    command: readonly string[],
    env: Record<string, string>,
    private readonly deadline: () => number,
    private readonly reports: GuardedChildReports,
  ) {
    this.#proc = startCommand(command, { group: true, env: { ...process.env, ...env } });
    this.#dog = DeadlineWatchdog.spawn(this.#proc.pid);
    const feed = () => this.#dog?.setDeadline(this.deadline());
    feed();
    this.#feed = setInterval(feed, FEED_EVERY_MS);
    this.exited = this.#proc.exited.then((exit) => {
      clearInterval(this.#feed);
      clearTimeout(this.#doubt);
      clearTimeout(this.#kill);
      // Its leader is gone; what it left behind in its group goes too, before anyone else may run.
      this.#proc.kill('SIGKILL');
      this.#dog?.dismiss();
      return exit;
    });
  }

  /** The leader's pid, which is also the process group id. */
  get pid(): number {
    return this.#proc.pid;
  }

  /** How it ended, once it has. */
  get exit(): ChildExit | undefined {
    return this.#proc.exit;
  }

  /** The watchdog's current deadline (`Date.now()` ms), if it runs. */
  get watchdogDeadline(): number | undefined {
    return this.#dog?.deadline;
  }

  /**
   * Leadership is in doubt (disconnected): schedules the stop so that the group is dead by the
   * deadline, SIGTERM `graceMs` before it (at once when less is left). {@link trust} cancels it
   * unless the SIGTERM went already. Never blocks.
   */
  doubt(graceMs: number): void {
    if (this.exit || this.stopReason || this.#doubt) return;
    const killAt = this.deadline();
    const termIn = killAt - graceMs - Date.now();
    if (termIn <= 0) return this.stop('suspended', killAt);
    this.#doubt = setTimeout(() => ((this.#doubt = undefined), this.stop('suspended', killAt)), termIn);
  }

  /** Leadership is confirmed again: cancels a stop scheduled by {@link doubt} that has not begun. */
  trust(): void {
    clearTimeout(this.#doubt);
    this.#doubt = undefined;
  }

  /**
   * Stops the command: `signal` (default SIGTERM) to its group now, SIGKILL at `killAt`
   * (`Date.now()` ms) unless it exits first. A later call can only bring the SIGKILL nearer.
   * Never blocks; never throws.
   */
  stop(reason: StopReason, killAt: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit) return;
    this.trust();
    if (!this.stopReason) {
      this.stopReason = reason;
      this.#proc.kill(signal);
      this.reports.stopping(reason, signal, Math.max(0, Math.round(killAt - Date.now())));
    }
    if (killAt >= this.#killAt) return;
    this.#killAt = killAt;
    clearTimeout(this.#kill);
    this.#kill = setTimeout(() => {
      if (this.exit) return;
      this.reports.killing(this.stopReason ?? reason);
      this.#proc.kill('SIGKILL');
    }, Math.max(0, killAt - Date.now()));
  }
}
