/**
 * The demo's own ZooKeeper: one standalone server or an N-server quorum from the testing
 * harness, behind one small interface addressed by 1-based server id.
 * @module
 */
import { TestingCluster, TestingServer, type TestingOptions } from '../testing/index.js';
import type { ServerTarget } from './server-poller.js';

/** ZooKeeper servers this process started and may kill and restart. */
export interface LocalEnsemble {
  readonly connectString: string;
  readonly size: number;
  /** The temp directory holding the servers' data (deleted by {@link LocalEnsemble.stop}). */
  readonly tempDir: string;
  /** The servers as poll targets, with their current running state. */
  targets(): ServerTarget[];
  /** SIGKILLs server `id`. Blocks until the JVM is gone. @throws RangeError for a bad id. */
  kill(id: number): Promise<void>;
  /** Starts server `id` again and waits until it serves. @throws RangeError; Error on timeout. */
  restart(id: number): Promise<void>;
  /** Stops every server and deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function checkId(id: number, size: number): void {
  if (!Number.isInteger(id) || id < 1 || id > size) throw new RangeError(`no ZooKeeper server ${id}: servers are numbered 1 to ${size}`);
}

/**
 * Starts `size` local servers (1: standalone; 2+: a quorum) on free ports in a `zk-elect-*`
 * temp dir, and waits until they serve (a few seconds). Every JVM and the temp dir are
 * removed when this process exits, even without {@link LocalEnsemble.stop}.
 * @throws ZooKeeperNotFoundError / JavaNotFoundError (with the fix in the message); Error on timeout.
 */
export async function startLocalEnsemble(size: number, opts: TestingOptions = {}): Promise<LocalEnsemble> {
  return size === 1 ? standalone(await TestingServer.start(opts)) : quorum(await TestingCluster.start(size, opts));
}

function standalone(server: TestingServer): LocalEnsemble {
  return {
    connectString: server.connectString,
    size: 1,
    tempDir: server.tempDir,
    targets: () => [{ id: 1, host: HOST, port: server.port, owned: true, running: server.running }],
    kill: async (id) => (checkId(id, 1), server.kill()),
    restart: async (id) => (checkId(id, 1), server.restart()),
    stop: () => server.stop(),
  };
}

function quorum(cluster: TestingCluster): LocalEnsemble {
  const size = cluster.servers.length;
  return {
    connectString: cluster.connectString,
    size,
    tempDir: cluster.tempDir,
    targets: () => cluster.servers.map((s) => ({ id: s.index + 1, host: HOST, port: s.port, owned: true, running: s.running })),
    kill: async (id) => (checkId(id, size), cluster.kill(id - 1)),
    restart: async (id) => (checkId(id, size), cluster.restart(id - 1)),
    stop: () => cluster.stop(),
  };
}
