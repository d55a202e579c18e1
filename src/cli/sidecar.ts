/**
 * The sidecar of `zk-elect register -- COMMAND`: the command runs with our stdio, never
 * outlives us, receives our shutdown signals, and its exit code becomes ours.
 * @module
 */
import { constants } from 'node:os';
import { SupervisedChild } from '../process/supervised.js';
import { CliError } from './errors.js';
import type { Reporter } from './output.js';

/** The shell's exit code for a command that cannot be run (not found, not executable). */
const CANNOT_RUN = 127;

/**
 * Runs `command` (no shell) with our stdio until it exits, reporting `child-started`,
 * `signal` and `child-exited` on `out` (on stderr: the command owns stdout).
 * `setSignalHandler` routes our shutdown signals to it. Blocks until it exits; resolves with
 * its exit code (128 + the signal's number when a signal killed it).
 * @throws CliError (exit 127) when it cannot be started.
 */
export async function runSidecar(command: string[], out: Reporter, setSignalHandler: (f: (signal: NodeJS.Signals) => void) => void): Promise<number> {
  const [file, ...args] = command;
  let child: SupervisedChild;
  try {
    child = new SupervisedChild(file, args, { inherit: true });
  } catch {
    throw new CliError(`cannot run ${JSON.stringify(file)}: not found or not executable`, CANNOT_RUN, 'Give the program as it would be found on PATH, or its path; it is run without a shell.');
  }
  out.event('child-started', { pid: child.pid, command }, `Running ${file} (pid ${child.pid}); registered as long as it runs`, true);
  setSignalHandler((signal) => {
    // A terminal's Ctrl-C goes to the whole foreground process group, the command included.
    const forwarded = !(signal === 'SIGINT' && process.stdin.isTTY);
    if (forwarded) child.kill(signal);
    out.event('signal', { signal, forwarded }, forwarded ? `${signal}: passed on to ${file}` : `${signal}: waiting for ${file} to exit`, true);
  });
  const { code, signal } = await child.exited;
  out.event('child-exited', { code, signal }, `${file} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`, true);
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}
