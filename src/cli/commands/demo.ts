/**
 * `zk-elect demo`: a local ZooKeeper, a fleet of node processes and a live dashboard, to
 * watch leader elections happen and to cause failovers (kill the leader, a node, a server).
 * @module
 */
import { startDemo, type DemoOptions } from '../../dashboard/app.js';
import { MAX_NODES } from '../../dashboard/actions.js';
import { FleetError } from '../../dashboard/fleet.js';
import { entryPrinter, openInBrowser, printBanner, runUntilSignal } from '../terminal.js';
import { DEFAULT_ZOOKEEPER_VERSION, JavaNotFoundError, ZooKeeperNotFoundError } from '../../testing/index.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { intOption, resolveConnectString } from '../args.js';
import { runCommand } from '../command.js';

const USAGE = `Usage: zk-elect demo [flags]

Starts a local ZooKeeper quorum and a fleet of nodes (each its own process running
\`zk-elect node\`), and serves a live dashboard where you can kill the leader, kill or add
nodes and kill / restart ZooKeeper servers, and watch every failover and how long it took.
Ctrl-C stops everything and deletes the temporary files.

Flags:
      --servers <n>          local ZooKeeper servers: 1 (standalone), 3 or 5 (default 3)
      --nodes <n>            node processes to launch (default 5, at most ${MAX_NODES})
      --session-timeout <ms> the nodes' session timeout (default 4000): how long a crashed
                             leader's znode outlives it, so how long a SIGKILL failover takes
      --secure               lock the local servers down as production ensembles are: SASL
                             DIGEST-MD5 required (user demo, a fresh random password) and a
                             TLS client port; the nodes join over TLS with SASL, through the
                             same --tls-ca / --sasl-user / --sasl-password-file flags
  -z, --zookeeper <cs>       use this existing ensemble instead of starting servers
                             (the server panel then only shows what \`srvr\` says)
      --port <n>             dashboard port (default 8080; a free one if 8080 is busy)
      --host <h>             dashboard interface (default 127.0.0.1: it can kill processes)
      --open                 open the dashboard in the desktop's browser, if there is one
  -h, --help                 show this help

Unless --zookeeper is given, it starts local servers: Java, plus the ZooKeeper release in
$ZK_VERSION (default ${DEFAULT_ZOOKEEPER_VERSION}, resolved once from Maven Central with mvn;
ZK_VERSION=debian for Debian's zookeeper package; or ZOOKEEPER_HOME, an Apache binary tarball).
`;

const OPTIONS = {
  servers: { type: 'string' },
  nodes: { type: 'string' },
  'session-timeout': { type: 'string' },
  zookeeper: { type: 'string', short: 'z' },
  port: { type: 'string' },
  host: { type: 'string' },
  open: { type: 'boolean' },
  secure: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

function demoOptions(values: Values): DemoOptions & { open: boolean } {
  const str = (k: keyof typeof OPTIONS) => values[k] as string | undefined;
  const servers = intOption(str('servers'), 'servers', 3, 1, 9);
  if (servers % 2 === 0) throw new UsageError(`--servers must be odd (1, 3 or 5): a quorum of ${servers} tolerates no more failures than ${servers - 1}`, USAGE);
  if (values.secure === true && str('zookeeper') !== undefined) throw new UsageError('--secure locks down the servers the demo starts; it cannot be used with --zookeeper', USAGE);
  return {
    servers,
    nodes: intOption(str('nodes'), 'nodes', 5, 1, MAX_NODES),
    sessionTimeoutMs: intOption(str('session-timeout'), 'session-timeout', 4000, 500, 120_000),
    ...(str('zookeeper') !== undefined ? { zookeeper: resolveConnectString(str('zookeeper')) } : {}),
    port: intOption(str('port'), 'port', 8080, 0, 65535),
    host: str('host') ?? '127.0.0.1',
    open: values.open === true,
    secure: values.secure === true,
    onProgress: (text) => process.stdout.write(`zk-elect demo: ${text}\n`),
  };
}

/** Turns start-up failures a person can fix into friendly errors. */
function friendly(err: unknown): unknown {
  if (err instanceof ZooKeeperNotFoundError || err instanceof JavaNotFoundError) return new CliError(err.message, EXIT.UNAVAILABLE);
  if (err instanceof FleetError) return new CliError(`a node did not start: ${err.message}`, EXIT.UNEXPECTED, 'Try `zk-elect node --zookeeper <cs>` by hand to see why.');
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') return new CliError(`cannot serve the dashboard: ${(err as Error).message}`, EXIT.UNAVAILABLE, 'Try another --port or --host.');
  return err;
}

/**
 * Runs `zk-elect demo`. Blocks until Ctrl-C / SIGTERM, then tears everything down and resolves
 * 0; resolves 2 for bad flags, 3 when a `--zookeeper` ensemble is unreachable, 4 without
 * ZooKeeper/Java or a usable port, 1 otherwise. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
    const opts = demoOptions(values);
    ctx.connectString = opts.zookeeper;
    const demo = await startDemo(opts).catch((err) => Promise.reject(friendly(err)));
    const print = entryPrinter();
    demo.model.timeline.entries().forEach(print);
    const lines = [
      opts.zookeeper ? `ZooKeeper:  ${opts.zookeeper} (existing ensemble)` : `ZooKeeper:  ${demo.model.options.connectString}${opts.secure ? ' (TLS; SASL user demo, password in the demo\'s temp dir)' : ''}`,
      `Nodes:      ${opts.nodes}, session timeout ${opts.sessionTimeoutMs} ms`,
      'Kill the leader from the page and watch the failover. Ctrl-C stops everything.',
    ];
    printBanner('zk-elect demo is running', demo.url, demo.server.fellBack ? [...lines, `(port ${opts.port} was busy, so another one was taken)`] : lines);
    if (opts.open && !openInBrowser(demo.url)) process.stdout.write('(no desktop browser found: open the address above yourself)\n');
    await runUntilSignal(demo, print, 'the nodes, the dashboard and ZooKeeper');
    process.stdout.write('zk-elect demo: stopped; nothing left behind.\n');
    return EXIT.OK;
  });
}
