// Expiring a session on cue from a test, deterministically.
import { KeeperState, ZooKeeper } from '../../src/index.js';
import type { TcpProxy } from '../../src/testing/index.js';

/**
 * Makes the server expire `victim`'s session: the victim (connected through `proxy`) is cut
 * off first, so it cannot reconnect and kick the twin off; a twin resumes the session directly
 * on `direct` and closes it; then the proxy heals and the victim is told the session expired.
 * Resolves once the victim reports Expired.
 */
export async function expireSession(victim: ZooKeeper, proxy: TcpProxy, direct: string): Promise<void> {
  const expired = new Promise<void>((resolve) => victim.on('state', (s) => s === KeeperState.Expired && resolve()));
  const id = victim.sessionId;
  const password = victim.sessionPassword;
  proxy.refuse();
  const twin = await ZooKeeper.connect(direct, { sessionId: id, sessionPassword: password });
  await twin.close();
  await proxy.heal();
  await expired;
}
