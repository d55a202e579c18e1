// What the ZooKeeper release under test supports, for tests that run against every release of
// the compatibility matrix (ZK_VERSION): the same test asserts the operation's result where the
// server has it, and the client's refusal where it does not.
import assert from 'node:assert/strict';
import { KeeperState, UnimplementedError, ZooKeeper, type ZooKeeperOptions } from '../../src/index.js';

/** True when release `version` (e.g. a TestingServer's `version`, `3.5.10`) is `min` or newer. */
export function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * For a server older than `since` (the release that brought the operation): asserts that
 * `call` rejects with an UnimplementedError naming `since`, that the session outlives the
 * disconnect such a server follows it with, and that a second call is refused by the client at
 * once, without another disconnect. Uses a client of its own (with `options`) so the
 * disconnect touches no other test.
 */
export async function assertRefusedBefore(since: string, connectString: string, call: (zk: ZooKeeper) => Promise<unknown>, options: ZooKeeperOptions = {}): Promise<void> {
  const zk = await ZooKeeper.connect(connectString, { sessionTimeout: 10000, ...options });
  try {
    const sessionId = zk.sessionId;
    const states: KeeperState[] = [];
    const reconnected = new Promise<void>((resolve) =>
      zk.on('state', (s) => {
        states.push(s);
        if (s === KeeperState.SyncConnected) resolve();
      }),
    );
    const needs = (e: unknown) => e instanceof UnimplementedError && e.requiredVersion === since && e.message.includes(`needs ZooKeeper ${since} or newer`);
    await assert.rejects(call(zk), needs);
    await reconnected; // an older server closes the connection after answering an opcode it does not know
    assert.deepEqual(states, [KeeperState.Disconnected, KeeperState.SyncConnected]);
    assert.equal(zk.sessionId, sessionId, 'the session survives');
    assert.ok(await zk.exists('/'), 'the client works after the reconnect');
    await assert.rejects(call(zk), (e: unknown) => needs(e) && /not sent again/.test((e as Error).message));
    assert.ok(await zk.exists('/'));
    assert.equal(states.length, 2, 'the local refusal caused no disconnect');
  } finally {
    await zk.close();
  }
}

/** {@link assertRefusedBefore} for the operations 3.6.0 brought (on a 3.5 server). */
export function assertRefusedBefore36(connectString: string, call: (zk: ZooKeeper) => Promise<unknown>): Promise<void> {
  return assertRefusedBefore('3.6.0', connectString, call);
}
