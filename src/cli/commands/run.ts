/**
 * `zk-elect run -- COMMAND`: runs a program only while this process leads an election, and
 * never two copies at once across the candidates: the command is stopped before the session
 * could have expired on the server (so before a successor can be elected), also when `run`
 * itself is SIGKILLed or frozen (a watchdog process, see cli/guarded-child.ts).
 * @module
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { LeaderElection } from '../../recipes/election.js';
import { DEFAULT_ELECTION } from '../../recipes/defaults.js';
import { SessionKeeper } from '../../recipes/session-keeper.js';
import { join } from '../../recipes/sequence.js';
import { ErrorCode, KeeperState, errorCode, type ZooKeeperOptions } from '../../client/index.js';
import { encodeRunCandidate, type RunChildState } from '../../process/run-candidate.js';
import { COMMON_HELP, COMMON_OPTIONS, connectFlags, intOption, pathOption } from '../args.js';
import { runCommand } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { GuardedChild } from '../guarded-child.js';
import { Reporter } from '../output.js';
import type { RunEventFields, RunEventName, StopReason } from '../run-events.js';
import { describeExit, exitCodeOf, whyCannotRun } from '../sidecar.js';
import { onShutdownSignal } from '../signals.js';

const USAGE = `Usage: zk-elect run [flags] -- COMMAND [ARGS...]

Runs COMMAND only while this process leads the election, and never two copies at once:
start it on several hosts and exactly one runs it. While not the leader it waits, printing
whom it follows. Elected, it starts COMMAND without a shell, in its own process group, with
this terminal's stdin, stdout and stderr, and with ZK_ELECT_EPOCH (the fencing epoch: the
leader node's czxid, decimal), ZK_ELECT_NODE (the leader znode's path), ZK_ELECT_ELECTION
and ZK_ELECT_ZOOKEEPER in its environment.

  - The connection lost: the command keeps running if the session comes back in time; else
    its process group gets SIGTERM, then SIGKILL, dead before the session could have expired
    on the server (the last reply + the session timeout - a margin; the grace shrinks to fit).
  - The quorum silent (the server connected to cut off from it, still answering pings): the
    same, once the lease the leader's syncs prove runs low; the deadline is the lease's end.
  - Leadership lost (session expired, node deleted): SIGTERM, SIGKILL after the grace.
  - The command exits by itself: run leaves the election at once (the next candidate takes
    over) and exits with its exit code (128 + N for signal N); --restart volunteers again.
  - SIGTERM, SIGINT, SIGHUP: passed on to the command's group; run waits up to the grace
    (then SIGKILL), leaves the election and exits with the command's exit code.
  - run SIGKILLed, stopped (SIGSTOP) or stuck: a watchdog process SIGKILLs the command's
    group at once (run gone) or at the same deadline (run frozen).

Flags:
${COMMON_HELP}
      --election-path <p>   election parent znode (default ${DEFAULT_ELECTION}), as in zk-elect
                            node, status, watch and dashboard; --election is the same flag
      --session-timeout <ms> ZooKeeper session timeout (default 10000): how long a dead
                            leader holds the election, and the bound on a connection blip
      --grace <ms>          from SIGTERM to SIGKILL (default: a quarter of the session timeout)
      --data <text>         this candidate's address (default <hostname>:<pid>); the candidate
                            znode holds it with the command's state, as JSON, for status,
                            watch and the dashboard
      --restart             when the command exits by itself, volunteer again (at the back of
                            the queue, with a growing delay) instead of exiting

stdout is the command's alone: what run prints (text, or with --json one JSON object per
line) goes to stderr. Events: connected, following, elected, child-started (pid, epoch),
stopping-child (reason: suspended, lost or signal; signal; graceMs), killing-child,
child-exited (code, signal, exitCode, by: itself, run or watchdog), suspended (deadlineInMs),
resumed, lost, signal, restarting (delayMs), closed (exitCode), error.

Exit codes: the command's exit code (128 + N when signal N killed it); 0 after a signal when
no command ran; 2 bad flags or no COMMAND; 3 ZooKeeper unreachable; 5 credentials refused;
126 COMMAND not executable; 127 COMMAND not found; 1 unexpected error.

Example, on each of three hosts:
  zk-elect run -z zk1:2181,zk2:2181,zk3:2181 --election-path /jobs/report -- ./nightly-report.sh
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  'election-path': { type: 'string' },
  election: { type: 'string' },
  'session-timeout': { type: 'string' },
  grace: { type: 'string' },
  data: { type: 'string' },
  restart: { type: 'boolean' },
} as const;

/** Parsed flags of `zk-elect run`. */
interface RunOptions {
  connectString: string;
  client: ZooKeeperOptions;
  election: string;
  sessionTimeout: number;
  /** undefined: a quarter of the negotiated session timeout. */
  grace: number | undefined;
  /** The candidate's address (--data, else `<hostname>:<pid>`). */
  address: string;
  restart: boolean;
  json: boolean;
  command: string[];
}

/** --restart's delays: doubling from the first to the last, back to the first after a long run. */
const RESTART_DELAY_MS = { first: 500, max: 30_000, resetAfterRunMs: 30_000 };

/**
 * What is subtracted from "last reply + session timeout": the reply's transit time and the
 * timers' lateness. The server expires a session only on its next tick after the timeout,
 * which leaves more.
 */
function safetyMargin(sessionTimeout: number): number {
  return Math.max(100, Math.round(sessionTimeout * 0.05));
}

/**
 * Runs `zk-elect run` with its flags. Blocks until the command exits (without --restart) or a
 * shutdown signal; resolves with the exit code (see the usage). Never throws.
 */
export function run(argv: string[]): Promise<number> {
  // Everything after the first `--` is the command, never our flags (its own --help included).
  const split = argv.indexOf('--');
  const flags = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  return runCommand(flags, OPTIONS, USAGE, ({ values }, ctx) => {
    if (command.length === 0) throw new UsageError('no command: give the program to run after "--", e.g. zk-elect run -- ./job.sh');
    const { connectString, client } = connectFlags(values);
    const options: RunOptions = {
      connectString,
      client,
      election: electionPathOf(values['election-path'], values.election),
      sessionTimeout: intOption(values['session-timeout'], 'session-timeout', 10000, 1),
      grace: values.grace === undefined ? undefined : intOption(values.grace, 'grace', 0, 0),
      address: values.data ?? `${os.hostname()}:${process.pid}`,
      restart: values.restart === true,
      json: ctx.json === true,
      command,
    };
    // Fail before volunteering: a candidate that cannot run its command must not lead.
    const cannot = whyCannotRun(command[0]);
    if (cannot) throw cannot;
    ctx.connectString = connectString;
    return new RunProgram(options).run();
  });
}

/**
 * `--election-path`, or its other name `--election` (the name `zk-elect run` had first).
 * @throws UsageError when both are given and differ, or the path is invalid.
 */
function electionPathOf(path: string | undefined, alias: string | undefined): string {
  if (path !== undefined && alias !== undefined && path !== alias) throw new UsageError(`--election-path ${path} and --election ${alias} name two elections: give one`);
  return path !== undefined ? pathOption(path, 'election-path', DEFAULT_ELECTION) : pathOption(alias, 'election', DEFAULT_ELECTION);
}

/** How one candidacy ended. */
type Ending = { kind: 'exited'; exitCode: number; ranMs: number } | { kind: 'signal'; exitCode: number } | { kind: 'failed'; error: unknown };

/** One `zk-elect run` process: the session, a candidacy at a time, the command, the signals. */
class RunProgram {
  private readonly out: Reporter;
  private session: SessionKeeper | undefined;
  private election: LeaderElection | undefined;
  private child: GuardedChild | undefined;
  private shutdownSignal: NodeJS.Signals | undefined;
  /** Ends the current candidacy (or the wait between two). */
  private end: ((e: Ending) => void) | undefined;
  /** The command's state as the candidate node shows it, and whether that write is still owed. */
  private shown: { child: RunChildState; pid?: number; since: number } = { child: 'waiting', since: Date.now() };
  private showOwed = false;

  constructor(private readonly opts: RunOptions) {
    this.out = new Reporter(opts.json, () => {
      const s = this.election?.status;
      return { role: s?.role ?? 'starting', node: s?.node, leader: s?.leader };
    });
  }

  /** Reports one event of the `--json` protocol (cli/run-events.ts), or `text`; always on stderr. */
  private say<E extends RunEventName>(event: E, fields: RunEventFields[E], text: string): void {
    this.out.event(event, fields, text, true);
  }

  async run(): Promise<number> {
    let early!: (s: NodeJS.Signals) => void;
    const signalled = new Promise<NodeJS.Signals>((resolve) => (early = resolve));
    const unhook = onShutdownSignal((s) => (early(s), this.onSignal(s)), ['SIGINT', 'SIGTERM', 'SIGHUP']);
    try {
      const opening = SessionKeeper.open(this.opts.connectString, { ...this.opts.client, sessionTimeout: this.opts.sessionTimeout });
      const first = await Promise.race([opening, signalled]);
      if (typeof first === 'string') {
        void opening.then((s) => s.close()).catch(() => undefined);
        return this.closed(EXIT.OK);
      }
      this.session = first;
      this.watchSession(first);
      let delay = RESTART_DELAY_MS.first;
      for (;;) {
        const ending = await this.candidacy();
        if (ending.kind === 'failed') throw ending.error;
        if (ending.kind === 'signal' || !this.opts.restart) return this.closed(ending.exitCode);
        delay = ending.ranMs >= RESTART_DELAY_MS.resetAfterRunMs ? RESTART_DELAY_MS.first : delay;
        this.say('restarting', { delayMs: delay }, `Volunteering again in ${delay} ms (--restart)`);
        const waited = await this.pause(delay);
        if (waited) return this.closed(waited.kind === 'signal' ? waited.exitCode : EXIT.OK);
        delay = Math.min(delay * 2, RESTART_DELAY_MS.max);
      }
    } finally {
      unhook();
      await this.election?.close();
      await this.session?.close();
    }
  }

  private closed(exitCode: number): number {
    this.say('closed', { exitCode }, `Left the election; exiting with code ${exitCode}`);
    return exitCode;
  }

  /** The candidate node's data: the address and the command's state (process/run-candidate.ts). */
  private candidateData(): Uint8Array {
    return encodeRunCandidate({ address: this.opts.address, run: { command: this.opts.command, ...this.shown } });
  }

  /**
   * Shows the command's new state in the candidate node, for status, watch and the dashboard.
   * A write lost with the connection is made again on the reconnect; a closed election needs none.
   */
  private show(child: RunChildState, pid?: number): void {
    this.shown = { child, ...(pid !== undefined ? { pid } : {}), since: Date.now() };
    this.writeShown();
  }

  private writeShown(): void {
    const election = this.election;
    if (!election || election.status.role === 'closed') return;
    this.showOwed = false;
    election.setData(this.candidateData()).catch((err: unknown) => {
      if (election.status.role === 'closed') return;
      const code = errorCode(err);
      if (code === ErrorCode.CONNECTIONLOSS || code === ErrorCode.SESSIONEXPIRED) this.showOwed = true;
      else this.out.error(err);
    });
  }

  private watchSession(session: SessionKeeper): void {
    session.on('state', (state) => {
      if (state === KeeperState.SyncConnected && this.showOwed) this.writeShown();
    });
    const zk = session.client;
    this.say('connected', { server: zk.connectedServer, sessionId: zk.sessionIdHex, sessionTimeout: zk.sessionTimeout, pid: process.pid }, `Connected to ZooKeeper at ${zk.connectedServer} (session ${zk.sessionIdHex}, timeout ${zk.sessionTimeout} ms)`);
    session.on('error', (e) => this.out.error(e));
  }

  /** Waits `ms` between candidacies; resolves with the ending if a signal came first, else undefined. */
  private pause(ms: number): Promise<Ending | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => ((this.end = undefined), resolve(undefined)), ms);
      this.end = (e) => (clearTimeout(timer), (this.end = undefined), resolve(e));
      if (this.shutdownSignal) this.end({ kind: 'signal', exitCode: EXIT.OK });
    });
  }

  /** Volunteers once; resolves when the command exited by itself, a signal ended it all, or it failed. */
  private async candidacy(): Promise<Ending> {
    this.shown = { child: 'waiting', since: Date.now() };
    const election = new LeaderElection(this.session!, { parent: this.opts.election, data: this.candidateData() });
    this.election = election;
    const ended = new Promise<Ending>((resolve) => (this.end = resolve));
    if (this.shutdownSignal) this.end?.({ kind: 'signal', exitCode: EXIT.OK });
    this.follow(election);
    election.start().catch((error: unknown) => this.end?.({ kind: 'failed', error }));
    const ending = await ended;
    this.end = undefined;
    // Leave at once: the successor is told within one notification.
    await election.close();
    return ending;
  }

  private follow(e: LeaderElection): void {
    e.on('following', ({ leader, watching }) => this.say('following', { leader, watching }, `Waiting: ${leader} leads; watching ${watching}`));
    e.on('elected', ({ node, epoch }) => {
      this.say('elected', { epoch: String(epoch) }, `Elected (epoch ${epoch})`);
      this.startChild(node, epoch);
    });
    e.on('suspended', (reason) => {
      const left = Math.round(this.deadline() - Date.now());
      this.say('suspended', { reason, deadlineInMs: left }, `Leadership in doubt${reason ? ` (${reason})` : ''}: the command is stopped in ${left} ms unless it is confirmed again`);
      this.child?.doubt(this.grace());
    });
    e.on('resumed', () => {
      this.say('resumed', {}, 'Leadership confirmed again (session, node and lease intact): still the leader');
      this.child?.trust();
      this.runAgainIfLeading(); // stopped in doubt and gone meanwhile
    });
    e.on('lost', (reason) => {
      this.say('lost', { reason }, `No longer the leader (${reason})`);
      this.child?.stop('lost', Math.min(Date.now() + this.grace(), this.deadline()));
    });
    e.on('error', (err) => this.out.error(err));
  }

  /** The grace: --grace, else a quarter of the negotiated session timeout. */
  private grace(): number {
    return this.opts.grace ?? Math.round(this.session!.client.sessionTimeout / 4);
  }

  /**
   * When the command must be dead (Date.now() ms), less a margin: the quorum cannot expire the
   * session before its lease ends (LeaderElection.leaseExpiresAt), and the connected server
   * cannot before its last answer plus the session timeout.
   */
  private deadline(): number {
    const zk = this.session!.client;
    const expiry = Math.min(zk.lastHeardAt + zk.sessionTimeout, this.election?.leaseExpiresAt ?? Infinity);
    return Date.now() + (expiry - safetyMargin(zk.sessionTimeout) - zk.clock.now());
  }

  private startChild(node: string, epoch: bigint): void {
    if (this.child || this.shutdownSignal || !this.end) return;
    const env = {
      ZK_ELECT_EPOCH: String(epoch),
      ZK_ELECT_NODE: join(this.opts.election, node),
      ZK_ELECT_ELECTION: this.opts.election,
      ZK_ELECT_ZOOKEEPER: this.opts.connectString,
    };
    let child: GuardedChild;
    try {
      child = new GuardedChild(this.opts.command, env, () => this.deadline(), {
        stopping: (reason, signal, graceMs) => (this.show('stopping', child.pid), this.say('stopping-child', { reason, signal, graceMs }, `Stopping ${this.opts.command[0]} (${reason}): ${signal} to its process group, SIGKILL in ${graceMs} ms`)),
        killing: (reason) => this.say('killing-child', { reason }, `${this.opts.command[0]} still runs: SIGKILL to its process group`),
      });
    } catch (error) {
      this.end({ kind: 'failed', error });
      return;
    }
    this.child = child;
    this.show('running', child.pid);
    const startedAt = Date.now();
    this.say('child-started', { pid: child.pid, command: this.opts.command, epoch: String(epoch) }, `Running ${this.opts.command[0]} (pid ${child.pid}, epoch ${epoch})`);
    void child.exited.then((exit) => this.onChildExit(child, exit, Date.now() - startedAt));
  }

  private onChildExit(child: GuardedChild, exit: { code: number | null; signal: NodeJS.Signals | null }, ranMs: number): void {
    this.child = undefined;
    const exitCode = exitCodeOf(exit);
    // Past the deadline and not stopped by us: the watchdog did it, while this process was frozen.
    const byWatchdog = !child.stopReason && child.watchdogDeadline !== undefined && Date.now() >= child.watchdogDeadline;
    const by = child.stopReason ? 'run' : byWatchdog ? 'watchdog' : 'itself';
    this.say('child-exited', { code: exit.code, signal: exit.signal, exitCode, by }, `${describeExit(this.opts.command[0], exit)}${by === 'itself' ? '' : ` (stopped by ${by === 'run' ? 'us' : 'the watchdog'})`}`);
    if (this.shutdownSignal) return this.end?.({ kind: 'signal', exitCode });
    if (by === 'itself') return this.end?.({ kind: 'exited', exitCode, ranMs });
    if (byWatchdog) {
      // Frozen past the deadline: whatever the session says now, our right to lead is spent.
      this.show('waiting');
      this.election?.resign().catch((e) => this.out.error(e));
      return;
    }
    this.show(this.election?.isLeader ? 'stopped' : 'waiting');
    this.runAgainIfLeading(); // stopped in doubt, and the doubt has cleared meanwhile
  }

  /** Starts the command again when it was stopped in doubt and leadership holds after all. */
  private runAgainIfLeading(): void {
    const s = this.election?.status;
    if (!this.child && s?.role === 'leader' && s.node && s.epoch !== undefined) this.startChild(s.node, s.epoch);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.shutdownSignal = signal;
    const child = this.child;
    this.say('signal', { signal, forwarded: child !== undefined }, child ? `${signal}: passed on to ${this.opts.command[0]}` : `${signal}: leaving the election`);
    if (child) child.stop('signal', Math.min(Date.now() + this.grace(), this.deadline()), signal);
    else this.end?.({ kind: 'signal', exitCode: EXIT.OK });
  }
}
