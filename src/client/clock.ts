/**
 * The clock seam: every timer and timestamp of the client goes through a {@link Clock}, so a
 * test can drive time by hand (advance it, fire due timers in order) instead of waiting on the
 * wall clock. The default is {@link realClock}.
 * @module
 */

/** An opaque timer handle, as returned by a {@link Clock}; only that clock can clear it. */
export type TimerHandle = unknown;

/**
 * Time as the client sees it. Implementations must call a timer's callback at most once per
 * period, never synchronously from `setTimeout`/`setInterval`, and never after it was cleared.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are used). Never blocks. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}; `undefined` and spent timers are ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Calls `fn` every `ms` milliseconds until cleared. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setInterval}; `undefined` is ignored. */
  clearInterval(handle: TimerHandle | undefined): void;
}

/**
 * The platform's clock: `performance.now()` and Node's timers. Its intervals are unref'd, so a
 * repeating timer (the ping) never keeps the process alive on its own; one-shot timers are not,
 * since something waits on each of them.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};
