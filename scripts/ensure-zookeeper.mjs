#!/usr/bin/env node
// Makes sure the tests/examples can start a real ZooKeeper server (see src/testing/install.ts,
// whose search this duplicates in plain JS so it runs before anything is compiled).
//
//   ZK_CONNECT set            -> an external ensemble is used; nothing to check.
//   ZooKeeper + java found    -> exit 0 silently.
//   missing, root + apt-get   -> apt-get install -y zookeeper (or default-jre-headless if only Java
//                                is missing), output shown, exit with its status.
//   missing otherwise         -> explain how to install it, exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

if (process.env.ZK_CONNECT) {
  console.log(`zk-elect: using the external ZooKeeper ensemble ZK_CONNECT=${process.env.ZK_CONNECT}`);
  process.exit(0);
}

const zookeeper = findZooKeeperJar();
const java = javaWorks();
if (zookeeper && java) process.exit(0);

// A broken ZOOKEEPER_HOME wins over Debian's package in the harness, so installing that would not help.
const aptPackage = !zookeeper ? (process.env.ZOOKEEPER_HOME ? undefined : 'zookeeper') : 'default-jre-headless';
if (aptPackage && typeof process.getuid === 'function' && process.getuid() === 0 && commandExists('apt-get')) {
  console.log(`zk-elect: ${zookeeper ? 'Java' : 'ZooKeeper'} is missing; running apt-get install -y ${aptPackage} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) process.exit(update.status ?? 1);
  const install = spawnSync('apt-get', ['install', '-y', aptPackage], { stdio: 'inherit', env });
  process.exit(install.status ?? 1);
}

const missing = [];
if (!zookeeper) {
  missing.push(
    process.env.ZOOKEEPER_HOME
      ? `  - no lib/zookeeper-<version>.jar under ZOOKEEPER_HOME=${process.env.ZOOKEEPER_HOME} (is it a -bin tarball?)`
      : '  - a ZooKeeper server (neither ZOOKEEPER_HOME nor /usr/share/java/zookeeper.jar)',
  );
}
if (!java) missing.push('  - a working `java` (JAVA_HOME/bin/java or java on PATH; `java -version` failed)');
console.error(
  [
    'zk-elect: the tests and examples start a real ZooKeeper server, but this machine lacks:',
    ...missing,
    '',
    'Fix it with one of:',
    '  sudo apt-get install -y zookeeper        # Debian/Ubuntu: server + Java',
    '  export ZOOKEEPER_HOME=/path/to/apache-zookeeper-X.Y.Z-bin   # Apache binary tarball (needs Java 11+)',
    '  export ZK_CONNECT=host:2181              # use an ensemble you already run',
  ].join('\n'),
);
process.exit(1);

/** ZOOKEEPER_HOME/lib/zookeeper-X.Y.Z.jar (or at its root, 3.4 layout), else Debian's jar. */
function findZooKeeperJar() {
  const home = process.env.ZOOKEEPER_HOME;
  if (home) {
    for (const dir of [path.join(home, 'lib'), home]) {
      const jar = listDir(dir).find((name) => /^zookeeper-\d+\.\d+\.\d+\.jar$/.test(name));
      if (jar) return path.join(dir, jar);
    }
    return undefined;
  }
  return existsSync('/usr/share/java/zookeeper.jar') ? '/usr/share/java/zookeeper.jar' : undefined;
}

/** Same choice as the harness: JAVA_HOME/bin/java when it exists, else java on PATH. */
function javaWorks() {
  const fromHome = process.env.JAVA_HOME && path.join(process.env.JAVA_HOME, 'bin', 'java');
  const java = fromHome && existsSync(fromHome) ? fromHome : 'java';
  return spawnSync(java, ['-version'], { stdio: 'ignore' }).status === 0;
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function listDir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
