// Running the built zk-elect CLI as a process, for the tests that use it as a person or a script does.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { TestingServer } from '../../src/testing/index.js';

/** The built CLI's entry point (dist/src/cli/main.js). */
export const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

/** Processes still running, for a test file's `after` to SIGKILL (each removes itself on exit when it can). */
export const spawned = new Set<{ kill(signal: NodeJS.Signals): unknown }>();

/** Runs a short-lived CLI command to completion (ZK_CONNECT cleared); rejects if it runs past `timeoutMs`. */
export function runCli(args: string[], timeoutMs = 15000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZK_CONNECT: '' } });
    spawned.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => (proc.kill('SIGKILL'), reject(new Error(`zk-elect ${args.join(' ')} did not exit; stderr: ${stderr}`))), timeoutMs);
    proc.once('exit', (code) => (clearTimeout(timer), spawned.delete(proc), resolve({ code, stdout, stderr })));
  });
}

/**
 * Starts one ZooKeeper (tickTime 250 ms) before a test file's tests and hands it to `ready`;
 * after them, SIGKILLs what is left in {@link spawned} and stops the server. (Not
 * serverFixture: these tests need no client of their own, and `ready` must run once the server
 * is up, which a second root-level `before` does not guarantee.)
 */
export function withZooKeeper(ready: (server: TestingServer) => void): void {
  let server: TestingServer | undefined;
  before(async () => {
    server = await TestingServer.start({ tickTime: 250 });
    ready(server);
  });
  after(async () => {
    for (const c of spawned) c.kill('SIGKILL');
    await server?.stop();
  });
}
