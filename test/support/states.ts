// A client's state events, recorded for tests that assert on the sequence or wait for one.
import { KeeperState, realClock, type Clock, type ZooKeeper } from '../../src/index.js';
import { waitUntil } from './fake-zk.js';

/** Every state event of a client, with the time (on the client's clock) it was seen. */
export interface StateLog {
  events: Array<{ state: KeeperState; at: number }>;
  states(): KeeperState[];
  /** Resolves with the time of the first `state` event (already seen or to come). */
  when(state: KeeperState, timeoutMs?: number): Promise<number>;
}

/** Starts recording `zk`'s state events, stamped by `clock` (the one the client runs on). Never blocks. */
export function recordStates(zk: ZooKeeper, clock: Clock = realClock): StateLog {
  const events: StateLog['events'] = [];
  zk.on('state', (state) => events.push({ state, at: clock.now() }));
  return {
    events,
    states: () => events.map((e) => e.state),
    // The event, not its time, is what is waited for: a virtual time can be 0.
    when: async (state, timeoutMs = 3000) => (await waitUntil(() => events.find((e) => e.state === state), `state ${KeeperState[state]}`, timeoutMs)).at,
  };
}
