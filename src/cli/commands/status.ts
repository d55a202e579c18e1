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

const USAGE = `Usage: zk-elect status [flags]

Prints the election chain of an ensemble (candidates in order, the leader, which predecessor
each candidate watches, its session id and data) and the service registry (node -> address),
once. An empty or missing election prints "no candidates". It only reads: nothing is created.

Flags:
${COMMON_HELP}
${CHAIN_HELP}

With --json, one line: {"event":"status","time",...,"leader","candidates":[...],"registry":[...]}.
Exit codes: 0 printed, 2 bad flags, 3 ZooKeeper unreachable, 1 unexpected error.
`;

const OPTIONS = { ...COMMON_OPTIONS, ...CHAIN_OPTIONS } as const;

/**
 * Runs `zk-elect status`. Blocks for one connection and a few reads; resolves with the exit
 * code. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
    const { connectString, electionPath, registryPath, connectTimeout } = chainFlags(values);
    ctx.connectString = connectString;
    const session = await SessionKeeper.open(connectString, { connectTimeout });
    try {
      const view = await readChain(session, electionPath, registryPath);
      if (ctx.json) jsonLinePrinter()('status', chainJson(view));
      else process.stdout.write(formatChain(view));
    } finally {
      await session.close();
    }
    return EXIT.OK;
  });
}
