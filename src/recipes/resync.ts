/**
 * Two small pieces every watching recipe needs: a coalescing runner for re-reads, and a
 * subscription to "the view may be stale now" moments of a SessionKeeper.
 * @module
 */
import { KeeperState } from '../client/index.js';
import type { SessionKeeper } from './session-keeper.js';

/**
 * Runs an async task one at a time. A request made while it runs causes exactly one more run
 * afterwards, so a burst of watch events costs at most two reads.
 */
export class Coalescer {
  private running = false;
  private again = false;
  private current: Promise<void> = Promise.resolve();

  /**
   * @param task the read to run; its rejections go to `onError`.
   * @param active requests are ignored while this returns false (e.g. after close).
   */
  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
    private readonly active: () => boolean = () => true,
  ) {}

  /** True while a run is under way or one more is due. */
  get busy(): boolean {
    return this.running;
  }

  /** Schedules a run. Never blocks, never throws. */
  request(): void {
    if (!this.active()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.loop();
  }

  /** Resolves once no run is under way (at once when idle). Never rejects. */
  idle(): Promise<void> {
    return this.current;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.task();
      } catch (err) {
        this.onError(err);
      }
    } while (this.again && this.active());
    this.running = false;
  }
}

/**
 * Calls `fn` after every reconnect and every replacement session: the moments when watches
 * may have missed something (persistent state was re-read by nobody). Returns the unsubscribe.
 */
export function onResync(session: SessionKeeper, fn: () => void): () => void {
  const onState = (s: KeeperState) => s === KeeperState.SyncConnected && fn();
  session.on('state', onState);
  session.on('session', fn);
  return () => {
    session.off('state', onState);
    session.off('session', fn);
  };
}
