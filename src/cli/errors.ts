/**
 * The CLI's failures and exit codes: usage mistakes, expected failures with a ready message,
 * and {@link describeError}, which turns anything thrown into a sentence, a hint and a code.
 * @module
 */
import { ErrorCode, ZooKeeperError } from '../client/index.js';

/** Exit codes of every command (documented in `zk-elect --help`). */
export const EXIT = {
  /** Done, or shut down gracefully after Ctrl-C / SIGTERM. */
  OK: 0,
  /** An unexpected error (a bug or an unusual server reply): the message says what. */
  UNEXPECTED: 1,
  /** Bad command line: unknown command or flag, bad value, bad connect string. */
  USAGE: 2,
  /** ZooKeeper could not be reached (or the connection failed for good). */
  UNREACHABLE: 3,
  /** A local resource is unavailable, e.g. the HTTP `--port` is already in use. */
  UNAVAILABLE: 4,
  /** ZooKeeper refused this client: SASL or digest credentials, SASL required, an untrusted TLS certificate. */
  AUTH_FAILED: 5,
  /** Interrupted by a second Ctrl-C before the graceful shutdown finished (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

/** A mistake on the command line; reported with the command's usage and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** @param usage the command's usage text, printed after the message. */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** An expected failure with a ready message and exit code (printed without a stack trace). */
export class CliError extends Error {
  override name = 'CliError';
  /** @param exitCode one of {@link EXIT}; @param hint what to try, printed after the message. */
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A failure described for a person: what happened, what to try, and the exit code. */
export interface FriendlyError {
  message: string;
  hint?: string;
  exitCode: number;
  /** True when the failure was not anticipated: print the stack for the bug report. */
  unexpected: boolean;
}

/** The usage line of a help text and a pointer to the rest: a mistake needs no full manual. */
function shortUsage(usage?: string): string | undefined {
  const line = usage?.split('\n').find((l) => l.startsWith('Usage:'));
  if (!line) return undefined;
  const command = /^Usage: (\S+(?: [a-z]+)?)/.exec(line)?.[1] ?? 'zk-elect';
  return `${line}\nRun \`${command} --help\` for every flag.`;
}

const UNREACHABLE_CODES: ReadonlySet<number> = new Set([ErrorCode.CONNECTIONLOSS, ErrorCode.REQUESTTIMEOUT, ErrorCode.OPERATIONTIMEOUT, ErrorCode.SESSIONEXPIRED]);

/**
 * Turns any thrown value into a {@link FriendlyError}: usage mistakes (with the short usage),
 * unreachable ZooKeeper (naming `context.connectString` and suggesting `npx zk-elect demo` / `--zookeeper` / `ZK_CONNECT`),
 * other ZooKeeper errors by code name, and anything else as unexpected. Never throws.
 */
export function describeError(err: unknown, context: ErrorContext = {}): FriendlyError {
  const { connectString } = context;
  if (err instanceof UsageError) return { message: err.message, hint: shortUsage(err.usage ?? context.usage), exitCode: EXIT.USAGE, unexpected: false };
  if (err instanceof CliError) return { message: err.message, hint: err.hint, exitCode: err.exitCode, unexpected: false };
  if (err instanceof ZooKeeperError) {
    if (err.code === ErrorCode.BADARGUMENTS && !err.path) return { message: err.message, exitCode: EXIT.USAGE, unexpected: false };
    if (err.code === ErrorCode.AUTHFAILED) {
      return { message: err.message, hint: 'Check --sasl-user and --sasl-password-file (or $ZK_SASL_PASSWORD), --digest-auth, and --tls-ca / --tls-cert / --tls-key.', exitCode: EXIT.AUTH_FAILED, unexpected: false };
    }
    if (UNREACHABLE_CODES.has(err.code)) {
      const hosts = connectString?.split('/')[0];
      // The client's connect failure already names the servers; other losses do not.
      const where = hosts && !err.message.includes(hosts) ? ` at ${hosts}` : '';
      return {
        message: `cannot reach ZooKeeper${where}: ${err.message}`,
        hint: 'Is a ZooKeeper server running there? Start a local one with `npx zk-elect demo`, or point to yours with --zookeeper host:port (or ZK_CONNECT).',
        exitCode: EXIT.UNREACHABLE,
        unexpected: false,
      };
    }
    return { message: `ZooKeeper refused the request (${err.codeName}): ${err.message}`, exitCode: EXIT.UNEXPECTED, unexpected: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected error: ${message}`, exitCode: EXIT.UNEXPECTED, unexpected: true };
}

/** What {@link describeError} (and output's reportError) may mention. */
export interface ErrorContext {
  /** The ensemble the command used: named in "cannot reach" messages. */
  connectString?: string;
  /** The command's usage text, for usage errors that do not carry their own. */
  usage?: string;
  /** Report as a JSON line (on stderr). */
  json?: boolean;
}
