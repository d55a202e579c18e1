/**
 * `ServiceProvider`: one instance of a named service to call, chosen from an
 * {@link InstanceSource} (a started ServiceCache) by a strategy, leaving out disabled
 * instances, instances callers reported failing, and whatever the caller's filters reject.
 * Curator's ServiceProvider, without its own cache and threads: it reads the source at each call.
 * @module
 */
import { DownInstances, downInstancePolicy, type DownInstancePolicy } from './down-instances.js';
import type { ServiceInstance } from './instance.js';
import { sameInstance } from './instance-key.js';
import { pickerFor, type Picker, type ProviderStrategy } from './provider-strategies.js';
import type { InstanceSource } from './service-cache.js';

export { DEFAULT_DOWN_INSTANCE_POLICY, type DownInstancePolicy } from './down-instances.js';
export type { ProviderStrategy } from './provider-strategies.js';

/** Options of a {@link ServiceProvider}. */
export interface ServiceProviderOptions {
  /** How {@link ServiceProvider.getInstance} chooses. Default `'round-robin'`. */
  strategy?: ProviderStrategy;
  /** When a failing instance is left out. Default `{ timeoutMs: 30000, errorThreshold: 2 }`; a partial policy is completed with those. */
  downInstancePolicy?: Partial<DownInstancePolicy>;
  /** Instances must pass every one of these to be offered (Curator's additionalFilter). Default: none. */
  filters?: Array<(instance: ServiceInstance) => boolean>;
  /** Epoch ms now, for the down-instance timeout (a seam for tests). Default `Date.now`. */
  clock?: () => number;
}

/**
 * Picks instances of one service from a source. Every method is synchronous and reads the
 * source's current snapshot, so a provider over a started ServiceCache follows its changes at
 * once; it holds no resources (nothing to close).
 */
export class ServiceProvider {
  readonly #source: InstanceSource;
  readonly #pick: Picker;
  readonly #filters: ReadonlyArray<(instance: ServiceInstance) => boolean>;
  readonly #down: DownInstances;

  /**
   * A provider over `source` (anything with an `instances` snapshot: a ServiceCache, a fake).
   * @throws TypeError for an unknown strategy or a policy that is out of range (see
   *   {@link DownInstancePolicy}).
   */
  constructor(source: InstanceSource, options: ServiceProviderOptions = {}) {
    this.#source = source;
    this.#pick = pickerFor(options.strategy);
    this.#filters = [...(options.filters ?? [])];
    this.#down = new DownInstances(downInstancePolicy(options.downInstancePolicy), options.clock ?? Date.now);
  }

  /**
   * One instance to use, chosen by the strategy among {@link ServiceProvider.getAllInstances};
   * undefined when there is none. Never a disabled (`enabled: false`) or down instance.
   * @throws TypeError when a strategy function returns an instance it was not offered; what a
   *   filter or strategy function throws.
   */
  getInstance(): ServiceInstance | undefined {
    const offered = this.getAllInstances();
    if (offered.length === 0) return undefined;
    const picked = this.#pick(offered);
    // A function strategy could hand back a stale or made-up object; the guarantee above holds anyway.
    if (picked !== undefined && !offered.some((i) => i === picked || sameInstance(i, picked))) {
      throw new TypeError(`the provider strategy returned ${picked.name}/${picked.id}, which it was not offered`);
    }
    return picked;
  }

  /**
   * Every instance that may be offered now, in the source's order: enabled, passing every
   * filter, and not down.
   * @throws what a filter throws.
   */
  getAllInstances(): ServiceInstance[] {
    const up = this.#down.upNow();
    // enabled is checked as `!== false`: only an explicit false disables (Curator reads a missing field as true).
    return this.#source.instances.filter((i) => i.enabled !== false && up(i) && this.#filters.every((f) => f(i)));
  }

  /**
   * Reports that a call to `instance` failed. After the policy's `errorThreshold` reports the
   * instance (by name and id) is left out, until `timeoutMs` after the first report; then its
   * count starts again from zero.
   */
  noteError(instance: ServiceInstance): void {
    this.#down.note(instance);
  }
}
