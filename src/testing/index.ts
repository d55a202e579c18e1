/**
 * `zk-elect/testing`: start real ZooKeeper servers from tests, examples and benchmarks.
 *
 * Needs Java and a ZooKeeper release: any `X.Y.Z` from Maven Central (through `mvn`, cached
 * per user), an Apache tarball in `ZOOKEEPER_HOME`, or Debian's `zookeeper` package; `version`
 * or `ZK_VERSION` picks it. {@link findZooKeeper} explains how to get what is missing. Every JVM started here
 * is killed and every temp dir deleted when the Node process exits, even if `stop()` was not called.
 * @module
 */
export { TestingServer, TestingCluster } from './cluster.js';
export type { TestingOptions, TestingTls, TestingClusterMember } from './cluster.js';
export {
  findZooKeeper,
  ZooKeeperNotFoundError,
  JavaNotFoundError,
  DEFAULT_ZOOKEEPER_VERSION,
  NEWEST_ZOOKEEPER,
  TESTED_ZOOKEEPER_VERSIONS,
} from './install.js';
export type { ZooKeeperInstall } from './install.js';
export { resolveMavenJars, MavenResolveError } from './maven.js';
export { cacheRoot, publishCacheEntry } from './cache.js';
export type { MavenArtifact } from './maven.js';
// The four-letter words live in the client now; re-exported here, where tests first found them.
export { fourLetterWord, parseSrvr, parseMntr, parseWchp } from '../client/four-letter.js';
export type { SrvrInfo, FourLetterWordOptions } from '../client/four-letter.js';
export { getFreePort } from './server.js';
export { SupervisedChild, spawnWatchdog } from '../process/supervised.js';
export type { ChildExit, NextOptions, SupervisedOptions } from '../process/supervised.js';
// Written by the client engineer; re-exported here because the tests import it from the entry point.
export { TcpProxy } from './proxy.js';
