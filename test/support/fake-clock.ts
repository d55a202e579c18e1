/**
 * A manual {@link Clock} for tests: time stands still until {@link FakeClock.advance} moves it,
 * firing due timers in order, so a test can assert exact virtual times ("Disconnected at
 * 1200 ms") instead of wall-clock windows.
 * @module
 */
import type { Clock, TimerHandle } from '../../src/client/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  /** The period of an interval; undefined for a one-shot timer. */
  every?: number;
}

/** Lets callbacks already due (next ticks, promise reactions, in-memory stream events) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock that moves only when told to. Starts at 0. */
export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ at: this.time + Math.max(0, ms), fn });
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    return this.add({ at: this.time + every, fn, every });
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }

  /** How many timers are armed (0 once a client has cleared all of its own). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`. Each timer due by then fires at its own due time, earliest
   * first (ties in the order they were set), and what it sets off (closed streams, replies,
   * new timers) runs before the next one fires. Resolves once time has reached now + `ms` and
   * everything it set off has run. Timer callbacks that throw fail the advance.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.nextDue(end);
      if (!next) break;
      const [id, timer] = next;
      this.time = timer.at;
      if (timer.every === undefined) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fn();
    }
    this.time = end;
    await settle();
  }

  private nextDue(end: number): [number, Timer] | undefined {
    let best: [number, Timer] | undefined;
    for (const entry of this.timers) {
      if (entry[1].at <= end && (!best || entry[1].at < best[1].at)) best = entry;
    }
    return best;
  }

  private add(timer: Timer): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, timer);
    return id;
  }
}
