/**
 * Helpers shared by every `zk-elect` command: exit codes, argument parsing that turns mistakes
 * into {@link UsageError}s, connect-string resolution, friendly error messages, the JSON-line
 * printer and signal handling.
 *
 * A command module exports `run(argv: string[]): Promise<number>`; it returns an {@link EXIT}
 * code and never calls `process.exit` itself. The usual shape:
 *
 * ```ts
 * export function run(argv: string[]): Promise<number> {
 *   return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
 *     ctx.connectString = resolveConnectString(values.zookeeper); // named if it is unreachable
 *     ...
 *     return EXIT.OK;
 *   });
 * }
 * ```
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseConnectString } from '../client/connect-string.js';
import { ZooKeeperError } from '../client/errors.js';
import { validatePath } from '../client/path.js';
import { ErrorCode } from '../protocol/constants.js';

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
  /** Interrupted by a second Ctrl-C before the graceful shutdown finished (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

/** The default ensemble when neither `--zookeeper` nor `ZK_CONNECT` is given. */
export const DEFAULT_CONNECT_STRING = '127.0.0.1:2181';

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

/** parseArgs option specs shared by the commands that talk to ZooKeeper. */
export const COMMON_OPTIONS = {
  zookeeper: { type: 'string', short: 'z' },
  'connect-timeout': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Help lines describing {@link COMMON_OPTIONS}, for the commands' usage texts. */
export const COMMON_HELP = `  -z, --zookeeper <cs>      ZooKeeper connect string host:port[,host:port...][/chroot]
                            (default: $ZK_CONNECT, else ${DEFAULT_CONNECT_STRING})
      --connect-timeout <ms> how long to wait for ZooKeeper at start (default 5000)
      --json                one JSON object per line on stdout, for scripts
  -h, --help                show this help`;

/** What {@link parseCommandArgs} returns: node:util's typed `{ values, positionals }`. */
export type ParsedCommandArgs<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>;

/**
 * Parses `argv` with node:util parseArgs (strict: unknown flags and missing values are errors).
 * Never blocks. @throws UsageError naming the offending flag, with `usage` attached.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string, allowPositionals = false): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: allowPositionals as true });
  } catch (err) {
    // parseArgs messages already name the flag ("Unknown option '--bogus'..."); keep the first sentence.
    const msg = (err as Error).message.split('. To specify')[0];
    throw new UsageError(msg, usage);
  }
}

/**
 * Reads an integer flag value. Returns `fallback` when absent. Never blocks.
 * @throws UsageError naming `--flag` when the value is not an integer within [min, max].
 */
export function intOption(value: string | undefined, flag: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Reads a znode path flag value (`fallback` when absent). Never blocks.
 * @throws UsageError naming `--flag` when the path is invalid (e.g. no leading `/`).
 */
export function pathOption(value: string | undefined, flag: string, fallback: string): string {
  const p = value ?? fallback;
  try {
    validatePath(p);
  } catch (err) {
    throw new UsageError(`--${flag} ${JSON.stringify(p)} is not a valid znode path: ${(err as Error).message}`);
  }
  return p;
}

/**
 * The connect string to use: `--zookeeper`, else `$ZK_CONNECT`, else {@link DEFAULT_CONNECT_STRING}.
 * Validates it without connecting. Never blocks.
 * @throws UsageError saying which source (flag or environment) holds a malformed string.
 */
export function resolveConnectString(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ZK_CONNECT?.trim() ? env.ZK_CONNECT.trim() : undefined;
  const value = flag ?? fromEnv ?? DEFAULT_CONNECT_STRING;
  try {
    parseConnectString(value);
  } catch (err) {
    const source = flag !== undefined ? '--zookeeper' : fromEnv !== undefined ? 'ZK_CONNECT' : 'the default';
    throw new UsageError(`bad ZooKeeper connect string in ${source}: ${(err as Error).message}`);
  }
  return value;
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

/** What {@link describeError} and {@link reportError} may mention. */
export interface ErrorContext {
  /** The ensemble the command used: named in "cannot reach" messages. */
  connectString?: string;
  /** The command's usage text, for usage errors that do not carry their own. */
  usage?: string;
  /** Report as a JSON line (on stderr). */
  json?: boolean;
}

/**
 * Prints `err` for a person on stderr (or as one `{"event":"error",...}` line on stderr in
 * JSON mode) and returns its exit code. Stacks only for unexpected errors. Never throws.
 */
export function reportError(err: unknown, context: ErrorContext = {}): number {
  const f = describeError(err, context);
  if (context.json) {
    const line = { event: 'error', time: Date.now(), message: f.message, hint: f.hint, exitCode: f.exitCode, ...(f.unexpected ? { stack: (err as Error)?.stack } : {}) };
    process.stderr.write(JSON.stringify(line) + '\n');
  } else {
    process.stderr.write(`zk-elect: ${f.message}\n`);
    if (f.hint) process.stderr.write(`${f.hint.endsWith('\n') ? f.hint : f.hint + '\n'}`);
    if (f.unexpected && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  return f.exitCode;
}

/**
 * The frame of every command's `run`: parses `argv` ({@link parseCommandArgs}), prints `usage`
 * for `--help`, runs `body`, and reports whatever it throws ({@link reportError}), in JSON when
 * the command has a `--json` flag and it was given. `body` fills in `ctx.connectString` once it
 * knows it, so an unreachable ensemble is named. Blocks as long as `body`. Never throws.
 */
export async function runCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
  body: (args: ParsedCommandArgs<O>, ctx: ErrorContext) => Promise<number>,
  allowPositionals = false,
): Promise<number> {
  // Before parsing succeeds, --json on the command line still asks for a JSON error.
  const ctx: ErrorContext = { usage, json: 'json' in options && argv.includes('--json') };
  try {
    const args = parseCommandArgs(argv, options, usage, allowPositionals);
    const values = args.values as { help?: boolean; json?: boolean };
    if (values.help) return printHelp(usage);
    if ('json' in options) ctx.json = values.json === true;
    return await body(args, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}

/** Prints a command's help text on stdout and returns {@link EXIT.OK}. */
export function printHelp(usage: string): number {
  process.stdout.write(usage.endsWith('\n') ? usage : usage + '\n');
  return EXIT.OK;
}

/** Writes one event as one JSON line; see {@link jsonLinePrinter}. */
export type JsonLinePrinter = (event: string, fields?: Record<string, unknown>) => void;

/**
 * Returns a printer of `{"event", "time", ...fields}` lines (time: ms since the epoch).
 * BigInts are written as decimal strings and `undefined` fields are left out, so every line
 * parses with `JSON.parse`. Never blocks (the stream buffers); never throws.
 */
export function jsonLinePrinter(stream: NodeJS.WritableStream = process.stdout): JsonLinePrinter {
  return (event, fields = {}) => {
    const line = JSON.stringify({ event, time: Date.now(), ...fields }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    stream.write(line + '\n');
  };
}

/**
 * Calls `onSignal` once on the first SIGINT or SIGTERM (graceful shutdown). A second signal
 * while shutting down exits at once with {@link EXIT.INTERRUPTED}, for a stuck shutdown.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`zk-elect: ${signal} again, exiting without a graceful shutdown\n`);
      process.exit(EXIT.INTERRUPTED);
    }
    received = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => (process.off('SIGINT', handler), process.off('SIGTERM', handler));
}

/** The local wall-clock time as `HH:MM:SS.mmm`, for lines a person reads. */
export function clockTime(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** Formats a session id as ZooKeeper's logs do: `0x` and 16 hex digits. */
export function sessionHex(id: bigint): string {
  return '0x' + id.toString(16).padStart(16, '0');
}

/**
 * Tells what happens, either to a person (timestamped sentences on stdout) or to a script
 * (one JSON line per event on stdout, see {@link jsonLinePrinter}). In JSON mode nothing but
 * event lines reaches stdout. Never blocks; never throws.
 */
export class Reporter {
  private readonly json: JsonLinePrinter;

  /**
   * @param jsonMode print JSON lines instead of sentences.
   * @param context fields added to every JSON line (e.g. the node's role and znode name).
   * @param label a name shown on every line (`id` in JSON, `[label]` in text).
   */
  constructor(
    readonly jsonMode: boolean,
    private readonly context: () => Record<string, unknown> = () => ({}),
    private readonly label?: string,
  ) {
    this.json = jsonLinePrinter(process.stdout);
  }

  /**
   * Reports `event`: in JSON mode as `{event, time, id?, ...context, ...fields}`, otherwise as
   * `text` (each of its lines timestamped), on stderr when `toStderr` is set.
   */
  event(event: string, fields: Record<string, unknown>, text: string, toStderr = false): void {
    if (this.jsonMode) {
      if (toStderr) jsonLinePrinter(process.stderr)(event, { id: this.label, ...this.context(), ...fields });
      else this.json(event, { id: this.label, ...this.context(), ...fields });
      return;
    }
    const stamp = clockTime();
    const prefix = this.label ? `${stamp} [${this.label}] ` : `${stamp} `;
    const lines = text.split('\n').map((l) => prefix + l).join('\n') + '\n';
    (toStderr ? process.stderr : process.stdout).write(lines);
  }

  /** Reports an error that the program survives (on stderr; `error` lines in JSON mode). */
  error(err: unknown): void {
    const f = describeError(err);
    this.event('error', { message: f.message }, `error: ${f.message}${f.unexpected && err instanceof Error && err.stack ? `\n${err.stack}` : ''}`, true);
  }
}
