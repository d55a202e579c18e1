/**
 * `zk-elect watch`: like `zk-elect status`, re-printed on every change of the election or the
 * registry until Ctrl-C.
 * @module
 */
import { CHAIN_HELP, CHAIN_OPTIONS, ChainWatcher, chainFlags, chainJson, formatChain } from '../chain.js';
import { COMMON_HELP, COMMON_OPTIONS } from '../args.js';
import { follow } from '../follow.js';
import { runCommand } from '../command.js';

const USAGE = `Usage: zk-elect watch [flags]

Prints the election chain and the service registry like \`zk-elect status\`, then again on
every change (a child watch on both parents, re-armed after each change), until Ctrl-C.
The watcher is an observer: it is notified of every join and leave, unlike candidates,
which watch only their predecessor; keep observers few on big fleets.

Flags:
${COMMON_HELP}
${CHAIN_HELP}

With --json, one line per change: {"event":"chain","time",...,"leader","candidates","registry"};
connection changes are "disconnected", "reconnected", "expired" lines.
Exit codes: 0 after Ctrl-C, 2 bad flags, 3 ZooKeeper unreachable, 1 unexpected error.
`;

const OPTIONS = { ...COMMON_OPTIONS, ...CHAIN_OPTIONS } as const;

/**
 * Runs `zk-elect watch`. Blocks until Ctrl-C / SIGTERM, then resolves 0; resolves earlier
 * with an exit code when it cannot start. Never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, ({ values }, ctx) => {
    const flags = chainFlags(values);
    ctx.connectString = flags.connectString;
    return follow({
      command: 'watch',
      event: 'chain',
      connectString: flags.connectString,
      client: flags.client,
      json: ctx.json === true,
      source: (session) => new ChainWatcher(session, flags.electionPath, flags.registryPath),
      toJson: chainJson,
      format: formatChain,
    });
  });
}
