/**
 * Tests of the ZooKeeper test harness (`zk-elect/testing`) against real server JVMs:
 * standalone lifecycle, quorum election and fail-over, TLS, and the cleanup guarantees.
 * TcpProxy, the fault injector, has its own suite: harness-proxy.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_ZOOKEEPER_VERSION,
  JavaNotFoundError,
  NEWEST_ZOOKEEPER,
  TestingCluster,
  TestingServer,
  ZooKeeperNotFoundError,
  findZooKeeper,
  fourLetterWord,
  getFreePort,
  parseMntr,
  parseSrvr,
  parseWchp,
} from '../src/testing/index.js';
import { until } from './support/wait.js';
import { alive } from './support/process.js';

test('parseSrvr, parseMntr and parseWchp', () => {
  const srvr = [
    'Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
    'Latency min/avg/max: 0/0.0/0',
    'Connections: 3',
    'Zxid: 0x100000002',
    'Mode: follower',
    'Node count: 5',
    '',
  ].join('\n');
  assert.deepEqual(parseSrvr(srvr), { mode: 'follower', zxid: '0x100000002', connections: 3, version: '3.8.0' });
  assert.deepEqual(parseSrvr('This ZooKeeper instance is not currently serving requests\n'), { mode: 'not-serving' });
  assert.throws(() => parseSrvr('ruok is not executed because it is not in the whitelist.'), /not a srvr reply/);
  assert.deepEqual(
    parseWchp('/election/c_0000000001\n\t0x1000001a2b30000\n\t0x1000001a2b30001\n/election/c_0000000002\n\t0x1000001a2b30002\n'),
    new Map([['/election/c_0000000001', ['0x1000001a2b30000', '0x1000001a2b30001']], ['/election/c_0000000002', ['0x1000001a2b30002']]]),
  );
  assert.deepEqual(parseMntr('zk_version\t3.8.0\nzk_server_state\tleader\n\n'), {
    zk_version: '3.8.0',
    zk_server_state: 'leader',
  });
});

test('fourLetterWord fails clearly on a closed port and on a silent server', async (t) => {
  const closed = await getFreePort();
  await assert.rejects(fourLetterWord('127.0.0.1', closed, 'ruok'), /'ruok' to 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
  const silent = net.createServer(() => undefined); // accepts and never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => silent.close());
  const { port } = silent.address() as net.AddressInfo;
  await assert.rejects(fourLetterWord('127.0.0.1', port, 'srvr', { timeoutMs: 200 }), /no complete reply within 200 ms/);
  assert.throws(() => fourLetterWord('127.0.0.1', port, 'toolong'), TypeError);
});

test('findZooKeeper reports a bad ZOOKEEPER_HOME and a missing java with a fix', async () => {
  await assert.rejects(findZooKeeper({ ZOOKEEPER_HOME: '/nonexistent/zk', PATH: process.env.PATH }), (err: unknown) => {
    assert.ok(err instanceof ZooKeeperNotFoundError);
    assert.match(err.message, /apt-get install -y zookeeper/);
    assert.match(err.message, /ZK_CONNECT/);
    return true;
  });
  const found = await findZooKeeper();
  assert.ok(found.classpath.length > 0);
  await assert.rejects(findZooKeeper({ ...(process.env.ZOOKEEPER_HOME ? { ZOOKEEPER_HOME: process.env.ZOOKEEPER_HOME } : {}), PATH: '' }), JavaNotFoundError);
});

test('findZooKeeper accepts an Apache tarball layout in ZOOKEEPER_HOME', async (t) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'zk-elect-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(path.join(home, 'lib'));
  for (const jar of ['zookeeper-3.9.9.jar', 'zookeeper-jute-3.9.9.jar', 'netty-codec-4.1.jar']) {
    writeFileSync(path.join(home, 'lib', jar), '');
  }
  const found = await findZooKeeper({ ZOOKEEPER_HOME: home, PATH: process.env.PATH });
  assert.equal(found.home, home);
  assert.equal(found.version, '3.9.9');
  assert.equal(found.classpath.split(path.delimiter).length, 3);
});

test('a release asked for is the release that runs: version option, ZK_VERSION, srvr', async (t) => {
  // The matrix sets ZK_VERSION; the default start must run exactly that release.
  const asked = process.env.ZK_VERSION?.trim() || (process.env.ZOOKEEPER_HOME ? undefined : DEFAULT_ZOOKEEPER_VERSION);
  const byDefault = await TestingServer.start();
  t.after(() => byDefault.stop());
  const expected = asked === 'debian' || asked === undefined ? (await findZooKeeper()).version : asked;
  assert.equal(byDefault.version, expected);
  assert.equal((await byDefault.srvr()).version, expected);

  const other = asked === NEWEST_ZOOKEEPER['3.8'] ? NEWEST_ZOOKEEPER['3.9'] : NEWEST_ZOOKEEPER['3.8'];
  const chosen = await TestingServer.start({ version: other });
  t.after(() => chosen.stop());
  assert.equal(chosen.version, other);
  assert.equal((await chosen.srvr()).version, other);
});

test('a release that cannot be had fails with one clear message and starts nothing', async (t) => {
  // A temp directory of this test's own (os.tmpdir() reads TMPDIR on each call): other
  // processes running tests meanwhile make and remove zk-elect-* directories in the shared one.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'zk-elect-tmpdir-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  t.after(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  });
  await assert.rejects(TestingServer.start({ version: '3.0.99' }), (err: unknown) => {
    assert.ok(err instanceof ZooKeeperNotFoundError, String(err));
    assert.match(err.message, /ZooKeeper 3\.0\.99 could not be resolved from Maven Central/);
    assert.match(err.message, /Tried: mvn .*dependency:copy-dependencies/);
    assert.match(err.message, /ZOOKEEPER_HOME/);
    return true;
  });
  await assert.rejects(TestingServer.start({ version: 'latest' }), /"latest" is not a release: use X\.Y\.Z/);
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('zk-elect-')), [], 'no temp dir left');
});

test('a server reporting another version than its installation claims fails to start', async () => {
  const install = await findZooKeeper(process.env, NEWEST_ZOOKEEPER['3.9']);
  await assert.rejects(TestingServer.start({ install: { ...install, version: '3.9.0' } }), /reports version \d+\.\d+\.\d+, but .* was expected to hold 3\.9\.0/);
});

test('concurrent first resolutions of a release share one cache entry safely', async (t) => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'zk-elect-cache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const env = { ...process.env, ZK_ELECT_CACHE: cache, ZOOKEEPER_HOME: '' };
  const [a, b] = await Promise.all([findZooKeeper(env, '3.5.10'), findZooKeeper(env, '3.5.10')]);
  assert.equal(a.version, '3.5.10');
  assert.equal(a.source, 'maven');
  assert.equal(a.classpath, b.classpath);
  assert.ok(a.classpath.split(path.delimiter).every((jar) => jar.startsWith(path.join(cache, 'zookeeper', '3.5.10', 'lib')) && existsSync(jar)));
  assert.deepEqual(readdirSync(path.join(cache, 'zookeeper')), ['3.5.10'], 'no temporary copy left behind');
});

test('ZOOKEEPER_HOME is used only for the release it holds', async (t) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'zk-elect-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(path.join(home, 'lib'));
  writeFileSync(path.join(home, 'lib', 'zookeeper-3.9.9.jar'), '');
  const env = { ZOOKEEPER_HOME: home, PATH: process.env.PATH, HOME: process.env.HOME };
  assert.equal((await findZooKeeper(env, '3.9.9')).source, 'zookeeper-home');
  const fromMaven = await findZooKeeper(env, NEWEST_ZOOKEEPER['3.9']);
  assert.equal(fromMaven.source, 'maven');
  assert.equal(fromMaven.version, NEWEST_ZOOKEEPER['3.9']);
});

test('a server that dies during startup fails start() with its log tail, and cleans up', async () => {
  const install = await findZooKeeper();
  const before = new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith('zk-elect-')));
  await assert.rejects(
    TestingServer.start({ install: { ...install, classpath: path.join(os.tmpdir(), 'missing.jar') } }),
    /exited with code 1[\s\S]*jvm\.out[\s\S]*QuorumPeerMain/,
  );
  const after = readdirSync(os.tmpdir()).filter((n) => n.startsWith('zk-elect-') && !before.has(n));
  assert.deepEqual(after, [], 'temp dir removed');
});

test('standalone server: serves, kill/restart keeps data dir and port, stop cleans up', async (t) => {
  const server = await TestingServer.start();
  t.after(() => server.stop());
  assert.match(server.connectString, /^127\.0\.0\.1:\d+$/);
  assert.equal(server.tickTime, 500);
  assert.equal((await server.srvr()).mode, 'standalone');
  assert.equal(await server.fourLetter('ruok'), 'imok');
  assert.equal(parseMntr(await server.fourLetter('mntr')).zk_server_state, 'standalone');
  // As an ensemble of one: server 1, and no other.
  assert.deepEqual(server.ids, [1]);
  assert.deepEqual(server.servers.map((s) => [s.id, s.port, s.running]), [[1, server.port, true]]);
  assert.equal(await server.fourLetter(1, 'ruok'), 'imok');
  await assert.rejects(server.kill(2), RangeError);

  await server.kill();
  assert.equal(server.running, false);
  await assert.rejects(server.srvr(), /ECONNREFUSED/);
  await server.restart();
  assert.equal((await server.srvr()).mode, 'standalone');

  const pid = server.pid as number;
  assert.ok(existsSync(server.tempDir));
  await server.stop();
  await server.stop(); // idempotent
  assert.equal(existsSync(server.tempDir), false, 'temp dir removed');
  assert.equal(alive(pid), false, 'JVM gone');
  await assert.rejects(server.restart(), /stopped/);
});

test('3-server cluster: one leader, fail-over after killing it, rejoin as follower', async (t) => {
  const cluster = await TestingCluster.start(3);
  t.after(() => cluster.stop());
  assert.equal(cluster.connectString.split(',').length, 3);
  assert.equal(new Set(cluster.servers.map((s) => s.port)).size, 3);

  assert.deepEqual(cluster.ids, [1, 2, 3]);
  assert.deepEqual(cluster.servers.map((s) => s.id), cluster.ids);
  await assert.rejects(cluster.kill(4), RangeError);
  // Its server-to-server links are direct: nothing to cut without `peerProxies: true`.
  assert.throws(() => cluster.isolate(1), /peerProxies/);
  await assert.rejects(cluster.healPeers(), /peerProxies/);

  const modes = await Promise.all(cluster.ids.map(async (id) => (await cluster.srvr(id)).mode));
  assert.equal(modes.filter((m) => m === 'leader').length, 1, `modes: ${modes}`);
  assert.equal(modes.filter((m) => m === 'follower').length, 2, `modes: ${modes}`);
  const leader = await cluster.leaderId();
  assert.equal(leader, cluster.ids[modes.indexOf('leader')]);

  await cluster.kill(leader as number);
  assert.equal(cluster.servers.find((s) => s.id === leader)?.running, false);
  const newLeader = await cluster.waitForQuorum(30_000);
  assert.notEqual(newLeader, leader);
  assert.equal(await cluster.leaderId(), newLeader);

  await cluster.restart(leader as number);
  assert.equal((await cluster.srvr(leader as number)).mode, 'follower');
  assert.equal(await cluster.fourLetter(leader as number, 'ruok'), 'imok');

  const pids = cluster.servers.map((s) => s.pid as number);
  await cluster.stop();
  await cluster.stop();
  assert.equal(existsSync(cluster.tempDir), false, 'temp dir removed');
  assert.deepEqual(pids.map(alive), [false, false, false], 'all JVMs gone');
});

test('TLS: the secure port completes a handshake with the returned CA and answers srvr', async (t) => {
  const server = await TestingServer.start({ tls: true });
  t.after(() => server.stop());
  const info = server.tls;
  assert.ok(info, 'tls info present');
  assert.notEqual(info.port, server.port);
  assert.match(info.ca, /^-----BEGIN CERTIFICATE-----/);

  const socket = tls.connect({ host: '127.0.0.1', port: info.port, ca: info.ca });
  t.after(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  assert.equal(socket.authorized, true);
  socket.destroy();

  const reply = await fourLetterWord('127.0.0.1', info.port, 'srvr', { tls: { ca: info.ca } });
  assert.equal(parseSrvr(reply).mode, 'standalone');
  // The plain port still works alongside the TLS one.
  assert.equal((await server.srvr()).mode, 'standalone');
  // Without the CA the self-signed certificate must be rejected.
  await assert.rejects(fourLetterWord('127.0.0.1', info.port, 'srvr', { tls: {} }), /self.signed|certificate/i);
});

/**
 * Starts a TestingServer in a child Node process that reports the JVM pid and temp dir and
 * then either returns without stopping it or waits to be killed.
 */
async function serverInChild(ending: 'return' | 'hang'): Promise<{ child: ReturnType<typeof spawn>; pid: number; dir: string }> {
  const entry = fileURLToPath(new URL('../src/testing/index.js', import.meta.url));
  const code = [
    `const { TestingServer } = await import(${JSON.stringify(entry)});`,
    'const s = await TestingServer.start();',
    'console.log(JSON.stringify({ pid: s.pid, dir: s.tempDir }));',
    ending === 'hang' ? 'setInterval(() => {}, 1000);' : '',
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return { child, ...(JSON.parse(out) as { pid: number; dir: string }) };
}

test('no JVM or temp dir outlives Node: normal exit without stop(), and SIGKILL of Node', async (t) => {
  const normal = await serverInChild('return');
  t.after(() => (alive(normal.pid) ? process.kill(normal.pid, 'SIGKILL') : undefined));
  await until(() => normal.child.exitCode !== null, 10_000, 'child exit');
  assert.equal(normal.child.exitCode, 0, 'a forgotten server does not keep Node alive');
  await until(() => !alive(normal.pid), 10_000, 'JVM gone after exit');
  assert.equal(existsSync(normal.dir), false);

  const killed = await serverInChild('hang');
  t.after(() => (alive(killed.pid) ? process.kill(killed.pid, 'SIGKILL') : undefined));
  assert.ok(alive(killed.pid));
  killed.child.kill('SIGKILL'); // no exit hook runs: the watchdog must do it
  await until(() => !alive(killed.pid), 10_000, 'JVM gone after SIGKILL of Node');
  await until(() => !existsSync(killed.dir), 10_000, 'temp dir removed by the watchdog');
});
