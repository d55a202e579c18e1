/**
 * `zk-elect services`: every named service (Curator's x-discovery layout) and its instances,
 * once, or re-printed on every change with `--watch`.
 * @module
 */
import { SessionKeeper } from '../../recipes/session-keeper.js';
import { ServiceDirectory, readDirectory } from '../../recipes/service-directory.js';
import { COMMON_HELP, COMMON_OPTIONS, connectFlags } from '../args.js';
import { runCommand } from '../command.js';
import { EXIT } from '../errors.js';
import { follow } from '../follow.js';
import { jsonLinePrinter } from '../output.js';
import { BASE_PATH_HELP, BASE_PATH_OPTIONS, basePathFlag, directoryJson, formatDirectory } from '../services.js';

const USAGE = `Usage: zk-elect services [flags]

Prints every named service under the base path (<base-path>/<service>/<instance id>, the
layout and JSON of Apache Curator's x-discovery, also written by Spring Cloud Zookeeper and
Dubbo) and each of its instances: address:port, id, URI (from its uriSpec), owner session
and payload. Only reads: nothing is created.

Flags:
${COMMON_HELP}
${BASE_PATH_HELP}
      --watch               print again on every change (services and instances), until Ctrl-C

With --json, one line per view: {"event":"services","time",...,"basePath","services":[{"name",
"instances":[{"name","id","address","port","sslPort","payload","registrationTimeUTC",
"serviceType","uriSpec","enabled","uri","owner"}]}]} (owner: the session as 0x hex, null when
persistent); with --watch, connection changes are "disconnected", "reconnected", "expired" lines.
Exit codes: 0 printed (with --watch: after Ctrl-C), 2 bad flags, 3 ZooKeeper unreachable,
1 unexpected error.
`;

const OPTIONS = { ...COMMON_OPTIONS, ...BASE_PATH_OPTIONS, watch: { type: 'boolean' } } as const;

/**
 * Runs `zk-elect services`. Blocks for a few reads (with `--watch`, until Ctrl-C / SIGTERM);
 * resolves with the exit code. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
    const { connectString, client } = connectFlags(values);
    const basePath = basePathFlag(values);
    ctx.connectString = connectString;
    const json = ctx.json === true;
    if (values.watch) {
      const source = (session: SessionKeeper) => new ServiceDirectory(session, basePath);
      return follow({ command: 'services', event: 'services', connectString, client, json, source, toJson: directoryJson, format: formatDirectory });
    }
    const session = await SessionKeeper.open(connectString, client);
    try {
      const view = await readDirectory(session, basePath);
      if (json) jsonLinePrinter()('services', directoryJson(view));
      else process.stdout.write(formatDirectory(view));
    } finally {
      await session.close();
    }
    return EXIT.OK;
  });
}
