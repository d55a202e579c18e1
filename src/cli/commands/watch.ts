/**
 * `zk-elect watch`: like `zk-elect status`, re-printed on every change of the election or the
 * registry until Ctrl-C.
 * @module
 */
import { KeeperState } from '../../protocol/constants.js';
import { SessionKeeper } from '../../recipes/session-keeper.js';
import { CHAIN_HELP, CHAIN_OPTIONS, ChainWatcher, chainFlags, chainJson, formatChain, type ChainView } from '../chain.js';
import { COMMON_HELP, COMMON_OPTIONS } from '../args.js';
import { EXIT } from '../errors.js';
import { Reporter, clockTime } from '../output.js';
import { onShutdownSignal } from '../signals.js';
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
    return watch(flags.connectString, flags.electionPath, flags.registryPath, flags.connectTimeout, ctx.json === true);
  });
}

async function watch(connectString: string, electionPath: string, registryPath: string, connectTimeout: number, json: boolean): Promise<number> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const unhook = onShutdownSignal(() => stop());
  const session = await SessionKeeper.open(connectString, { connectTimeout }).catch((e) => (unhook(), Promise.reject(e)));
  const out = new Reporter(json);
  const watcher = new ChainWatcher(session, electionPath, registryPath);
  const print = viewPrinter(out, connectString);
  watcher.on('view', print);
  watcher.on('error', (e) => out.error(e));
  session.on('state', (s, reason) => reportState(out, s, reason));
  session.on('error', (e) => out.error(e));
  // A failed first read is reported like any later one; the caches retry on the next event.
  watcher.start().catch((e) => out.error(e));
  try {
    await stopped;
  } finally {
    unhook();
    await watcher.close();
    await session.close();
  }
  return EXIT.OK;
}

/** Prints a view when it differs from the last one (a TTY is cleared first, like `watch(1)`). */
function viewPrinter(out: Reporter, connectString: string): (view: ChainView) => void {
  let last = '';
  return (view) => {
    const fields = chainJson(view);
    const key = JSON.stringify(fields);
    if (key === last) return;
    last = key;
    if (out.jsonMode) return out.event('chain', fields, '');
    const header = `zk-elect watch ${connectString} - ${clockTime()} (Ctrl-C to exit)`;
    const clear = process.stdout.isTTY ? '\x1b[2J\x1b[H' : '\n';
    process.stdout.write(`${clear}${header}\n${formatChain(view)}`);
  };
}

function reportState(out: Reporter, state: KeeperState, reason?: string): void {
  const toStderr = !out.jsonMode; // JSON lines are for scripts on stdout; sentences would spoil the view
  if (state === KeeperState.Disconnected) out.event('disconnected', { reason }, `Disconnected from ZooKeeper${reason ? ` (${reason})` : ''}; reconnecting`, toStderr);
  else if (state === KeeperState.SyncConnected) out.event('reconnected', {}, 'Reconnected to ZooKeeper', toStderr);
  else if (state === KeeperState.Expired) out.event('expired', { reason }, 'ZooKeeper session expired: opening a new one', toStderr);
}
