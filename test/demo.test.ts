// `zk-elect demo` as a real process: Ctrl-C / SIGTERM must leave no node process, no ZooKeeper
// JVM and no /tmp/zk-elect-* directory behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Snapshot } from '../src/dashboard/types.js';
import { SupervisedChild } from '../src/testing/index.js';
import { AuthFailedError, ZooKeeper } from '../src/index.js';
import { until } from './support/wait.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
const TEMP_DIR = /\/tmp\/zk-elect-[A-Za-z0-9]+/;

interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

/** Every process on the machine, from /proc. */
function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(name), ppid: Number(ppid), state: state!, cmdline });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** `root` and all its descendants. */
function tree(root: number): ProcInfo[] {
  const all = processes();
  const found = all.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i]!.pid));
  return found;
}

/** Starts the demo and resolves with its dashboard URL once it prints its banner. */
async function startDemoProcess(args: string[], detached: boolean): Promise<{ child: SupervisedChild; url: string; output: string[] }> {
  const child = new SupervisedChild(process.execPath, [MAIN, 'demo', '--port', '0', '--session-timeout', '2000', ...args], { detached });
  const output: string[] = [];
  child.onStderr((l) => output.push(l));
  child.onLine((l) => output.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no banner within 60 s:\n${output.join('\n')}`))), 60_000);
    const off = child.onLine((line) => {
      const m = /Dashboard:\s+(http:\/\/\S+)/.exec(line);
      if (m) (clearTimeout(timer), off(), resolve(m[1]!));
    });
    void child.exited.then(({ code }) => (clearTimeout(timer), off(), reject(new Error(`demo exited with ${code}:\n${output.join('\n')}`))));
  });
  return { child, url, output };
}

const alive = (pid: number) => processes().some((p) => p.pid === pid && p.state !== 'Z');

/** Runs the demo, stops it with `stop`, and checks that everything it started is gone. */
async function checkCleanStop(args: string[], detached: boolean, stop: (child: SupervisedChild) => void, nodes: number, servers: number): Promise<void> {
  const { child, url, output } = await startDemoProcess(args, detached);
  try {
    const snap = (await (await fetch(new URL('api/snapshot', url))).json()) as Snapshot;
    const nodePids = snap.nodes.map((n) => n.pid!);
    assert.equal(nodePids.length, nodes);
    const started = tree(child.pid).filter((p) => p.pid !== child.pid);
    const dirs = new Set(started.flatMap((p) => TEMP_DIR.exec(p.cmdline)?.[0] ?? []));
    assert.equal(dirs.size, 1, `one temp dir, got ${[...dirs].join(', ')}`);
    const [dir] = dirs;
    assert.ok(existsSync(dir!));
    const jvms = started.filter((p) => p.cmdline.includes('QuorumPeerMain'));
    assert.equal(jvms.length, servers);
    for (const pid of nodePids) assert.ok(started.some((p) => p.pid === pid), `node ${pid} is the demo's child`);

    stop(child);
    const { code } = await child.exited;
    assert.equal(code, 0, output.join('\n'));
    assert.match(output.join('\n'), /stopped; nothing left behind/);
    await until(() => started.every((p) => !alive(p.pid)), 5000, 'every process the demo started to be gone');
    assert.deepEqual(processes().filter((p) => p.cmdline.includes(dir!)), [], 'no process uses the temp dir');
    await until(() => !existsSync(dir!), 3000, `${dir} to be deleted`);
  } finally {
    if (!child.exit) child.kill('SIGKILL');
  }
}

test('SIGTERM to `zk-elect demo` stops its nodes, its ZooKeeper and deletes the temp dir', { timeout: 60_000 }, async () => {
  await checkCleanStop(['--servers', '1', '--nodes', '2'], false, (child) => child.kill('SIGTERM'), 2, 1);
});

test('Ctrl-C (SIGINT to the whole process group) of a 3-server demo leaves nothing behind', { timeout: 60_000 }, async () => {
  // detached: the demo leads its own process group, like a shell job; -pid signals all of it.
  await checkCleanStop(['--servers', '3', '--nodes', '3'], true, (child) => process.kill(-child.pid, 'SIGINT'), 3, 3);
});

test('`zk-elect demo --secure`: SASL-required TLS servers, the nodes join over both; an anonymous client is refused', { timeout: 90_000 }, async () => {
  const { child, url, output } = await startDemoProcess(['--secure', '--servers', '1', '--nodes', '2'], false);
  try {
    const snap = (await (await fetch(new URL('api/snapshot', url))).json()) as Snapshot;
    assert.equal(snap.candidates.length, 2, 'both nodes joined the election');
    assert.ok(snap.candidates.some((c) => c.isLeader));
    assert.match(output.join('\n'), /SASL required, TLS/);
    const nodeArgs = tree(child.pid).filter((p) => p.cmdline.includes(' node ')).map((p) => p.cmdline);
    assert.ok(nodeArgs.length >= 2 && nodeArgs.every((c) => c.includes('--tls-ca') && c.includes('--sasl-user demo') && !c.includes('--sasl-password ')), nodeArgs.join('\n'));
    const anonymous = await ZooKeeper.connect(snap.servers[0]!.address);
    try {
      await assert.rejects(anonymous.exists('/'), AuthFailedError);
    } finally {
      await anonymous.close();
    }
  } finally {
    child.kill('SIGTERM');
    await child.exited;
  }
});
