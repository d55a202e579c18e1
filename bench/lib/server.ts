/**
 * The ZooKeeper server a benchmark runs against: an external ensemble (`--zookeeper`), or a
 * fresh local one from the test harness — a standalone `TestingServer`, or a `TestingCluster`
 * quorum for `--servers 3` — by default with the full tiered JIT (`--server-jit full`; `c1` is
 * the tests' fast-start JVM).
 * @module
 */
import { TestingCluster, TestingServer, fourLetterWord, parseMntr, parseSrvr } from 'zk-elect/testing';
import { hostsOf } from './tail.js';
import { log } from './util.js';

/** A server to benchmark against. */
export interface BenchServer {
  connectString: string;
  /** First host and port of the connect string (four-letter words go there). */
  host: string;
  port: number;
  /** tickTime when known (local servers; external: from `conf`, if whitelisted). */
  tickTime?: number;
  /** What was started: 'external', 'local (full tiered JIT)' or 'TestingServer (C1 only: …)'. */
  kind: string;
  /** Servers in the ensemble: 1 for a standalone server, 3 for a quorum (external: hosts in the connect string). */
  servers: number;
  /** The ZooKeeper release the server reports (`srvr`), when it answers. */
  version?: string;
  jvmFlags?: string[];
  /** The server JVM's process id, for a local standalone server (CPU accounting). */
  pid?: number;
  /** Every local server JVM's process id (a quorum has one per server). */
  pids?: number[];
  /** `mntr`, parsed. @throws when the server does not answer or mntr is not whitelisted. */
  mntr(): Promise<Record<string, string>>;
  /** Stops a local server and deletes its files; no-op for an external one. */
  stop(): Promise<void>;
}

/** First `host:port` of a connect string. */
export function firstHost(cs: string): { host: string; port: number } {
  const first = cs.split('/')[0]?.split(',')[0] ?? '';
  const colon = first.lastIndexOf(':');
  return colon < 0 ? { host: first, port: 2181 } : { host: first.slice(0, colon), port: Number(first.slice(colon + 1)) };
}

function mntrOf(host: string, port: number) {
  return async () => parseMntr(await fourLetterWord(host, port, 'mntr', { timeoutMs: 5000 }));
}

async function versionOf(host: string, port: number): Promise<string | undefined> {
  try {
    return parseSrvr(await fourLetterWord(host, port, 'srvr', { timeoutMs: 3000 })).version;
  } catch {
    return undefined;
  }
}

/** Wraps an external ensemble. Reads tickTime from `conf` when that four-letter word is allowed. */
export async function externalServer(cs: string, pid?: number): Promise<BenchServer> {
  const { host, port } = firstHost(cs);
  let tickTime: number | undefined;
  try {
    const conf = await fourLetterWord(host, port, 'conf', { timeoutMs: 3000 });
    const m = /tickTime=(\d+)/.exec(conf);
    if (m) tickTime = Number(m[1]);
  } catch {
    // conf not whitelisted: the crash scenario then needs --tick-time
  }
  return { connectString: cs, host, port, tickTime, kind: 'external', servers: hostsOf(cs).length, version: await versionOf(host, port), ...(pid ? { pid } : {}), mntr: mntrOf(host, port), stop: async () => undefined };
}

/** Options of {@link startLocalServer}. */
export interface LocalServerOptions {
  tickTime: number;
  /** 'full' (tiered C1+C2, 1 GiB heap) or 'c1' (the tests' fast-start JVM, TieredStopAtLevel=1). */
  jit: 'full' | 'c1';
  maxSessionTimeout?: number;
  /** The ZooKeeper release to run (the harness's `TestingServer` option); the harness's default when absent. */
  version?: string;
  /** 1: a standalone `TestingServer`; more: a `TestingCluster` quorum of that size, with the same options. Default 1. */
  servers?: number;
}

/**
 * Starts a fresh standalone server on 127.0.0.1 with the test harness (which also cleans up
 * its JVM and temp dir whatever happens to this process) and waits until it serves. The
 * first start of a release not cached yet blocks while the harness resolves it from Maven Central.
 * @throws what `TestingServer.start` throws, e.g. `ZooKeeperNotFoundError` for a release it cannot get.
 */
export async function startLocalServer(opts: LocalServerOptions): Promise<BenchServer> {
  const testing = {
    tickTime: opts.tickTime,
    jit: opts.jit,
    ...(opts.maxSessionTimeout ? { maxSessionTimeout: opts.maxSessionTimeout } : {}),
    ...(opts.version ? { version: opts.version } : {}),
  };
  // TestingServer and TestingCluster are both a TestingEnsemble: one shape for either.
  const ensemble = (opts.servers ?? 1) > 1 ? await TestingCluster.start(opts.servers, testing) : await TestingServer.start(testing);
  // The harness serves on a loopback address; its connect string says which.
  const { host, port } = firstHost(ensemble.connectString);
  const pids = ensemble.servers.flatMap((s) => (s.pid ? [s.pid] : []));
  const harness = ensemble instanceof TestingCluster ? 'TestingCluster' : 'TestingServer';
  return {
    connectString: ensemble.connectString,
    host,
    port,
    tickTime: opts.tickTime,
    kind: opts.jit === 'full' ? 'local (full tiered JIT)' : `${harness} (C1 only: -XX:TieredStopAtLevel=1)`,
    // The harness read it from the server's own srvr reply; ask again only if it could not.
    version: ensemble.versions[0] || (await versionOf(host, port)),
    jvmFlags: ensemble.jvmFlags,
    servers: ensemble.ids.length,
    // A standalone server's CPU is accounted in ops; a quorum's is spread over its JVMs.
    ...(pids.length === 1 ? { pid: pids[0] } : {}),
    pids,
    mntr: mntrOf(host, port),
    stop: () => ensemble.stop(),
  };
}

/** The server for a run: `--zookeeper` if given, else a fresh local one. */
export async function openServer(opts: { zookeeper?: string; serverPid?: number } & LocalServerOptions): Promise<BenchServer> {
  if (opts.zookeeper) return externalServer(opts.zookeeper, opts.serverPid);
  const size = (opts.servers ?? 1) > 1 ? `${opts.servers}-server quorum` : 'standalone';
  log(`starting a fresh local ZooKeeper${opts.version ? ` ${opts.version}` : ''} ${size} (tickTime ${opts.tickTime}, ${opts.jit === 'full' ? 'full JIT' : 'C1-only TestingServer'}) ...`);
  return startLocalServer(opts);
}
