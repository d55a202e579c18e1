/**
 * How the benchmark program fails: a mistake on the command line (exit 2, with the short
 * usage), an unreachable ZooKeeper (exit 3), anything else (exit 1, with the stack). The exit
 * codes and the wording are those of the `zk-elect` command that starts it, so `zk-elect bench`
 * reads like every other command.
 * @module
 */
import { ErrorCode, ZooKeeperError } from 'zk-elect';
import { USAGE } from './usage.js';

/** A mistake on the command line: reported with the short usage and exit code 2. */
export class BenchUsageError extends Error {
  override name = 'UsageError';
}

/** The exit codes of `zk-elect` (see `zk-elect --help`) that the benchmark can end with. */
export const EXIT = { OK: 0, UNEXPECTED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

/** ZooKeeper error codes that mean the server could not be reached (or the session was lost). */
const UNREACHABLE: ReadonlySet<number> = new Set([ErrorCode.CONNECTIONLOSS, ErrorCode.REQUESTTIMEOUT, ErrorCode.OPERATIONTIMEOUT, ErrorCode.SESSIONEXPIRED]);

interface Failure {
  message: string;
  hint?: string;
  exitCode: number;
  stack?: string;
}

function describe(err: unknown): Failure {
  if (err instanceof BenchUsageError) {
    const usage = USAGE.split('\n')[0];
    return { message: err.message, hint: `${usage}\nRun \`zk-elect bench --help\` for every flag.`, exitCode: EXIT.USAGE };
  }
  if (err instanceof ZooKeeperError && UNREACHABLE.has(err.code)) {
    return { message: `cannot reach ZooKeeper: ${err.message}`, hint: 'Is a ZooKeeper server running there? Leave out --zookeeper to benchmark a fresh local one.', exitCode: EXIT.UNREACHABLE };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected error: ${message}`, exitCode: EXIT.UNEXPECTED, stack: (err as Error)?.stack };
}

/**
 * Prints `err` on stderr for a person, or as one `{"event":"error",...}` line with `json`
 * (what `--json` asks for), and returns its exit code. Never throws.
 */
export function reportFailure(err: unknown, json: boolean): number {
  const f = describe(err);
  if (json) process.stderr.write(JSON.stringify({ event: 'error', time: Date.now(), message: f.message, hint: f.hint, exitCode: f.exitCode, stack: f.stack }) + '\n');
  else process.stderr.write(`zk-elect: ${f.message}\n${f.hint ? `${f.hint}\n` : ''}${f.stack ? `${f.stack}\n` : ''}`);
  return f.exitCode;
}
