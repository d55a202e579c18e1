/**
 * Running a user's command as ours: `zk-elect register -- COMMAND` and `zk-elect run -- COMMAND`.
 * The command runs without a shell, with our stdio, never outlives us, and its exit code
 * becomes ours; one that cannot be started fails like a shell would (127, 126).
 * @module
 */
import { accessSync, constants as fs, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { SupervisedChild, type ChildExit, type SupervisedOptions } from '../process/supervised.js';
import { CliError } from './errors.js';
import type { Reporter } from './output.js';

/** The shell's exit code for a command that is not found. */
const NOT_FOUND = 127;
/** The shell's exit code for a command that is found but cannot be executed. */
const NOT_EXECUTABLE = 126;

const HINT = 'Give the program as it would be found on PATH, or its path; it is run without a shell.';

function executable(file: string): boolean {
  try {
    accessSync(file, fs.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Why `file` cannot be run, as a shell would find it (a name with a `/` as is, else on PATH),
 * or undefined when it can. Never blocks for long (a few stat calls).
 */
export function whyCannotRun(file: string, env: NodeJS.ProcessEnv = process.env): CliError | undefined {
  const candidates = file.includes('/') ? [file] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, file));
  if (candidates.some(executable)) return undefined;
  const found = candidates.find((c) => {
    try {
      return statSync(c) !== undefined;
    } catch {
      return false;
    }
  });
  return found
    ? new CliError(`cannot run ${JSON.stringify(file)}: ${found} is not an executable file`, NOT_EXECUTABLE, HINT)
    : new CliError(`cannot run ${JSON.stringify(file)}: command not found`, NOT_FOUND, HINT);
}

/**
 * Starts `command` (no shell) with our stdio under {@link SupervisedChild} (`options` adds e.g.
 * `group` and `env`). Never blocks.
 * @throws CliError with exit code 127 (not found) or 126 (not executable).
 */
export function startCommand(command: readonly string[], options: Omit<SupervisedOptions, 'inherit' | 'stdin'> = {}): SupervisedChild {
  const [file, ...args] = command;
  const why = whyCannotRun(file, options.env ?? process.env);
  if (why) throw why;
  try {
    return new SupervisedChild(file, args, { ...options, inherit: true });
  } catch {
    throw new CliError(`cannot run ${JSON.stringify(file)}: not found or not executable`, NOT_FOUND, HINT);
  }
}

/** A shell's exit status for how a command ended: its code, or 128 + N when signal N killed it. */
export function exitCodeOf({ code, signal }: ChildExit): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

/** The sentence for how a command ended. */
export function describeExit(file: string, { code, signal }: ChildExit): string {
  return `${file} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`;
}

/**
 * Runs `command` (no shell) with our stdio until it exits, reporting `child-started`,
 * `signal` and `child-exited` on `out` (on stderr: the command owns stdout).
 * `setSignalHandler` routes our shutdown signals to it. Blocks until it exits; resolves with
 * its exit code ({@link exitCodeOf}).
 * @throws CliError (exit 127 or 126) when it cannot be started.
 */
export async function runSidecar(command: string[], out: Reporter, setSignalHandler: (f: (signal: NodeJS.Signals) => void) => void): Promise<number> {
  const file = command[0];
  const child = startCommand(command);
  out.event('child-started', { pid: child.pid, command }, `Running ${file} (pid ${child.pid}); registered as long as it runs`, true);
  setSignalHandler((signal) => {
    // A terminal's Ctrl-C goes to the whole foreground process group, the command included.
    const forwarded = !(signal === 'SIGINT' && process.stdin.isTTY);
    if (forwarded) child.kill(signal);
    out.event('signal', { signal, forwarded }, forwarded ? `${signal}: passed on to ${file}` : `${signal}: waiting for ${file} to exit`, true);
  });
  const exit = await child.exited;
  out.event('child-exited', { code: exit.code, signal: exit.signal }, describeExit(file, exit), true);
  return exitCodeOf(exit);
}
