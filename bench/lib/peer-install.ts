/**
 * The peers' libraries at their newest releases, from the registries: Apache Curator from Maven
 * Central (with the ZooKeeper Java client it depends on, and an slf4j no-op binding), resolved
 * by the test harness's `resolveMavenJars`, and kazoo from PyPI, installed with pip into a
 * virtualenv. Both are cached under `cacheRoot()` (`~/.cache/zk-elect` by default).
 *
 * This is the one place that names the peers' versions. bench/ensure-peers.mjs imports the
 * compiled module to install them up front; bench/lib/peers.ts calls the same functions (which
 * only look at the cache once it is filled) and falls back to Debian's packages when they throw.
 * @module
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheRoot, jarVersion, publishCacheEntry, resolveJavaLibrary } from 'zk-elect/testing';

// bench/lib/peers.ts names Debian's jars' versions with it too.
export { jarVersion };

/** Apache Curator's newest 5.x release on Maven Central. The ZooKeeper Java client is whichever one it depends on. */
export const CURATOR_VERSION = '5.9.0';
/** kazoo's newest release on PyPI. */
export const KAZOO_VERSION = '2.11.0';

/** Debian's python3: the base of the virtualenv when it has `venv`, since a pyenv shim on PATH can change version per directory. */
const DEBIAN_PYTHON = '/usr/bin/python3';
/** Written last into a finished virtualenv: one without it is left over from a killed install. */
const COMPLETE_MARKER = '.complete';
const VENV_TIMEOUT_MS = 2 * 60_000;
/** pip downloads one small wheel; the environment's own pip timeout applies to each request. */
const PIP_TIMEOUT_MS = 10 * 60_000;

/** Thrown when a peer cannot be installed from its registry; the message says what was tried. */
export class PeerInstallError extends Error {
  override name = 'PeerInstallError';
}

/** The Java peers' class paths, resolved from Maven Central. */
export interface MavenPeerJars {
  curatorVersion: string;
  /** The ZooKeeper Java client's version, as Maven picked it through Curator's dependencies. */
  zookeeperVersion: string;
  /** The slf4j-api version Maven brought, and so that of the slf4j-nop binding added (undefined: none was brought). */
  slf4jVersion?: string;
  /** The Curator peer: Curator, the ZooKeeper client, their runtime dependencies and slf4j-nop. */
  curator: string[];
  /** The plain Java client peer: the same jars without Curator's own. */
  java: string[];
  /** Where Curator's resolution is cached. */
  dir: string;
}

/**
 * Resolves Curator {@link CURATOR_VERSION} with its runtime dependencies, then the slf4j-nop
 * binding matching the slf4j-api they bring (so the peers print no logger warnings). Blocks for
 * as long as Maven takes on the first call (typically 10–30 s); later calls only list the cache.
 * @throws {MavenResolveError} `mvn` is missing or Maven Central cannot be reached.
 * @throws {PeerInstallError} the resolution holds no ZooKeeper client jar.
 */
export async function resolvePeerJars(env: NodeJS.ProcessEnv = process.env): Promise<MavenPeerJars> {
  const dir = curatorDir(env);
  const what = `Apache Curator ${CURATOR_VERSION}`;
  const curator = await resolveJavaLibrary(dir, [{ groupId: 'org.apache.curator', artifactId: 'curator-recipes', version: CURATOR_VERSION }], what, { env, onResolve: announce });
  const zookeeperVersion = jarVersion(curator, 'zookeeper');
  if (!zookeeperVersion) throw new PeerInstallError(`${what}: no zookeeper-<version>.jar among its dependencies in ${dir}`);
  const slf4jVersion = jarVersion(curator, 'slf4j-api');
  // The Java client peer gets exactly the ZooKeeper client Curator runs on. Guava and the other
  // jars only Curator needs stay on its class path too; nothing there loads them.
  const java = curator.filter((j) => !path.basename(j).startsWith('curator-'));
  return { curatorVersion: CURATOR_VERSION, zookeeperVersion, ...(slf4jVersion ? { slf4jVersion } : {}), curator, java, dir };
}

/** Where Curator {@link CURATOR_VERSION}'s resolution is cached. Only computes the path. */
export function curatorDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'maven', `curator-${CURATOR_VERSION}`);
}

/** Says on stderr why the next seconds are slow (a first install only). */
function announce(what: string, dir: string): void {
  process.stderr.write(`zk-elect bench: installing ${what} into ${dir} (once) ...\n`);
}

/** kazoo installed in a virtualenv. */
export interface KazooVenv {
  /** The virtualenv's interpreter, to run bench/peers/kazoo_peer.py with. */
  python: string;
  version: string;
  dir: string;
}

/** Where kazoo {@link KAZOO_VERSION}'s virtualenv lives. Only computes the path. */
export function kazooVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'python', `kazoo-${KAZOO_VERSION}`);
}

/**
 * Returns the virtualenv with kazoo {@link KAZOO_VERSION}, installing it on the first call:
 * `python3 -m venv`, then `pip install kazoo==…` from PyPI (blocks for as long as pip takes,
 * typically 5–20 s). Later calls only start its python once to check the version. Safe for
 * concurrent processes: each builds in its own temporary sibling and renames it into place.
 * @throws {PeerInstallError} no python3 could make a virtualenv, or pip could not install kazoo.
 */
export async function installKazoo(env: NodeJS.ProcessEnv = process.env): Promise<KazooVenv> {
  const dir = kazooVenvDir(env);
  const ready = await usableVenv(dir, env);
  if (ready) return ready;
  announce(`kazoo ${KAZOO_VERSION} from PyPI`, dir);
  await mkdir(path.dirname(dir), { recursive: true });
  const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await makeVenv(work, env);
    // `python -m pip`, never bin/pip: the scripts' shebangs name the temporary path.
    await run(venvPython(work), ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', `kazoo==${KAZOO_VERSION}`], env, PIP_TIMEOUT_MS, `pip install kazoo==${KAZOO_VERSION} (from PyPI)`);
    await writeFile(path.join(work, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    await publishVenv(work, dir, env);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const installed = await usableVenv(dir, env);
  if (!installed) throw new PeerInstallError(`kazoo ${KAZOO_VERSION} was installed into ${dir}, but its python does not import kazoo ${KAZOO_VERSION}`);
  return installed;
}

/** The finished virtualenv in `dir` when its python imports the wanted kazoo, else undefined. */
async function usableVenv(dir: string, env: NodeJS.ProcessEnv): Promise<KazooVenv | undefined> {
  try {
    await stat(path.join(dir, COMPLETE_MARKER));
  } catch {
    return undefined;
  }
  const python = venvPython(dir);
  const version = await kazooVersion(python, env);
  return version === KAZOO_VERSION ? { python, version, dir } : undefined;
}

/** The kazoo version `python` imports, or undefined when it imports none (or cannot start). */
export async function kazooVersion(python: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    return (await run(python, ['-c', 'import kazoo.version; print(kazoo.version.__version__)'], env, 30_000, 'import kazoo')).trim() || undefined;
  } catch {
    return undefined;
  }
}

const venvPython = (dir: string) => path.join(dir, 'bin', 'python');

/** `python3 -m venv dir`, with Debian's python3 first and the one on PATH second. */
async function makeVenv(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const failures: string[] = [];
  for (const python of [...new Set([DEBIAN_PYTHON, 'python3'])]) {
    try {
      await run(python, ['-m', 'venv', dir], env, VENV_TIMEOUT_MS, `${python} -m venv ${dir}`);
      return;
    } catch (err) {
      failures.push((err as Error).message);
      await rm(dir, { recursive: true, force: true });
    }
  }
  throw new PeerInstallError(`no python3 here can make a virtualenv for kazoo:\n${failures.join('\n')}\nTo fix it: apt-get install -y python3-venv`);
}

/**
 * Renames `work` to `dir`. If another process published first, its copy stands; a copy that is
 * not usable (a killed install, or a base python gone since) is replaced.
 */
async function publishVenv(work: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await publishCacheEntry(work, dir, async () => (await usableVenv(dir, env)) !== undefined);
}

/** Runs a command to completion; resolves with its stdout. @throws {PeerInstallError} with its stderr's tail. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const tail = `${stderr}`.trim().split('\n').slice(-3).join('\n') || err.message;
      reject(new PeerInstallError(`${what} failed: ${tail}`, { cause: err }));
    });
  });
}

/**
 * Whether the registries' installs are already in the cache, judged from the file system alone
 * (nothing is run, nothing installed): for `ensure-peers.mjs --check`.
 */
export function registryPeersCached(env: NodeJS.ProcessEnv = process.env): { java: boolean; kazoo: boolean } {
  // resolveMavenJars keeps a resolution's jars in <dir>/lib.
  const lib = path.join(curatorDir(env), 'lib');
  const lists = (dir: string, test: (name: string) => boolean) => {
    try {
      return readdirSync(dir).some(test);
    } catch {
      return false;
    }
  };
  return { java: lists(lib, (n) => n.endsWith('.jar')), kazoo: lists(kazooVenvDir(env), (n) => n === COMPLETE_MARKER) };
}
