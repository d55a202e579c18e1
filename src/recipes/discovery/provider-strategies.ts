/**
 * How a {@link ServiceProvider} picks one instance among those it may offer: round-robin,
 * random, sticky, or the caller's function. The strategies of Curator's ServiceProvider.
 * @module
 */
import type { ServiceInstance } from './instance.js';
import { instanceKey } from './instance-key.js';

/**
 * How {@link ServiceProvider.getInstance} chooses: `'round-robin'` (the default: each call the
 * next instance, in the source's order), `'random'`, `'sticky'` (the same instance for as long
 * as it is offered, then the next one round-robin), or a function given the instances that may
 * be offered (never empty) that returns one of them, or undefined for none.
 */
export type ProviderStrategy = 'round-robin' | 'random' | 'sticky' | ((instances: readonly ServiceInstance[]) => ServiceInstance | undefined);

/** A strategy made ready: called with a non-empty list, returns one of its members or undefined. */
export type Picker = (instances: readonly ServiceInstance[]) => ServiceInstance | undefined;

/**
 * The picker of `strategy`, with its own state (a round-robin position, a sticky choice), so
 * each provider turns independently. Pure but for that state.
 * @throws TypeError for a strategy that is none of {@link ProviderStrategy}.
 */
export function pickerFor(strategy: ProviderStrategy = 'round-robin'): Picker {
  if (typeof strategy === 'function') return strategy;
  switch (strategy) {
    case 'round-robin':
      return roundRobin();
    case 'random':
      return (instances) => instances[Math.floor(Math.random() * instances.length)];
    case 'sticky':
      return sticky(roundRobin());
    default:
      throw new TypeError(`unknown provider strategy ${JSON.stringify(strategy)}: use 'round-robin', 'random', 'sticky' or a function`);
  }
}

function roundRobin(): Picker {
  let next = 0;
  return (instances) => {
    // The position survives a list that shrank or grew: it wraps at the current length.
    const index = next % instances.length;
    next = index + 1;
    return instances[index];
  };
}

function sticky(fallback: Picker): Picker {
  let chosen: string | undefined;
  return (instances) => {
    // The list's copy, not the remembered object: the instance's data may have been updated.
    const kept = chosen === undefined ? undefined : instances.find((i) => instanceKey(i) === chosen);
    if (kept) return kept;
    const picked = fallback(instances);
    chosen = picked && instanceKey(picked);
    return picked;
  };
}
