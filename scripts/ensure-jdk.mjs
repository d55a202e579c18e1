#!/usr/bin/env node
// Makes sure the Curator interop tests (test/curator-interop.test.ts) can build their Java side:
// they compile test/interop/*.java with javac (a JDK; the servers need only a JRE) against
// curator-x-discovery, which they resolve from Maven Central with mvn on first use. Both there
// -> exit 0; something missing, root with apt-get -> install it (default-jdk-headless, maven);
// otherwise say how to install it and exit 1 (the interop tests never skip silently).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const javac = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac';
const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = [
  ...(works(javac, ['-version']) ? [] : [['javac (a JDK 11+)', 'default-jdk-headless']]),
  ...(works('mvn', ['-v']) ? [] : [['mvn (Apache Maven)', 'maven']]),
];
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = works('sh', ['-c', 'command -v apt-get']);
const packages = missing.map(([, pkg]) => pkg);
if (isRoot && hasApt && !process.env.JAVA_HOME) {
  console.log(`zk-elect: the Curator interop tests need ${missing.map(([what]) => what).join(' and ')}; running apt-get install -y ${packages.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}
console.error(`zk-elect: the Curator interop tests need ${missing.map(([what]) => what).join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} missing.
  Debian/Ubuntu:  sudo apt-get install -y ${packages.join(' ')}
  Elsewhere:      install a JDK 11+ (set JAVA_HOME, or put javac on PATH) and Apache Maven (mvn on PATH)`);
process.exit(1);
