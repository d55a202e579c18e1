/**
 * The lifecycle every recipe shares, so that they all behave and fail alike (Curator gives all
 * its recipes one; etcd takes a context on every call): start once, close once (idempotent:
 * every caller waits on the first close), and an `AbortSignal` on every call that blocks.
 * @module
 */

/** Options of the static `start` of a recipe that opens its own session. */
export interface StartOptions {
  /** Aborts connecting and the start (what was set up is closed again); the rejection is its reason. */
  signal?: AbortSignal;
}

/**
 * The session options with the start's `signal` (if any) for the first connect.
 * Never throws.
 */
export function withStartSignal<O extends { signal?: AbortSignal }>(options: O | undefined, start: StartOptions): O {
  return { ...(options as O), ...(start.signal ? { signal: start.signal } : {}) };
}

/** Where a recipe is in its life. */
export type LifecycleState = 'new' | 'started' | 'closed';

/** Start-once / close-once bookkeeping for one recipe instance. */
export class Lifecycle {
  #state: LifecycleState = 'new';
  #closing: Promise<void> | undefined;

  /** @param name how errors name the recipe, e.g. `LeaderElection of /election`. */
  constructor(private readonly name: string) {}

  /** Where the recipe is: `new`, `started` or `closed`. */
  get state(): LifecycleState {
    return this.#state;
  }

  /** True once close began. */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /**
   * Marks the recipe started. Never blocks.
   * @throws Error naming the recipe when it was started already or closed.
   */
  start(): void {
    if (this.#state !== 'new') throw new Error(`${this.name} was ${this.#state === 'closed' ? 'closed' : 'started already'}`);
    this.#state = 'started';
  }

  /**
   * Runs `close` the first time it is called; every call (concurrent or later) returns the
   * promise of that first close. Blocks as `close` does.
   */
  close(close: () => Promise<void>): Promise<void> {
    this.#state = 'closed';
    this.#closing ??= close();
    return this.#closing;
  }
}

/**
 * Runs `work` unless `signal` aborts first: then rejects at once with the abort reason and
 * calls `undo` (in the background; it must not reject) to tear down whatever `work` set up.
 * An already-aborted signal rejects before `work` starts. Blocks as `work` does.
 * @throws the abort reason; whatever `work` throws.
 */
export async function abortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>, undo: () => Promise<unknown> | void): Promise<T> {
  if (!signal) return work();
  signal.throwIfAborted();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      void Promise.resolve().then(undo);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
