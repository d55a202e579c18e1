/**
 * `zk-elect/testing`: start real ZooKeeper servers from tests, examples and benchmarks.
 *
 * Needs a ZooKeeper installation (Debian's `zookeeper` package or `ZOOKEEPER_HOME`) and Java;
 * {@link findZooKeeper} explains how to get them when they are missing. Every JVM started here
 * is killed and every temp dir deleted when the Node process exits, even if `stop()` was not called.
 * @module
 */
export { TestingServer, TestingCluster } from './cluster.js';
export type { TestingOptions, TestingTls, TestingClusterMember } from './cluster.js';
export { findZooKeeper, ZooKeeperNotFoundError, JavaNotFoundError } from './install.js';
export type { ZooKeeperInstall } from './install.js';
export { resolveMavenJars, cacheRoot, MavenResolveError } from './maven.js';
export type { MavenArtifact } from './maven.js';
export { fourLetterWord, parseSrvr, parseMntr } from './four-letter.js';
export type { SrvrInfo, FourLetterWordOptions } from './four-letter.js';
export { getFreePort } from './server.js';
// Written by the client engineer; re-exported here because the tests import it from the entry point.
export { TcpProxy } from './proxy.js';
