/**
 * `zk-elect dashboard`: the demo's live page for any ensemble, read-only (it owns no node or
 * server, so it offers no fault actions).
 * @module
 */
import { DEFAULT_ELECTION, DEFAULT_REGISTRY } from '../../recipes/defaults.js';
import { CHAIN_HELP, CHAIN_OPTIONS } from '../chain.js';
import { startDashboard } from '../../dashboard/app.js';
import { entryPrinter, openInBrowser, printBanner, runUntilSignal } from '../terminal.js';
import { CliError, EXIT } from '../errors.js';
import { intOption, pathOption, resolveConnectString } from '../args.js';
import { runCommand } from '../command.js';
import { BASE_PATH_HELP, BASE_PATH_OPTIONS, basePathFlag } from '../services.js';

const USAGE = `Usage: zk-elect dashboard [flags]

Serves a live web page of an election: the ZooKeeper servers (role and health from \`srvr\`),
the chain of candidates (who leads, who watches whom), the service registry, the named
services (Curator x-discovery, under --base-path), and a timeline
of leader changes with each failover's duration as seen from ZooKeeper. Read-only.

Flags:
  -z, --zookeeper <cs>      ZooKeeper connect string host:port[,host:port...][/chroot]
                            (default: $ZK_CONNECT, else 127.0.0.1:2181)
${CHAIN_HELP}
${BASE_PATH_HELP}
      --port <n>            dashboard port (default 8080; a free one if 8080 is busy)
      --host <h>            dashboard interface (default 127.0.0.1)
      --open                open the page in the desktop's browser, if there is one
  -h, --help                show this help
`;

const OPTIONS = {
  zookeeper: { type: 'string', short: 'z' },
  ...CHAIN_OPTIONS,
  ...BASE_PATH_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  open: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SLOW_CONNECT_MS = 5000;

/**
 * Runs `zk-elect dashboard`. Blocks until Ctrl-C / SIGTERM, then resolves 0; resolves 2 for
 * bad flags and 4 when the port cannot be opened. An unreachable ensemble is not an error: the
 * page shows the servers down and the dashboard keeps trying. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
    const connectString = resolveConnectString(values.zookeeper);
    ctx.connectString = connectString;
    const port = intOption(values.port, 'port', 8080, 0, 65535);
    const app = await startDashboard({
      zookeeper: connectString,
      electionPath: pathOption(values['election-path'], 'election-path', DEFAULT_ELECTION),
      registryPath: pathOption(values['registry-path'], 'registry-path', DEFAULT_REGISTRY),
      basePath: basePathFlag(values),
      port,
      host: values.host ?? '127.0.0.1',
    }).catch((err: NodeJS.ErrnoException) => Promise.reject(err.code ? new CliError(`cannot serve the dashboard: ${err.message}`, EXIT.UNAVAILABLE, 'Try another --port or --host.') : err));
    const print = entryPrinter();
    const busy = app.server.fellBack ? [`(port ${port} was busy, so another one was taken)`] : [];
    printBanner('zk-elect dashboard (read-only)', app.url, [`ZooKeeper:  ${connectString}`, ...busy, 'Ctrl-C stops the dashboard.']);
    app.model.timeline.entries().forEach(print);
    if (values.open && !openInBrowser(app.url)) process.stdout.write('(no desktop browser found: open the address above yourself)\n');
    app.model.whenConnected(SLOW_CONNECT_MS).catch(() => process.stdout.write(`zk-elect dashboard: ZooKeeper at ${connectString} does not answer yet; the page shows the servers down and the dashboard keeps trying\n`));
    await runUntilSignal(app, print);
    return EXIT.OK;
  });
}
