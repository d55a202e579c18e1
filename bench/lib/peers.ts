/**
 * The peer programs of bench/peers/: building (javac into a temp dir, never the repository),
 * locating (Debian's jars under /usr/share/java, Debian's python3 for kazoo), running (one
 * child process per scenario, progress on stderr, one JSON result as the last stdout line) and
 * naming their versions for the report.
 * @module
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { PeerName } from './types.js';
import { DIST_ROOT, REPO_ROOT, log } from './util.js';

const execFileAsync = promisify(execFile);
const JARS = '/usr/share/java';
/** Debian's python3, where python3-kazoo installs (a pyenv or venv python3 on PATH would not see it). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const JAVA_SOURCES = path.join(REPO_ROOT, 'bench', 'peers', 'java');

/** What a peer needs, and whether it is there. */
export function peerAvailable(peer: PeerName): { ok: boolean; missing?: string } {
  const jar = (j: string) => existsSync(path.join(JARS, j));
  const javac = () => spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0;
  switch (peer) {
    case 'curator':
      return jar('curator-recipes.jar') && jar('zookeeper.jar') && javac() ? { ok: true } : { ok: false, missing: 'libcurator-recipes-java / zookeeper jars or javac' };
    case 'java':
      return jar('zookeeper.jar') && javac() ? { ok: true } : { ok: false, missing: 'zookeeper jar or javac' };
    case 'kazoo':
      return spawnSync(PYTHON, ['-c', 'import kazoo'], { stdio: 'ignore' }).status === 0 ? { ok: true } : { ok: false, missing: 'python3-kazoo' };
    case 'nzc':
      return existsSync(path.join(REPO_ROOT, 'node_modules', 'node-zookeeper-client')) ? { ok: true } : { ok: false, missing: 'node-zookeeper-client (npm install)' };
  }
}

/** Runs bench/ensure-peers.mjs (installs missing Debian packages as root). Resolves true on success. */
export function ensurePeers(): boolean {
  const script = path.join(REPO_ROOT, 'bench', 'ensure-peers.mjs');
  const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

let classDir: Promise<string> | undefined;

/** Compiles bench/peers/java/*.java once per process into a temp dir (deleted on exit). */
export function buildJavaPeers(): Promise<string> {
  classDir ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-elect-bench-java-'));
    process.once('exit', () => {
      try {
        spawnSync('rm', ['-rf', '--', dir]);
      } catch {
        // best effort
      }
    });
    const sources = readdirSync(JAVA_SOURCES)
      .filter((f) => f.endsWith('.java'))
      .map((f) => path.join(JAVA_SOURCES, f));
    log(`compiling the Java peers with javac into ${dir} ...`);
    try {
      await execFileAsync('javac', ['-proc:none', '-implicit:none', '-nowarn', '-d', dir, '-cp', classpathJars('curator').join(':'), ...sources], { timeout: 120_000 });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`javac failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, { cause: err });
    }
    return dir;
  })();
  return classDir;
}

/** Jars of a Java peer; the Debian jars' manifests pull in their own dependencies. */
function classpathJars(kind: 'curator' | 'java'): string[] {
  const base = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-nop.jar'];
  const jars = kind === 'curator' ? ['curator-recipes.jar', 'curator-framework.jar', 'curator-client.jar', 'guava.jar', ...base] : base;
  return jars.map((j) => path.join(JARS, j)).filter((j) => existsSync(j));
}

/** The command line of a peer program for a scenario. */
export async function peerCommand(peer: PeerName, scenario: string, flags: Record<string, string | number>): Promise<{ cmd: string; args: string[] }> {
  const f = Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]);
  switch (peer) {
    case 'curator':
    case 'java': {
      const dir = await buildJavaPeers();
      const cp = [dir, ...classpathJars(peer)].join(':');
      return { cmd: 'java', args: ['-cp', cp, peer === 'curator' ? 'CuratorPeer' : 'ZkPeer', scenario, ...f] };
    }
    case 'kazoo':
      return { cmd: PYTHON, args: [path.join(REPO_ROOT, 'bench', 'peers', 'kazoo_peer.py'), scenario, ...f] };
    case 'nzc':
      return { cmd: process.execPath, args: [path.join(DIST_ROOT, 'bench', 'peers', 'nzc-peer.js'), scenario, ...f] };
  }
}

/**
 * Runs a peer (or any benchmark child) to completion and returns its last stdout line parsed as
 * JSON. Its stderr lines are passed on, prefixed. @throws on a non-zero exit, no JSON, or timeout.
 */
export function runJsonChild<T>(cmd: string, args: string[], label: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT });
    let last = '';
    let tail: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => {
      if (l.trim()) last = l;
    });
    createInterface({ input: child.stderr }).on('line', (l) => {
      tail = [...tail.slice(-20), l];
      process.stderr.write(`  [${label}] ${l.replace(/^\[(bench|peer)\] /, '')}\n`);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${label} exited with ${code}: ${tail.slice(-5).join(' | ')}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${label} printed no JSON result (last line: ${JSON.stringify(last.slice(0, 200))})`));
      }
    });
  });
}

/** The Java peer in `ops` mode: a long-lived JVM running one pipelined batch per command. */
export class JavaOpsPeer {
  private lines: string[] = [];
  private waiting: ((line: string | Error) => void) | undefined;
  private exitCode: number | null | undefined;
  private constructor(private readonly child: ChildProcess) {
    child.once('exit', (code) => {
      this.exitCode = code;
      this.waiting?.(new Error(`the Java ops peer exited with ${code}`));
    });
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(l);
      } else this.lines.push(l);
    });
    createInterface({ input: child.stderr! }).on('line', (l) => process.stderr.write(`  [java ops] ${l}\n`));
  }

  static async start(connectString: string): Promise<JavaOpsPeer> {
    const { cmd, args } = await peerCommand('java', 'ops', { zookeeper: connectString });
    const peer = new JavaOpsPeer(spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    const ready = await peer.line(60_000);
    if (!ready.includes('ready')) throw new Error(`the Java ops peer did not start: ${ready}`);
    return peer;
  }

  private line(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exitCode !== undefined) return Promise.reject(new Error(`the Java ops peer exited with ${this.exitCode}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Java ops peer did not answer')), timeoutMs);
      this.waiting = (l) => {
        clearTimeout(timer);
        if (l instanceof Error) reject(l);
        else resolve(l);
      };
    });
  }

  /** Runs one batch: `getData <path> <n> <window>` or `create <parent> <n> <window>`. */
  async run(op: 'getData' | 'create', target: string, n: number, window: number): Promise<{ opsPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerOp: number; error?: string }> {
    this.child.stdin!.write(`${op} ${target} ${n} ${window}\n`);
    const r = JSON.parse(await this.line(180_000)) as { opsPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerOp: number; error?: string };
    if (r.error) throw new Error(`Java ${op}: ${r.error}`);
    return r;
  }

  async close(): Promise<void> {
    this.child.stdin!.end('quit\n');
    if (this.exitCode !== undefined) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => (this.child.kill('SIGKILL'), resolve()), 5000);
      this.child.once('exit', () => (clearTimeout(t), resolve()));
    });
  }
}

/** Versions of what the peers run, for the machine description. */
export function peerVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const jarVersion = (prefix: string) => readdirSafe(JARS).map((f) => new RegExp(`^${prefix}-(\\d[\\w.]*)\\.jar$`).exec(f)?.[1]).find(Boolean);
  const curator = jarVersion('curator-recipes');
  if (curator) out.curator = curator;
  const zk = jarVersion('zookeeper');
  if (zk) out.zookeeperJavaClient = zk;
  const kazoo = spawnSync(PYTHON, ['-c', 'import kazoo.version; print(kazoo.version.__version__)'], { encoding: 'utf8' });
  if (kazoo.status === 0) out.kazoo = kazoo.stdout.trim();
  const py = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
  if (py.status === 0) out.python = (py.stdout || py.stderr).trim().replace(/^Python /, '');
  try {
    out.nodeZookeeperClient = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'node-zookeeper-client', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // not installed
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const m = /version "([^"]+)"/.exec(java.stderr ?? '');
  if (m) out.java = m[1] as string;
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
