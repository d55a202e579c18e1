#!/usr/bin/env node
// Makes sure the tests, the demo and the examples can start the ZooKeeper release they will ask
// for, before they start: a first Maven resolution takes seconds, which a test should not spend
// inside its own timeout. The search itself is the harness's (src/testing/install.ts), imported
// from the compiled package: every npm script that runs this has built it first (`npm ci` runs
// `prepare`).
//
//   node scripts/ensure-zookeeper.mjs [VERSION ...]   default: $ZK_VERSION, else the harness default
//
//   ZK_CONNECT set                  -> an external ensemble is used; nothing to check.
//   every release found/resolved    -> exit 0 (a first resolution says so on stderr).
//   something missing, root + apt   -> apt-get install what is missing (Java, Maven, or Debian's
//                                      zookeeper for ZK_VERSION=debian), then resolve.
//   missing otherwise               -> the harness's message: what is missing and how to fix it; exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.ZK_CONNECT) {
  console.log(`zk-elect: using the external ZooKeeper ensemble ZK_CONNECT=${process.env.ZK_CONNECT}`);
  process.exit(0);
}

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'testing', 'index.js');
if (!existsSync(entry)) {
  console.error(`zk-elect: ${entry} is missing; build the package first (npm ci, or npm run build).`);
  process.exit(1);
}
const { findZooKeeper } = await import(entry);

const requested = process.argv.slice(2);
const versions = requested.length > 0 ? requested : [process.env.ZK_VERSION?.trim() || undefined];

let missing = await unavailable(versions);
if (missing.size > 0 && canApt()) {
  const packages = new Set();
  if (!works('java', ['-version'])) packages.add('default-jre-headless');
  if ([...missing.keys()].some((v) => v !== 'debian') && !works('mvn', ['-v'])) packages.add('maven');
  if (missing.has('debian')) packages.add('zookeeper');
  if (packages.size > 0) {
    aptInstall([...packages]);
    missing = await unavailable([...missing.keys()]);
  }
}
for (const message of missing.values()) console.error(`zk-elect: ${message}`);
process.exit(missing.size > 0 ? 1 : 0);

/** The releases among `list` the harness cannot start yet, with its reason for each. */
async function unavailable(list) {
  const out = new Map();
  for (const version of list) {
    try {
      await findZooKeeper(process.env, version);
    } catch (err) {
      out.set(version, err.message);
    }
  }
  return out;
}

function works(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function canApt() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && works('sh', ['-c', 'command -v apt-get']);
}

/** apt-get install, refreshing the package lists once first (a fresh machine has none). */
function aptInstall(names) {
  console.log(`zk-elect: installing ${names.join(' ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
  if (!run(['update'])) process.exit(1);
  if (!run(['install', '-y', '--no-install-recommends', ...names])) process.exit(1);
}
