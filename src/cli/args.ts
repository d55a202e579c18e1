/**
 * Command-line parsing shared by the commands: node:util parseArgs with mistakes turned into
 * {@link UsageError}s, typed flag readers, and the connect string's resolution.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseConnectString, validatePath } from '../client/index.js';
import { UsageError } from './errors.js';

/** The default ensemble when neither `--zookeeper` nor `ZK_CONNECT` is given. */
export const DEFAULT_CONNECT_STRING = '127.0.0.1:2181';

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

/** The ensemble flags of {@link COMMON_OPTIONS}, resolved. */
export interface ConnectFlags {
  connectString: string;
  /** `--connect-timeout` in ms (default 5000). */
  connectTimeout: number;
}

/**
 * Resolves `--zookeeper` (see {@link resolveConnectString}) and `--connect-timeout`. Never blocks.
 * @throws UsageError naming the flag of an invalid value.
 */
export function connectFlags(values: { zookeeper?: unknown; 'connect-timeout'?: unknown }): ConnectFlags {
  return {
    connectString: resolveConnectString(values.zookeeper as string | undefined),
    connectTimeout: intOption(values['connect-timeout'] as string | undefined, 'connect-timeout', 5000, 1),
  };
}
