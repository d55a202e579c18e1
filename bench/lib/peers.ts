/**
 * The peer programs of bench/peers/: locating their libraries (the registries' newest releases
 * from bench/lib/peer-install.ts, else Debian's packages: jars under /usr/share/java, kazoo for
 * Debian's python3), building (javac into a temp dir, never the repository), running (one child
 * process per scenario, progress on stderr, one JSON result as the last stdout line) and naming
 * their versions and sources for the report.
 * @module
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SupervisedChild } from 'zk-elect/testing';
import { installKazoo, jarVersion, kazooVersion, resolvePeerJars } from './peer-install.js';
import type { PeerName, PeerVersions } from './types.js';
import { DIST_ROOT, REPO_ROOT, log, withTimeout } from './util.js';

const execFileAsync = promisify(execFile);
const JARS = '/usr/share/java';
/** Debian's python3, where python3-kazoo installs (a pyenv or venv python3 on PATH would not see it). */
const DEBIAN_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const JAVA_SOURCES = path.join(REPO_ROOT, 'bench', 'peers', 'java');

/** How a peer runs on this machine. */
export interface PeerSetup {
  /** The version of the library the peer runs on (Curator, the ZooKeeper Java client, kazoo, node-zookeeper-client); undefined when it cannot be told. */
  version?: string;
  /** Where that library came from, for the report, e.g. `Maven Central, cached in ~/.cache/zk-elect/maven/curator-5.9.0`. */
  source: string;
  /** The Java peers' class path (without the compiled peer classes). */
  classpath?: string[];
  /** kazoo's interpreter. */
  python?: string;
}

/** A peer's setup, or what it lacks. */
export type PeerLocation = { ok: true; setup: PeerSetup } | { ok: false; missing: string };

const locations = new Map<PeerName, Promise<PeerLocation>>();

/**
 * Where a peer's library comes from, in order of preference: the newest release from its
 * registry (Maven Central, PyPI), else Debian's package. The first call per process may install
 * from the registry, and then blocks for as long as Maven or pip take (typically 5–30 s;
 * bench/ensure-peers.mjs does it up front); later calls are answered from memory. Never throws:
 * a peer that cannot run resolves with what it lacks.
 */
export function locatePeer(peer: PeerName): Promise<PeerLocation> {
  let p = locations.get(peer);
  if (!p) {
    p = peer === 'curator' || peer === 'java' ? locateJava().then((j) => j[peer]) : peer === 'kazoo' ? locateKazoo() : Promise.resolve(locateNzc());
    locations.set(peer, p);
  }
  return p;
}

let javaLocations: Promise<Record<'curator' | 'java', PeerLocation>> | undefined;

/** Both Java peers: they share one resolution (the Java client is the one Curator runs on). */
function locateJava(): Promise<Record<'curator' | 'java', PeerLocation>> {
  javaLocations ??= (async () => {
    if (spawnSync('javac', ['-version'], { stdio: 'ignore' }).status !== 0) {
      const missing: PeerLocation = { ok: false, missing: 'javac (a JDK: openjdk-17-jdk-headless)' };
      return { curator: missing, java: missing };
    }
    try {
      const jars = await resolvePeerJars();
      const source = `Maven Central, cached in ${homeRelative(jars.dir)}`;
      return {
        curator: { ok: true, setup: { version: jars.curatorVersion, source, classpath: jars.curator } },
        java: { ok: true, setup: { version: jars.zookeeperVersion, source, classpath: jars.java } },
      };
    } catch (err) {
      log(`the Java peers' jars from Maven Central: ${(err as Error).message}\nfalling back to Debian's jars in ${JARS}`);
      return debianJava();
    }
  })();
  return javaLocations;
}

/** Debian's libcurator-recipes-java and zookeeper packages; their jars' manifests pull in their own dependencies. */
function debianJava(): Record<'curator' | 'java', PeerLocation> {
  const has = (jar: string) => existsSync(path.join(JARS, jar));
  const jars = (names: string[]) => names.map((j) => path.join(JARS, j)).filter((j) => existsSync(j));
  const names = readdirSafe(JARS);
  const base = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-nop.jar'];
  const java: PeerLocation = has('zookeeper.jar')
    ? { ok: true, setup: { ...versionField(jarVersion(names, 'zookeeper')), source: `Debian's zookeeper package (${JARS})`, classpath: jars(base) } }
    : { ok: false, missing: 'the ZooKeeper Java client (Maven Central failed; Debian: apt-get install -y zookeeper)' };
  const curator: PeerLocation =
    java.ok && has('curator-recipes.jar')
      ? { ok: true, setup: { ...versionField(jarVersion(names, 'curator-recipes')), source: `Debian's libcurator-recipes-java package (${JARS})`, classpath: jars(['curator-recipes.jar', 'curator-framework.jar', 'curator-client.jar', 'guava.jar', ...base]) } }
      : { ok: false, missing: 'Apache Curator (Maven Central failed; Debian: apt-get install -y libcurator-recipes-java zookeeper)' };
  return { curator, java };
}

/** kazoo from PyPI in a virtualenv, else Debian's python3-kazoo under Debian's python3. */
async function locateKazoo(): Promise<PeerLocation> {
  try {
    const venv = await installKazoo();
    return { ok: true, setup: { version: venv.version, source: `PyPI, in the virtualenv ${homeRelative(venv.dir)}`, python: venv.python } };
  } catch (err) {
    log(`kazoo from PyPI: ${(err as Error).message}\nfalling back to Debian's python3-kazoo`);
  }
  const version = await kazooVersion(DEBIAN_PYTHON);
  return version
    ? { ok: true, setup: { version, source: `Debian's python3-kazoo package (${DEBIAN_PYTHON})`, python: DEBIAN_PYTHON } }
    : { ok: false, missing: 'kazoo (PyPI failed; Debian: apt-get install -y python3-kazoo)' };
}

/** node-zookeeper-client, a dev dependency. */
function locateNzc(): PeerLocation {
  const dir = path.join(REPO_ROOT, 'node_modules', 'node-zookeeper-client');
  if (!existsSync(dir)) return { ok: false, missing: 'node-zookeeper-client (npm install)' };
  let version: string | undefined;
  try {
    version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // a broken install: the peer will say so when it runs
  }
  return { ok: true, setup: { ...versionField(version), source: 'npm, node_modules/node-zookeeper-client' } };
}

const versionField = (version: string | undefined) => (version ? { version } : {});

/** `~/…` for a path under the home directory: the report is published, the user's home need not be. */
function homeRelative(p: string): string {
  const home = os.homedir();
  return p.startsWith(`${home}${path.sep}`) ? `~${p.slice(home.length)}` : p;
}

/** Runs bench/ensure-peers.mjs (installs the peers: registries first, Debian packages as root). Returns true on success. */
export function ensurePeers(): boolean {
  const script = path.join(REPO_ROOT, 'bench', 'ensure-peers.mjs');
  const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

let classDir: Promise<string> | undefined;

/**
 * Compiles bench/peers/java/*.java once per process into a temp dir (deleted on exit), against
 * Curator's class path, or without CuratorPeer.java when only the Java client is there.
 * @throws when neither Java peer can run, or javac fails.
 */
export function buildJavaPeers(): Promise<string> {
  classDir ??= (async () => {
    const { curator, java } = await locateJava();
    const against = curator.ok ? curator : java;
    if (!against.ok) throw new Error(`the Java peers cannot be built: missing ${against.missing}`);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-elect-bench-java-'));
    process.once('exit', () => {
      try {
        spawnSync('rm', ['-rf', '--', dir]);
      } catch {
        // best effort
      }
    });
    const sources = readdirSync(JAVA_SOURCES)
      .filter((f) => f.endsWith('.java') && (curator.ok || f !== 'CuratorPeer.java'))
      .map((f) => path.join(JAVA_SOURCES, f));
    log(`compiling the Java peers with javac into ${dir} ...`);
    try {
      await execFileAsync('javac', ['-proc:none', '-implicit:none', '-nowarn', '-d', dir, '-cp', (against.setup.classpath ?? []).join(':'), ...sources], { timeout: 120_000 });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`javac failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, { cause: err });
    }
    return dir;
  })();
  return classDir;
}

/** A located peer's setup. @throws naming what the peer lacks. */
async function setupOf(peer: PeerName): Promise<PeerSetup> {
  const loc = await locatePeer(peer);
  if (!loc.ok) throw new Error(`peer ${peer} cannot run: missing ${loc.missing}`);
  return loc.setup;
}

/** The command line of a peer program for a scenario. @throws when the peer cannot run (see {@link locatePeer}) or javac fails. */
export async function peerCommand(peer: PeerName, scenario: string, flags: Record<string, string | number>): Promise<{ cmd: string; args: string[] }> {
  const f = Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]);
  switch (peer) {
    case 'curator':
    case 'java': {
      const { classpath = [] } = await setupOf(peer);
      const cp = [await buildJavaPeers(), ...classpath].join(':');
      return { cmd: 'java', args: ['-cp', cp, peer === 'curator' ? 'CuratorPeer' : 'ZkPeer', scenario, ...f] };
    }
    case 'kazoo': {
      const { python = DEBIAN_PYTHON } = await setupOf(peer);
      return { cmd: python, args: [path.join(REPO_ROOT, 'bench', 'peers', 'kazoo_peer.py'), scenario, ...f] };
    }
    case 'nzc':
      return { cmd: process.execPath, args: [path.join(DIST_ROOT, 'bench', 'peers', 'nzc-peer.js'), scenario, ...f] };
  }
}

/** How long a child may take to exit after printing its result (cleanup only). */
const EXIT_AFTER_RESULT_MS = 30_000;

/**
 * Runs a peer (or any benchmark child) to completion and returns the JSON object it prints on
 * stdout (its one result line). Its stderr lines are passed on as they come, prefixed with
 * `label`. Blocks until the child exits, at most `timeoutMs` for the result.
 * @throws Error (with the child's last stderr lines) on a non-zero exit, no JSON, or timeout;
 *   the child is SIGKILLed then.
 */
export async function runJsonChild<T>(cmd: string, args: string[], label: string, timeoutMs: number): Promise<T> {
  const child = new SupervisedChild<object>(cmd, args, { cwd: REPO_ROOT });
  child.onStderr((l) => process.stderr.write(`  [${label}] ${l.replace(/^\[(bench|peer)\] /, '')}\n`));
  try {
    const result = await child.next(() => true, { timeoutMs, what: `the JSON result of ${label}` });
    const exit = await withTimeout(child.exited, EXIT_AFTER_RESULT_MS, `${label} to exit`);
    if (exit.code !== 0) throw new Error(`${label} exited with ${exit.code ?? exit.signal}: ${child.stderr.slice(-5).join(' | ')}`);
    return result as T;
  } finally {
    if (!child.exit) child.kill('SIGKILL');
  }
}

/** One batch's figures as the Java ops peer prints them (`error` when the batch failed). */
interface JavaOpsReply {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerOp: number;
  error?: string;
  ready?: boolean;
}

/** The Java peer in `ops` mode: a long-lived JVM running one pipelined batch per stdin command, answering with one JSON line. */
export class JavaOpsPeer {
  private constructor(private readonly child: SupervisedChild<JavaOpsReply>) {}

  /**
   * Builds (see {@link buildJavaPeers}) and starts the peer against `connectString`; blocks until
   * it says it is ready (at most 60 s). @throws when the peer cannot run, or does not start.
   */
  static async start(connectString: string): Promise<JavaOpsPeer> {
    const { cmd, args } = await peerCommand('java', 'ops', { zookeeper: connectString });
    const child = new SupervisedChild<JavaOpsReply>(cmd, args, { stdin: true });
    child.onStderr((l) => process.stderr.write(`  [java ops] ${l}\n`));
    try {
      await child.next((r) => r.ready === true, { timeoutMs: 60_000, what: 'the Java ops peer to be ready' });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return new JavaOpsPeer(child);
  }

  /**
   * Runs one batch: `getData <path> <n> <window>` or `create <parent> <n> <window>`. Blocks until
   * the peer answers (at most 180 s). @throws on the peer's error, its exit, or the timeout.
   */
  async run(op: 'getData' | 'create', target: string, n: number, window: number): Promise<JavaOpsReply> {
    const from = this.child.events.length;
    this.child.stdin?.write(`${op} ${target} ${n} ${window}\n`);
    const r = await this.child.next(() => true, { from, timeoutMs: 180_000, what: `the Java ops peer's ${op} batch` });
    if (r.error) throw new Error(`Java ${op}: ${r.error}`);
    return r;
  }

  /** Asks the peer to quit and waits for it, SIGKILLing it after 5 s. Never throws. */
  async close(): Promise<void> {
    this.child.stdin?.end('quit\n');
    await withTimeout(this.child.exited, 5000, 'the Java ops peer to quit').catch(() => this.child.kill('SIGKILL'));
  }
}

/** Which library version each peer key of {@link PeerVersions} names. */
const VERSION_KEYS = { curator: 'curator', java: 'zookeeperJavaClient', kazoo: 'kazoo', nzc: 'nodeZookeeperClient' } as const;

/**
 * The versions and sources of what `peers` run on, for the machine description, plus the JVM
 * (and Python, with kazoo). Locates each peer (see {@link locatePeer}: may install on a first
 * call); a peer that cannot run is left out.
 */
export async function peerVersions(peers: readonly PeerName[]): Promise<{ versions: PeerVersions; sources: Partial<Record<PeerName, string>> }> {
  const versions: PeerVersions = {};
  const sources: Partial<Record<PeerName, string>> = {};
  for (const peer of peers) {
    const loc = await locatePeer(peer);
    if (!loc.ok) continue;
    versions[VERSION_KEYS[peer]] = loc.setup.version ?? 'unknown';
    sources[peer] = loc.setup.source;
    if (peer === 'kazoo' && loc.setup.python) {
      const py = spawnSync(loc.setup.python, ['--version'], { encoding: 'utf8' });
      if (py.status === 0) versions.python = (py.stdout || py.stderr).trim().replace(/^Python /, '');
    }
  }
  // The server runs on this JVM too, so it is named even when no Java peer ran.
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const m = /version "([^"]+)"/.exec(java.stderr ?? '');
  if (m) versions.java = m[1] as string;
  return { versions, sources };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
