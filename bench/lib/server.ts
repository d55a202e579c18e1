/**
 * The ZooKeeper server a benchmark runs against: an external ensemble (`--zookeeper`), or a
 * fresh local standalone server.
 *
 * The test harness's TestingServer starts its JVM with `-XX:TieredStopAtLevel=1` (C1 only: fast
 * start, slower server) and has no option to change the JVM flags, so for `--server-jit full`
 * (the default) this module launches the same Debian/Apache ZooKeeper installation itself, with
 * the harness's config (src/testing/server.ts renderConfig) but full tiered JIT. `--server-jit c1`
 * uses TestingServer as is.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TestingServer, findZooKeeper, fourLetterWord, parseMntr, parseSrvr } from '../../src/testing/index.js';
import { HOST, getFreePort, makeTempDir, removeTempDir, renderConfig } from '../../src/testing/server.js';
import { log, sleep } from './util.js';

/** How the benchmark's JVM runs (besides the classpath and config). */
export const FULL_JIT_FLAGS = [
  '-Xms256m',
  '-Xmx1g',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Djava.net.preferIPv4Stack=true',
  '-Dzookeeper.admin.enableServer=false',
  '-Dzookeeper.jmx.log4j.disable=true',
];

/** A server to benchmark against. */
export interface BenchServer {
  connectString: string;
  /** First host and port of the connect string (four-letter words go there). */
  host: string;
  port: number;
  /** tickTime when known (local servers; external: from `conf`, if whitelisted). */
  tickTime?: number;
  /** What was started: 'external', 'local (full JIT)' or 'TestingServer (C1 only)'. */
  kind: string;
  version?: string;
  jvmFlags?: string[];
  /** The server JVM's process id, for a local server (CPU accounting). */
  pid?: number;
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
  return { connectString: cs, host, port, tickTime, kind: 'external', version: await versionOf(host, port), ...(pid ? { pid } : {}), mntr: mntrOf(host, port), stop: async () => undefined };
}

/** Options of {@link startLocalServer}. */
export interface LocalServerOptions {
  tickTime: number;
  /** 'full' (tiered C1+C2, launched here) or 'c1' (TestingServer, TieredStopAtLevel=1). */
  jit: 'full' | 'c1';
  maxSessionTimeout?: number;
}

/** Starts a fresh standalone server on 127.0.0.1 and waits until it serves. */
export async function startLocalServer(opts: LocalServerOptions): Promise<BenchServer> {
  if (opts.jit === 'c1') {
    const ts = await TestingServer.start({ tickTime: opts.tickTime, ...(opts.maxSessionTimeout ? { maxSessionTimeout: opts.maxSessionTimeout } : {}) });
    return {
      connectString: ts.connectString,
      host: HOST,
      port: ts.port,
      tickTime: opts.tickTime,
      kind: 'TestingServer (C1 only: -XX:TieredStopAtLevel=1)',
      version: await versionOf(HOST, ts.port),
      jvmFlags: ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
      pid: ts.pid,
      mntr: mntrOf(HOST, ts.port),
      stop: () => ts.stop(),
    };
  }
  const install = await findZooKeeper();
  const tempDir = await makeTempDir();
  const dir = path.join(tempDir, 'server');
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const clientPort = await getFreePort();
  await writeFile(path.join(dir, 'zoo.cfg'), renderConfig({ myid: 1, dir, clientPort, tickTime: opts.tickTime, ...(opts.maxSessionTimeout ? { maxSessionTimeout: opts.maxSessionTimeout } : {}) }, dataDir));
  const logFile = path.join(dir, 'zookeeper.log').split(path.sep).join('/');
  await writeFile(
    path.join(dir, 'log4j.properties'),
    ['log4j.rootLogger=INFO, FILE', 'log4j.appender.FILE=org.apache.log4j.FileAppender', `log4j.appender.FILE.File=${logFile}`, 'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout', 'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n', ''].join('\n'),
  );
  const args = [
    ...FULL_JIT_FLAGS,
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
    `-Dzookeeper.log.dir=${dir}`,
    '-cp',
    install.classpath,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    path.join(dir, 'zoo.cfg'),
  ];
  const out = openSync(path.join(dir, 'jvm.out'), 'a');
  let child: ChildProcess;
  try {
    child = spawn(install.java, args, { cwd: dir, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  child.on('error', () => undefined);
  child.unref();
  const watchdog = spawnWatchdog(child.pid ?? 0);
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const killNow = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killNow);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the ZooKeeper JVM exited at start; see ${dir}/jvm.out`);
    try {
      const info = parseSrvr(await fourLetterWord(HOST, clientPort, 'srvr', { timeoutMs: 1000 }));
      if (info.mode === 'standalone') break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      killNow();
      throw new Error(`ZooKeeper did not start within 60 s; see ${dir}`);
    }
    await sleep(100);
  }
  let stopped: Promise<void> | undefined;
  return {
    connectString: `${HOST}:${clientPort}`,
    host: HOST,
    port: clientPort,
    tickTime: opts.tickTime,
    kind: 'local (full tiered JIT)',
    version: await versionOf(HOST, clientPort) ?? install.version,
    jvmFlags: [...FULL_JIT_FLAGS],
    pid: child.pid,
    mntr: mntrOf(HOST, clientPort),
    stop: () =>
      (stopped ??= (async () => {
        child.ref();
        child.kill('SIGTERM');
        const t = setTimeout(killNow, 5000);
        await exitedP;
        clearTimeout(t);
        process.off('exit', killNow);
        watchdog?.kill('SIGKILL');
        await removeTempDir(tempDir);
      })()),
  };
}

/** Kills the JVM if this Node process dies without stopping it (even by SIGKILL): see src/testing/server.ts. */
function spawnWatchdog(pid: number): ChildProcess | undefined {
  if (process.platform === 'win32' || !pid) return undefined;
  const script = ["trap '' INT TERM HUP", 'while read -r line; do :; done', 'kill -9 "$1" 2>/dev/null'].join('\n');
  const w = spawn('/bin/sh', ['-c', script, 'zk-elect-bench-watchdog', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  w.on('error', () => undefined);
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return w;
}

/** The server for a run: `--zookeeper` if given, else a fresh local one. */
export async function openServer(opts: { zookeeper?: string; serverPid?: number } & LocalServerOptions): Promise<BenchServer> {
  if (opts.zookeeper) return externalServer(opts.zookeeper, opts.serverPid);
  log(`starting a fresh local ZooKeeper (tickTime ${opts.tickTime}, ${opts.jit === 'full' ? 'full JIT' : 'C1-only TestingServer'}) ...`);
  return startLocalServer(opts);
}
