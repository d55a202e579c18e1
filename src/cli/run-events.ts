/**
 * The `--json` line protocol of `zk-elect run -- COMMAND`: one JSON object per line, on
 * stderr (the command owns stdout, as with `zk-elect register -- COMMAND`). The run command
 * (commands/run.ts) prints exactly these; scripts and the tests read them.
 * @module
 */
import type { ElectionRole } from '../recipes/election.js';

/** Where the candidate stands, on every line: read from its election when the line is printed. */
export interface RunEventContext {
  /** ms since the epoch, by this host's clock. */
  time: number;
  /** The election role when the line was printed (`starting` before the first candidacy). */
  role: ElectionRole | 'starting';
  /** Its candidate znode's name, once created. */
  node?: string;
  /** The leader as of its last election round. */
  leader?: string;
}

/** Why `run` stops its command before the command exits by itself. */
export type StopReason =
  /** The connection is lost and the session may expire: stop before it can have. */
  | 'suspended'
  /** Leadership is gone (session expired, node deleted, another candidate leads). */
  | 'lost'
  /** `run` itself got SIGTERM, SIGINT or SIGHUP (passed on to the command). */
  | 'signal';

/** The fields of each event, by event name. */
export interface RunEventFields {
  /** The first session is established. */
  connected: { server?: string; sessionId: string; sessionTimeout: number; pid: number };
  /** Another candidate leads; this one waits, watching its predecessor. */
  following: { leader: string; watching: string };
  /** This candidate leads; `epoch` is the fencing epoch (the leader node's czxid, decimal). */
  elected: { epoch: string };
  /** The command runs, in its own process group (`pid` is also the group id). */
  'child-started': { pid: number; command: string[]; epoch: string };
  /**
   * `run` signals the command's process group: `signal` now, SIGKILL at the latest after
   * `graceMs` (the grace, shrunk to end before the session can have expired).
   */
  'stopping-child': { reason: StopReason; signal: string; graceMs: number };
  /** The grace ran out: SIGKILL to the command's process group. */
  'killing-child': { reason: StopReason };
  /**
   * The command's leader process ended: `code`, or the `signal` that killed it; `exitCode` is
   * the shell's view of it (128 + N for signal N); `by` says who ended it.
   */
  'child-exited': { code: number | null; signal: string | null; exitCode: number; by: 'itself' | 'run' | 'watchdog' };
  /** The connection is lost while leading: the command is stopped unless it comes back within `deadlineInMs`. */
  suspended: { reason?: string; deadlineInMs: number };
  /** The connection came back with the session intact: still the leader, the command untouched. */
  resumed: Record<never, never>;
  /** Leadership is gone. */
  lost: { reason: string };
  /** `run` received a shutdown signal; `forwarded` when a command was running to receive it. */
  signal: { signal: string; forwarded: boolean };
  /** `--restart`: the command exited by itself; `run` left the election and volunteers again after `delayMs`. */
  restarting: { delayMs: number };
  /** Leaving: the election is closed; `run` exits with `exitCode`. */
  closed: { exitCode: number };
  /** An error `run` survives. */
  error: { message: string };
}

/** The name of a `zk-elect run` event. */
export type RunEventName = keyof RunEventFields;

/** One line of `zk-elect run --json`, discriminated by `event`. */
export type RunEvent = { [E in RunEventName]: { event: E } & RunEventContext & RunEventFields[E] }[RunEventName];

/** The one event named `E`. */
export type RunEventOf<E extends RunEventName> = Extract<RunEvent, { event: E }>;
