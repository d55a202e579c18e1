/**
 * The error book of a {@link ServiceProvider}: which instances callers reported failing, and
 * which of them are down for now. Curator's DownInstancePolicy semantics, with exact expiry.
 * @module
 */
import { instanceKey } from './instance-key.js';

/**
 * When a {@link ServiceProvider} stops offering an instance callers report failing: once
 * `errorThreshold` errors were noted, until `timeoutMs` after the first of them (Curator's
 * DownInstancePolicy, same defaults).
 */
export interface DownInstancePolicy {
  /** How long after its first noted error an instance's errors are forgotten (ms). Default 30 000. */
  timeoutMs: number;
  /** How many noted errors make an instance down. Default 2. */
  errorThreshold: number;
}

/** Curator's defaults. */
export const DEFAULT_DOWN_INSTANCE_POLICY: Readonly<DownInstancePolicy> = Object.freeze({ timeoutMs: 30_000, errorThreshold: 2 });

/** One instance's noted errors. */
interface ErrorRecord {
  count: number;
  /** When they are forgotten: the first error's time plus the policy's timeout. */
  expiresAt: number;
}

/**
 * The policy with defaults filled in.
 * @throws TypeError for a threshold that is not a positive integer or a timeout that is not a
 *   finite number ≥ 0.
 */
export function downInstancePolicy(partial: Partial<DownInstancePolicy> = {}): DownInstancePolicy {
  const policy = { ...DEFAULT_DOWN_INSTANCE_POLICY, ...stripUndefined(partial) };
  if (!Number.isInteger(policy.errorThreshold) || policy.errorThreshold < 1) {
    throw new TypeError(`downInstancePolicy.errorThreshold must be a positive integer, not ${String(policy.errorThreshold)}`);
  }
  if (!Number.isFinite(policy.timeoutMs) || policy.timeoutMs < 0) {
    throw new TypeError(`downInstancePolicy.timeoutMs must be a finite number of ms ≥ 0, not ${String(policy.timeoutMs)}`);
  }
  return policy;
}

const stripUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Noted errors per instance (by name and id), read against a clock. Synchronous throughout. */
export class DownInstances {
  readonly #records = new Map<string, ErrorRecord>();

  constructor(
    private readonly policy: DownInstancePolicy,
    private readonly clock: () => number,
  ) {}

  /** Counts one error against the instance; the first one starts its timeout. */
  note(instance: { name: string; id: string }): void {
    const now = this.clock();
    this.#forgetExpired(now);
    const key = instanceKey(instance);
    const record = this.#records.get(key);
    if (record) record.count++;
    else this.#records.set(key, { count: 1, expiresAt: now + this.policy.timeoutMs });
  }

  /**
   * A predicate that is true for instances not down now. It reads the clock once, when made,
   * so one selection sees one moment; records past their timeout are dropped then too (so the
   * book holds only instances that failed recently, however many came and went).
   */
  upNow(): (instance: { name: string; id: string }) => boolean {
    this.#forgetExpired(this.clock());
    return (instance) => (this.#records.get(instanceKey(instance))?.count ?? 0) < this.policy.errorThreshold;
  }

  #forgetExpired(now: number): void {
    // Exactly timeoutMs after the first error: Curator purges at most every timeoutMs / 2, so an
    // instance there may stay down up to half a timeout longer.
    for (const [key, record] of this.#records) if (now >= record.expiresAt) this.#records.delete(key);
  }
}
