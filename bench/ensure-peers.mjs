#!/usr/bin/env node
// Makes sure the benchmark's peer programs (bench/peers/) can run: Apache Curator and the
// ZooKeeper Java client (jars under /usr/share/java), a JDK with javac to compile our own peer
// sources, kazoo for Debian's python3, node-zookeeper-client (a dev dependency). Like
// scripts/ensure-zookeeper.mjs it is plain JS, so it runs before anything is compiled.
//
//   node bench/ensure-peers.mjs          check; as root with apt-get, install what is missing
//   node bench/ensure-peers.mjs --check  check only; print what is missing, exit 1 if anything is
//
// Debian packages: libcurator-recipes-java (Curator 5.4, pulls in framework + client),
// zookeeper (the 3.8 Java client and server), python3-kazoo (kazoo 2.8), openjdk-17-jdk-headless (javac).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const checkOnly = process.argv.includes('--check');

/** [what, Debian package, test] */
const wanted = [
  ['ZooKeeper Java client (/usr/share/java/zookeeper.jar)', 'zookeeper', () => existsSync('/usr/share/java/zookeeper.jar')],
  ['Apache Curator recipes (/usr/share/java/curator-recipes.jar)', 'libcurator-recipes-java', () => existsSync('/usr/share/java/curator-recipes.jar')],
  ['kazoo for /usr/bin/python3', 'python3-kazoo', () => spawnSync('/usr/bin/python3', ['-c', 'import kazoo'], { stdio: 'ignore' }).status === 0],
  ['javac (a JDK)', 'openjdk-17-jdk-headless', () => spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0],
];

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
  console.error(`zk-elect bench: missing ${missing.map(([what]) => what).join(', ')}; running apt-get install -y ${pkgs.join(' ')} ...`);
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
