/**
 * `zk-elect status`: prints the election chain (candidates in order, the leader, who watches
 * whom, sessions, data) and the service registry of any ensemble, once.
 * @module
 */
import { SessionKeeper } from '../../recipes/session-keeper.js';
import { CHAIN_HELP, CHAIN_OPTIONS, chainFlags, chainJson, formatChain, readChain } from '../chain.js';
import { COMMON_HELP, COMMON_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import { jsonLinePrinter } from '../output.js';
import { runCommand } from '../command.js';
import { readDirectory } from '../../recipes/service-directory.js';
import { BASE_PATH_HELP, BASE_PATH_OPTIONS, basePathFlag, directoryJson, formatDirectory } from '../services.js';

const USAGE = `Usage: zk-elect status [flags]

Prints the election chain of an ensemble (candidates in order, the leader, which predecessor
each candidate watches, its session id and data) and the service registry (node -> address),
once. An empty or missing election prints "no candidates". It only reads: nothing is created.
Then the named services under --base-path, as \`zk-elect services\` prints them.

Flags:
${COMMON_HELP}
${CHAIN_HELP}
${BASE_PATH_HELP}

With --json, one line: {"event":"status","time",...,"leader","candidates":[...],"registry":[...],
"basePath","services":[...]} (services as in \`zk-elect services --json\`).
Exit codes: 0 printed, 2 bad flags, 3 ZooKeeper unreachable, 1 unexpected error.
`;

const OPTIONS = { ...COMMON_OPTIONS, ...CHAIN_OPTIONS, ...BASE_PATH_OPTIONS } as const;

/**
 * Runs `zk-elect status`. Blocks for one connection and a few reads; resolves with the exit
 * code. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
    const { connectString, electionPath, registryPath, client } = chainFlags(values);
    const basePath = basePathFlag(values);
    ctx.connectString = connectString;
    const session = await SessionKeeper.open(connectString, client);
    try {
      const [view, services] = await Promise.all([readChain(session, electionPath, registryPath), readDirectory(session, basePath)]);
      if (ctx.json) jsonLinePrinter()('status', { ...chainJson(view), ...directoryJson(services) });
      else process.stdout.write(formatChain(view) + formatDirectory(services));
    } finally {
      await session.close();
    }
    return EXIT.OK;
  });
}
