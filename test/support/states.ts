// A client's state events, recorded for tests that assert on the sequence or wait for one.
import { KeeperState, type ZooKeeper } from '../../src/index.js';
import { waitUntil } from './fake-zk.js';

/** Every state event of a client, with the time it was seen. */
export interface StateLog {
  events: Array<{ state: KeeperState; at: number }>;
  states(): KeeperState[];
  /** Resolves with the time of the first `state` event (already seen or to come). */
  when(state: KeeperState, timeoutMs?: number): Promise<number>;
}

/** Starts recording `zk`'s state events. Never blocks. */
export function recordStates(zk: ZooKeeper): StateLog {
  const events: StateLog['events'] = [];
  zk.on('state', (state) => events.push({ state, at: performance.now() }));
  return {
    events,
    states: () => events.map((e) => e.state),
    when: (state, timeoutMs = 3000) => waitUntil(() => events.find((e) => e.state === state)?.at, `state ${KeeperState[state]}`, timeoutMs),
  };
}
