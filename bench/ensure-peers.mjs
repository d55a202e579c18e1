#!/usr/bin/env node
// Makes sure the benchmark's peer programs (bench/peers/) can run, on the newest releases where
// the registries have them:
//   - Apache Curator and the ZooKeeper Java client it depends on (plus slf4j-nop), resolved from
//     Maven Central with `mvn`;
//   - kazoo, installed from PyPI with pip into a virtualenv;
// both cached under ~/.cache/zk-elect ($ZK_ELECT_CACHE, else $XDG_CACHE_HOME/zk-elect). The
// versions are named once, in bench/lib/peer-install.ts. Where a registry fails (no mvn, no
// network), Debian's packages instead, installed as root with apt-get: libcurator-recipes-java
// and zookeeper, python3-kazoo. Always: a JDK with javac (openjdk-17-jdk-headless) to compile our
// own peer sources, and node-zookeeper-client (a dev dependency).
//
// Unlike scripts/ensure-zookeeper.mjs it needs the compiled tree: it imports
// dist/bench/lib/peer-install.js, so run `npm run build` (tsc) first, as `npm run bench` does.
// Without dist/ it only checks and installs Debian's packages.
//
//   node bench/ensure-peers.mjs          install what is missing (registries first, then Debian's packages)
//   node bench/ensure-peers.mjs --check  install nothing; print what is missing, exit 1 if anything is
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const checkOnly = process.argv.includes('--check');
const say = (msg) => console.error(`zk-elect bench: ${msg}`);

const jar = (name) => () => existsSync(`/usr/share/java/${name}`);
/** Per group of peers: [what, Debian package, test] for when its registry fails. */
const DEBIAN = {
  java: [
    ['ZooKeeper Java client (/usr/share/java/zookeeper.jar)', 'zookeeper', jar('zookeeper.jar')],
    ['Apache Curator recipes (/usr/share/java/curator-recipes.jar)', 'libcurator-recipes-java', jar('curator-recipes.jar')],
  ],
  kazoo: [['kazoo for /usr/bin/python3', 'python3-kazoo', () => spawnSync('/usr/bin/python3', ['-c', 'import kazoo'], { stdio: 'ignore' }).status === 0]],
};
const ALWAYS = [['javac (a JDK)', 'openjdk-17-jdk-headless', () => spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0]];

const fromRegistry = await registries();
const wanted = [...ALWAYS, ...(fromRegistry.java ? [] : DEBIAN.java), ...(fromRegistry.kazoo ? [] : DEBIAN.kazoo)];
const missing = wanted.filter(([, , ok]) => !ok());
let nzc = true;
try {
  createRequire(import.meta.url)('node-zookeeper-client');
} catch {
  nzc = false;
}

if (missing.length === 0 && nzc) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (missing.length > 0 && !checkOnly && isRoot && hasApt) {
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  say(`missing ${missing.map(([what]) => what).join(', ')}; running apt-get install -y ${pkgs.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) {
    // Stale package lists are the usual cause: refresh once and retry.
    const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (update.status !== 0) process.exit(update.status ?? 1);
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'inherit', 'inherit'], env });
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
  const still = wanted.filter(([, , ok]) => !ok());
  if (still.length === 0 && nzc) process.exit(0);
  missing.splice(0, missing.length, ...still);
}

const lines = ['zk-elect bench: the peer programs need:'];
for (const [what, pkg] of missing) lines.push(`  - ${what}: apt-get install -y ${pkg}`);
if (!nzc) lines.push('  - node-zookeeper-client: npm install (it is a dev dependency)');
console.error(lines.join('\n'));
process.exit(1);

/**
 * Installs the registries' releases (with --check: only looks whether they are cached). Returns
 * which groups of peers they cover; a group they do not cover falls back to Debian's packages.
 */
async function registries() {
  const none = { java: false, kazoo: false };
  let install;
  try {
    install = await import(new URL('../dist/bench/lib/peer-install.js', import.meta.url).href);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    say('dist/ is not built (npm run build), so the registries are not tried; Debian\'s packages only');
    return none;
  }
  if (checkOnly) return install.registryPeersCached();
  const covered = { ...none };
  try {
    const jars = await install.resolvePeerJars();
    say(`Apache Curator ${jars.curatorVersion} and the ZooKeeper Java client ${jars.zookeeperVersion} from Maven Central (${jars.dir})`);
    covered.java = true;
  } catch (err) {
    say(`Curator from Maven Central failed, so Debian's jars instead: ${err.message}`);
  }
  try {
    const venv = await install.installKazoo();
    say(`kazoo ${venv.version} from PyPI (${venv.dir})`);
    covered.kazoo = true;
  } catch (err) {
    say(`kazoo from PyPI failed, so Debian's python3-kazoo instead: ${err.message}`);
  }
  return covered;
}
