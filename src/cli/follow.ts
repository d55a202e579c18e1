/**
 * Following a live view until Ctrl-C: the loop of `zk-elect watch` (the chain) and
 * `zk-elect services --watch` (the named services), and the connection-state lines every
 * long-running command prints.
 * @module
 */
import { KeeperState, type ZooKeeperOptions } from '../client/index.js';
import { SessionKeeper } from '../recipes/session-keeper.js';
import { EXIT } from './errors.js';
import { Reporter, clockTime } from './output.js';
import { onShutdownSignal } from './signals.js';

/** A live view to follow (a ChainWatcher, a ServiceDirectory): a first view from `start`, then `view` events. */
export interface ViewSource<V> {
  on(event: 'view', listener: (view: V) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  start(): Promise<V>;
  close(): Promise<void>;
}

/** What {@link follow} prints, and from where. */
export interface FollowOptions<V> {
  /** The command's name, in the header of each text view (`zk-elect <command> <cs> - time`). */
  command: string;
  /** The `event` of each JSON view line. */
  event: string;
  connectString: string;
  /** The client options of the common flags (timeout, TLS, credentials). */
  client: ZooKeeperOptions;
  json: boolean;
  /** Makes the view source on the session (not started). */
  source: (session: SessionKeeper) => ViewSource<V>;
  /** A view as the fields of its JSON line; equal fields mean an unchanged view (not printed again). */
  toJson: (view: V) => Record<string, unknown>;
  /** A view as text for a person. */
  format: (view: V) => string;
}

/**
 * Prints the view of `options.source` and again after every change, until Ctrl-C / SIGTERM;
 * resolves 0 then. Blocks that long. @throws ZooKeeperError when it cannot connect at start.
 */
export async function follow<V>(options: FollowOptions<V>): Promise<number> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const unhook = onShutdownSignal(() => stop());
  const session = await SessionKeeper.open(options.connectString, options.client).catch((e) => (unhook(), Promise.reject(e)));
  const out = new Reporter(options.json);
  const source = options.source(session);
  source.on('view', viewPrinter(out, options));
  source.on('error', (e) => out.error(e));
  session.on('state', (s, reason) => reportSessionState(out, s, reason, !out.jsonMode));
  session.on('error', (e) => out.error(e));
  // A failed first read is reported like any later one; the caches retry on the next event.
  source.start().catch((e) => out.error(e));
  try {
    await stopped;
  } finally {
    unhook();
    await source.close();
    await session.close();
  }
  return EXIT.OK;
}

/** Prints a view when it differs from the last one (a TTY is cleared first, like `watch(1)`). */
function viewPrinter<V>(out: Reporter, options: FollowOptions<V>): (view: V) => void {
  let last = '';
  return (view) => {
    const fields = options.toJson(view);
    const key = JSON.stringify(fields);
    if (key === last) return;
    last = key;
    if (out.jsonMode) return out.event(options.event, fields, '');
    const header = `zk-elect ${options.command} ${options.connectString} - ${clockTime()} (Ctrl-C to exit)`;
    const clear = process.stdout.isTTY ? '\x1b[2J\x1b[H' : '\n';
    process.stdout.write(`${clear}${header}\n${options.format(view)}`);
  };
}

/**
 * Reports a connection change as `disconnected`, `reconnected` or `expired` (other states
 * are not reported). `toStderr`: where a view or a program owns stdout.
 */
export function reportSessionState(out: Reporter, state: KeeperState, reason: string | undefined, toStderr: boolean): void {
  if (state === KeeperState.Disconnected) out.event('disconnected', { reason }, `Disconnected from ZooKeeper${reason ? ` (${reason})` : ''}; reconnecting`, toStderr);
  else if (state === KeeperState.SyncConnected) out.event('reconnected', {}, 'Reconnected to ZooKeeper', toStderr);
  else if (state === KeeperState.Expired) out.event('expired', { reason }, 'ZooKeeper session expired: opening a new one', toStderr);
}
