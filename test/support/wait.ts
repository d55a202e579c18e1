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
