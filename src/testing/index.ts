/**
 * `zk-elect/testing`: start real ZooKeeper servers from tests, examples and benchmarks.
 *
 * Needs Java and a ZooKeeper release: any `X.Y.Z` from Maven Central (through `mvn`, cached
 * per user), an Apache tarball in `ZOOKEEPER_HOME`, or Debian's `zookeeper` package; `version`
 * or `ZK_VERSION` picks it. {@link findZooKeeper} explains how to get what is missing. Every JVM started here
 * is killed and every temp dir deleted when the Node process exits, even if `stop()` was not called.
 * @module
 */
export { TestingServer } from './standalone.js';
export { TestingCluster } from './cluster.js';
export { startEnsemble } from './ensemble.js';
export type { TestingEnsemble, TestingClusterMember } from './ensemble.js';
export type { TestingOptions, TestingSasl, TestingTls } from './options.js';
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
export { resolveJavaLibrary, jarVersion } from './java-library.js';
export type { JavaLibraryOptions } from './java-library.js';
// The four-letter words belong to the client (the dashboard polls with them too); tests probe
// the harness's servers with them, so they are offered here as well.
export { fourLetterWord, parseSrvr, parseMntr, parseWchp } from '../client/four-letter.js';
export type { SrvrInfo, FourLetterWordOptions } from '../client/four-letter.js';
// The chaos run (issue 15): seeded faults on a quorum and candidate processes, and the checker.
export { runChaos } from './chaos/runner.js';
export type { ChaosOptions, ChaosReport } from './chaos/runner.js';
export { checkHistory, checkCleanliness } from './chaos/checker.js';
export type { CheckOptions, CheckResult, FaultVerdict, FinalState } from './chaos/checker.js';
export { checkLeadership } from './chaos/leadership.js';
export type { LeaderCount, LeadershipResult, Violation } from './chaos/leadership.js';
export { checkFencing } from './chaos/fencing.js';
export { checkLiveness, faultWindows, leaderlessGaps } from './chaos/liveness.js';
export type { FaultWindow, Gap, LivenessResult } from './chaos/liveness.js';
export { makeSchedule, STEP_KINDS } from './chaos/schedule.js';
export type { FaultKind, FaultStep, ScheduledFault, ScheduleOptions, StepKind } from './chaos/schedule.js';
export { Prng } from './chaos/prng.js';
export { formatEntry, mergeHistory, parseEntry } from './chaos/history.js';
export type { ElectionEntry, FinalRecord, HistoryEntry, RunnerEntry, WriteEntry } from './chaos/history.js';
export { formatReport, formatTable, historySlice, tableRows } from './chaos/report.js';
export type { FaultTypeRow } from './chaos/report.js';
export type { ChaosNetwork } from './chaos/network.js';
export { getFreePort } from './ports.js';
export { SupervisedChild, spawnWatchdog } from '../process/supervised.js';
export type { ChildExit, NextOptions, SupervisedOptions } from '../process/supervised.js';
export { isNodeEvent, parseNodeEvent } from '../process/node-events.js';
export type { NodeEvent, NodeEventContext, NodeEventFields, NodeEventName, NodeEventOf } from '../process/node-events.js';
// A fault injector between a client and a server: tests cut, blackhole or delay the traffic.
export { TcpProxy } from './proxy.js';
export type { TcpProxyOptions, OpeningRewrite } from './proxy.js';
export type { PeerPort } from './peer-links.js';
