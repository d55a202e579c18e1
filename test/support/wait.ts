// Waiting helpers shared by the integration tests.

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `cond` every 10 ms until it is true; rejects naming `what` after `ms`. For states that
 * announce themselves by no event (a process gone, a file deleted, a server's own counters);
 * where an event exists, wait on the event.
 */
export async function until(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Like {@link until}, for a probe that yields a value once ready (undefined: not yet). Resolves with it. */
export async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 15_000, what = 'a value'): Promise<T> {
  let found: T | undefined;
  await until(async () => (found = await probe()) !== undefined, ms, what);
  return found as T;
}

/** Something that emits events (node's EventEmitter; typed emitters included). */
type Emitter = { on(event: string, listener: () => void): unknown; off(event: string, listener: () => void): unknown };

/**
 * Resolves once `cond` holds, checking at once and after each `event` of `emitters` (no
 * polling: the state is re-checked when it can have changed). Rejects naming `what` after `ms`.
 */
export function whenEvent(emitters: Emitter | readonly Emitter[], event: string, cond: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const list = Array.isArray(emitters) ? emitters : [emitters as Emitter];
  return new Promise((resolve, reject) => {
    const check = () => cond() && (done(), resolve());
    const timer = setTimeout(() => (done(), reject(new Error(`timed out after ${ms} ms waiting for ${what}`))), ms);
    const done = () => (clearTimeout(timer), list.forEach((e) => e.off(event, check)));
    list.forEach((e) => e.on(event, check));
    check();
  });
}
