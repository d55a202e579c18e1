#!/usr/bin/env node
// Makes sure the dashboard's browser test has a Chromium (Debian's package, driven by
// playwright-core): present -> exit 0; missing, root with apt-get -> install it; otherwise
// explain how to install it and exit 1 (the browser test never skips silently).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
if (candidates.some((p) => existsSync(p))) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  console.log('zk-elect: Chromium (for the dashboard browser test) is missing; running apt-get install -y chromium ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}
console.error(`zk-elect: the dashboard's browser test needs Chromium, and none was found.
  Debian/Ubuntu:  sudo apt-get install -y chromium
  Elsewhere:      install Chromium and set CHROMIUM_PATH=/path/to/chromium`);
process.exit(1);
