/**
 * `zk-elect register`: registers one named-service instance (Curator's x-discovery format,
 * DYNAMIC: an ephemeral znode) and holds it until Ctrl-C / SIGTERM, or, with `-- COMMAND`,
 * exactly as long as that command runs (a sidecar for programs in any language).
 * @module
 */
import { SessionKeeper } from '../../recipes/session-keeper.js';
import type { ZooKeeperOptions } from '../../client/index.js';
import { parseUriSpec, validateServiceName, type NewServiceInstance } from '../../recipes/discovery/instance.js';
import { ServiceDiscovery } from '../../recipes/discovery/service-discovery.js';
import { COMMON_HELP, COMMON_OPTIONS, connectFlags, intOption } from '../args.js';
import { runCommand } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { reportSessionState } from '../follow.js';
import { Reporter } from '../output.js';
import { onShutdownSignal } from '../signals.js';
import { runSidecar } from '../sidecar.js';
import { uriOf } from '../../recipes/service-directory.js';
import { BASE_PATH_HELP, BASE_PATH_OPTIONS, basePathFlag } from '../services.js';

/** The uriSpec registered without `--uri-spec`: what Spring Cloud Zookeeper writes. */
const DEFAULT_URI_SPEC = '{scheme}://{address}:{port}';

const USAGE = `Usage: zk-elect register --service NAME --address HOST --port N [flags] [-- COMMAND ARGS...]

Registers one instance of service NAME as <base-path>/NAME/<id> in the format of Apache
Curator's x-discovery (DYNAMIC: an ephemeral znode, so it also goes if this process dies),
and holds it until Ctrl-C or SIGTERM; then it unregisters and exits 0.

With -- COMMAND ARGS..., it runs COMMAND (no shell) with this terminal's stdin, stdout and
stderr, registered exactly as long as the command runs: registered before it starts,
unregistered once it exits. It exits with the command's exit code (128 + N when a signal N
killed it). SIGTERM is passed on to the command, and so is SIGINT unless stdin is a terminal
(Ctrl-C there already reached the command). The command never outlives this process.
Then stdout is the command's alone: what register prints (text or --json lines) goes to
stderr, one whole line at a time.

Flags:
      --service <name>      the service name (required; no "/")
      --address <host>      the instance's address (required)
      --port <n>            the instance's port, 1 to 65535 (required)
      --ssl-port <n>        its TLS port, 1 to 65535 ({scheme} is then https)
      --id <id>             the instance id (default: a random UUID)
      --payload <json>      any JSON value, stored as the instance's payload
      --uri-spec <spec>     Curator's URI template (default ${DEFAULT_URI_SPEC});
                            "" registers none
${BASE_PATH_HELP}
${COMMON_HELP}

With --json, one line per event: "registered" (service, id, path, address, port, sslPort,
uri), "child-started" (pid, command), "signal" (signal, forwarded), "child-exited" (code,
signal), "unregistered" (service, id), connection changes ("disconnected", "reconnected",
"expired") and "error" (message).
Exit codes: 0 unregistered after Ctrl-C / SIGTERM, 2 bad flags, 3 ZooKeeper unreachable,
1 unexpected error; with a command, the command's exit code (127 if it is not found,
126 if it is not executable).
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...BASE_PATH_OPTIONS,
  service: { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  'ssl-port': { type: 'string' },
  id: { type: 'string' },
  payload: { type: 'string' },
  'uri-spec': { type: 'string' },
} as const;

/**
 * Runs `zk-elect register`. Blocks until Ctrl-C / SIGTERM (or the command's exit); resolves
 * with the exit code. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  // Everything after the first `--` is the command, never our flags (its own --help included).
  const split = argv.indexOf('--');
  const flags = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  return runCommand(flags, OPTIONS, USAGE, ({ values }, ctx) => {
    if (split >= 0 && command.length === 0) throw new UsageError('nothing after "--": give the command to run, or leave out the "--"');
    const { connectString, client } = connectFlags(values);
    const instance = instanceFlags(values);
    const basePath = basePathFlag(values);
    ctx.connectString = connectString;
    return hold({ connectString, client, basePath, instance, command, json: ctx.json === true });
  });
}

/** The instance the flags describe. @throws UsageError naming the flag that is missing or wrong. */
function instanceFlags(values: Record<string, string | boolean | undefined>): NewServiceInstance {
  const text = (flag: string) => values[flag] as string | undefined;
  const required = (flag: string) => {
    const v = text(flag);
    if (v === undefined || v.trim() === '') throw new UsageError(`--${flag} is required`);
    return v;
  };
  const name = required('service');
  try {
    validateServiceName(name);
  } catch (err) {
    throw new UsageError(`--service ${JSON.stringify(name)} is not a valid service name: ${(err as Error).message}`);
  }
  const address = required('address');
  const port = intOption(required('port'), 'port', 0, 1, 65535);
  const sslPort = text('ssl-port') === undefined ? null : intOption(text('ssl-port'), 'ssl-port', 0, 1, 65535);
  return { name, address, port, sslPort, id: text('id'), payload: payloadFlag(text('payload')), serviceType: 'DYNAMIC', uriSpec: uriSpecFlag(text('uri-spec')) };
}

function payloadFlag(value: string | undefined): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new UsageError(`--payload is not valid JSON (${(err as Error).message}): ${JSON.stringify(value)}`);
  }
}

function uriSpecFlag(value: string | undefined): string | null {
  const spec = value ?? DEFAULT_URI_SPEC;
  if (spec === '') return null;
  try {
    parseUriSpec(spec);
  } catch (err) {
    throw new UsageError(`--uri-spec ${JSON.stringify(spec)} is not a URI template: ${(err as Error).message}`);
  }
  return spec;
}

/** What {@link hold} needs. */
interface HoldOptions {
  connectString: string;
  /** The client options of the common flags (timeout, TLS, credentials). */
  client: ZooKeeperOptions;
  basePath: string;
  instance: NewServiceInstance;
  /** The sidecar's command and arguments; empty to hold until a signal. */
  command: string[];
  json: boolean;
}

/** Registers, holds (until a signal, or as long as the command runs), unregisters. Resolves with the exit code. */
async function hold(o: HoldOptions): Promise<number> {
  const out = new Reporter(o.json);
  // With a command, stdout is the command's: our lines, JSON or text, go to stderr.
  const toStderr = o.command.length > 0;
  const stop = new AbortController();
  let onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  const unhook = onShutdownSignal((signal) => onSignal(signal));
  try {
    const session = await SessionKeeper.open(o.connectString, o.client);
    session.on('state', (s, reason) => reportSessionState(out, s, reason, toStderr));
    session.on('error', (e) => out.error(e));
    const discovery = new ServiceDiscovery(session, { basePath: o.basePath });
    discovery.on('error', (e: unknown) => out.error(e));
    try {
      const instance = await discovery.registerService(o.instance, stop.signal).catch((e) => (stop.signal.aborted ? undefined : Promise.reject(e)));
      // A signal during the registration: nothing is left to hold.
      if (!instance) return EXIT.OK;
      const { name: service, id } = instance;
      const path = discovery.pathOf(instance);
      const uri = uriOf(instance);
      out.event('registered', { service, id, path, address: instance.address, port: instance.port, sslPort: instance.sslPort, uri }, `Registered ${service} instance ${id} as ${path}${uri ? ` (${uri})` : ''}`, toStderr);
      // A signal that came while registering means: do not start the command at all.
      const code = o.command.length > 0 && !stop.signal.aborted ? await runSidecar(o.command, out, (f) => (onSignal = f)) : await untilSignal(stop.signal, out, toStderr);
      await discovery.unregisterService(instance);
      out.event('unregistered', { service, id }, `Unregistered ${service} instance ${id}`, toStderr);
      return code;
    } finally {
      await discovery.close();
      await session.close();
    }
  } finally {
    unhook();
  }
}

/** Waits for the first Ctrl-C / SIGTERM (`signal` aborted with it); resolves 0. `toStderr`: a command owns stdout. */
async function untilSignal(signal: AbortSignal, out: Reporter, toStderr: boolean): Promise<number> {
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  const name = signal.reason as NodeJS.Signals;
  out.event('signal', { signal: name, forwarded: false }, `${name}: unregistering`, toStderr);
  return EXIT.OK;
}
