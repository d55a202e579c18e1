/**
 * Polls every ZooKeeper server with `srvr` about once a second, for the dashboard's server
 * panel: role (leader / follower / standalone) and health (up / not serving / down).
 * @module
 */
import { EventEmitter } from 'node:events';
import { fourLetterWord, parseSrvr } from '../client/four-letter.js';
import type { ServerView } from './types.js';

/** A server to poll. */
export interface ServerTarget {
  id: number;
  host: string;
  port: number;
  /** This process owns it (can kill / restart it). */
  owned: boolean;
  /** For owned servers: false while the JVM is down, so it is shown down without a probe. */
  running?: boolean;
}

/** Events of a {@link ServerPoller}. */
export interface ServerPollerEvents {
  /** Something about the servers changed; `views` is the whole new list. */
  change: [views: ServerView[]];
  /** One server's health or mode changed (`before` is undefined on the first poll). */
  transition: [after: ServerView, before: ServerView | undefined];
}

const PROBE_TIMEOUT_MS = 800;
const SERVING = new Set(['leader', 'follower', 'observer', 'standalone', 'read-only']);

/** Probes one server. Never throws: failures become a `down` view. */
export async function probeServer(target: ServerTarget): Promise<Omit<ServerView, 'since'>> {
  const base = { id: target.id, address: `${target.host}:${target.port}`, owned: target.owned };
  if (target.running === false) return { ...base, health: 'down', error: 'stopped' };
  try {
    const info = parseSrvr(await fourLetterWord(target.host, target.port, 'srvr', { timeoutMs: PROBE_TIMEOUT_MS }));
    const health = SERVING.has(info.mode) ? 'up' : 'not-serving';
    const { mode, zxid, connections, version } = info;
    return { ...base, health, mode, ...(zxid ? { zxid } : {}), ...(connections !== undefined ? { connections } : {}), ...(version ? { version } : {}) };
  } catch (err) {
    return { ...base, health: 'down', error: shortError(err) };
  }
}

function shortError(err: unknown): string {
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  // A server dying mid-reply closes the connection with nothing said.
  if (/no complete reply|not a srvr reply \(no "Mode:" line\): ""/.test((err as Error).message)) return 'no reply';
  return cause?.code ?? (err as Error).message;
}

/**
 * Polls `targets()` (re-evaluated every round, so kills and restarts show up) every
 * `intervalMs` after the previous round ends. Rounds never overlap; a round probes every server
 * at once and lasts as long as its slowest probe (each has an 800 ms timeout).
 */
export class ServerPoller extends EventEmitter<ServerPollerEvents> {
  private current: ServerView[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  /** Does nothing until {@link start}. */
  constructor(
    private readonly targets: () => ServerTarget[],
    private readonly intervalMs = 1000,
  ) {
    super();
  }

  /** The last views (a copy). */
  get views(): ServerView[] {
    return this.current.map((v) => ({ ...v }));
  }

  /** Polls now and then every interval. Resolves after the first round. */
  async start(): Promise<void> {
    await this.pollNow();
  }

  /** Runs a round now (or waits for the running one). Never throws. */
  pollNow(): Promise<void> {
    this.polling ??= this.round().finally(() => {
      this.polling = undefined;
      this.schedule();
    });
    return this.polling;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.closed) this.timer = setTimeout(() => void this.pollNow(), this.intervalMs);
  }

  private async round(): Promise<void> {
    const probes = await Promise.all(this.targets().map(probeServer));
    if (this.closed) return;
    const now = Date.now();
    const before = new Map(this.current.map((v) => [v.id, v]));
    const next = probes.map((p) => {
      const old = before.get(p.id);
      const same = old && old.health === p.health && old.mode === p.mode;
      return { ...p, since: same ? old.since : now };
    });
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    for (const view of next) {
      const old = before.get(view.id);
      if (!old || old.since !== view.since) this.emit('transition', view, old);
    }
    if (changed) this.emit('change', this.views);
  }

  /** Stops polling. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
