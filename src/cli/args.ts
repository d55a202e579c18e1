/**
 * Command-line parsing shared by the commands: node:util parseArgs with mistakes turned into
 * {@link UsageError}s, typed flag readers, and the connect string's resolution.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseConnectString, validatePath, type ZooKeeperOptions } from '../client/index.js';
import { UsageError } from './errors.js';

/** The default ensemble when neither `--zookeeper` nor `ZK_CONNECT` is given. */
export const DEFAULT_CONNECT_STRING = '127.0.0.1:2181';

/** parseArgs option specs shared by the commands that talk to ZooKeeper. */
export const COMMON_OPTIONS = {
  zookeeper: { type: 'string', short: 'z' },
  'connect-timeout': { type: 'string' },
  'sasl-user': { type: 'string' },
  'sasl-password-file': { type: 'string' },
  'digest-auth': { type: 'string' },
  'digest-password-file': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-no-verify-hostname': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Help lines describing {@link COMMON_OPTIONS}, for the commands' usage texts. */
export const COMMON_HELP = `  -z, --zookeeper <cs>      ZooKeeper connect string host:port[,host:port...][/chroot]
                            (default: $ZK_CONNECT, else ${DEFAULT_CONNECT_STRING})
      --connect-timeout <ms> how long to wait for ZooKeeper at start (default 5000)
      --sasl-user <name>    authenticate with SASL DIGEST-MD5 as this user; the password comes
                            from --sasl-password-file <file> or $ZK_SASL_PASSWORD
      --digest-auth <user>  add digest credentials; the password from --digest-password-file
                            <file> or $ZK_DIGEST_PASSWORD (never on the command line)
      --tls-ca <file>       connect with TLS, trusting this CA (PEM); --tls-cert <file> and
                            --tls-key <file> for mutual TLS; --tls-no-verify-hostname skips the
                            certificate's name check (test ensembles by IP only)
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
  /** The client options of the flags: the connect timeout, TLS, SASL and digest credentials. */
  client: ZooKeeperOptions;
}

/**
 * Resolves `--zookeeper` (see {@link resolveConnectString}) and `--connect-timeout`. Never blocks.
 * @throws UsageError naming the flag of an invalid value.
 */
export function connectFlags(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ConnectFlags {
  const connectTimeout = intOption(values['connect-timeout'] as string | undefined, 'connect-timeout', 5000, 1);
  return { connectString: resolveConnectString(values.zookeeper as string | undefined, env), connectTimeout, client: { connectTimeout, ...secureOptions(values, env) } };
}

/**
 * The TLS and credential options of the secure flags. Reads the files they name. Never blocks
 * for long (small local files). @throws UsageError naming the flag (unreadable file, a user
 * without a password, a TLS key without a certificate).
 */
function secureOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): ZooKeeperOptions {
  const str = (k: string) => values[k] as string | undefined;
  const options: ZooKeeperOptions = {};
  const saslUser = str('sasl-user');
  if (saslUser !== undefined) options.sasl = { mechanism: 'DIGEST-MD5', username: saslUser, password: secret('sasl-user', 'sasl-password-file', 'ZK_SASL_PASSWORD', values, env) };
  const digestUser = str('digest-auth');
  if (digestUser !== undefined) options.authInfo = [{ scheme: 'digest', auth: `${digestUser}:${secret('digest-auth', 'digest-password-file', 'ZK_DIGEST_PASSWORD', values, env)}` }];
  const [ca, cert, key] = ['tls-ca', 'tls-cert', 'tls-key'].map((flag) => (str(flag) === undefined ? undefined : readFlagFile(flag, str(flag)!)));
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tls-cert and --tls-key go together (mutual TLS)');
  if (ca !== undefined || cert !== undefined) options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert, key } : {}) };
  if (values['tls-no-verify-hostname'] === true) options.verifyHostname = false;
  return options;
}

/** A password from its file flag, else from the environment. @throws UsageError when neither has it. */
function secret(userFlag: string, fileFlag: string, envName: string, values: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const file = values[fileFlag] as string | undefined;
  if (file !== undefined) return readFlagFile(fileFlag, file).replace(/\r?\n$/, '');
  const fromEnv = env[envName];
  if (fromEnv !== undefined) return fromEnv;
  throw new UsageError(`--${userFlag} needs a password: --${fileFlag} <file>, or the environment variable ${envName}`);
}

function readFlagFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}
