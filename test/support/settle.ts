// Looking at a promise's outcome from a test without an unhandled rejection in between.
import assert from 'node:assert/strict';

/**
 * Attaches a handler at once (so a rejection that comes before the test looks at it is not an
 * unhandled rejection) and resolves with the rejection reason. @throws if `p` resolves.
 */
export function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => assert.fail(`expected a rejection, got ${String(v)}`),
    (e: unknown) => e,
  );
}

/** Watches `p`: `settled()` tells whether it has settled yet; `result` is `p` itself. */
export function track<T>(p: Promise<T>): { settled: () => boolean; result: Promise<T> } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done, result: p };
}
