// The CLI against a locked-down server (SASL required, TLS), as a person runs it: the secure
// flags, passwords from files, and clear refusals with their own exit code.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { TestingServer } from '../src/testing/index.js';
import { runCli, spawned } from './support/cli.js';

let server: TestingServer;
let dir: string;
let ca: string;
let good: string;
let bad: string;
before(async () => {
  server = await TestingServer.start({ tickTime: 250, tls: true, sasl: { users: { bob: 'secret' }, required: true } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'zk-elect-cli-secure-'));
  [ca, good, bad] = ['ca.pem', 'good', 'bad'].map((f) => path.join(dir, f)) as [string, string, string];
  await writeFile(ca, server.tls!.ca);
  await writeFile(good, 'secret\n'); // a trailing newline, as editors write it
  await writeFile(bad, 'nope');
});
after(async () => {
  for (const p of spawned) p.kill('SIGKILL');
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const status = (...flags: string[]) => runCli(['status', '--zookeeper', server.tls!.connectString, ...flags]);

test('status over TLS with SASL credentials from a file works', async () => {
  const r = await status('--tls-ca', ca, '--sasl-user', 'bob', '--sasl-password-file', good);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no candidates/);
});

test('a wrong password: exit 5, the refusal named, a hint, no stack', async () => {
  const r = await status('--tls-ca', ca, '--sasl-user', 'bob', '--sasl-password-file', bad);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /refused DIGEST-MD5 authentication as "bob"/);
  assert.match(r.stderr, /--sasl-password-file/);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
});

test('an untrusted certificate: exit 5 at once, saying so', async () => {
  const r = await runCli(['status', '--zookeeper', server.tls!.connectString, '--tls-ca', good, '--sasl-user', 'bob', '--sasl-password-file', good]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /tls-ca|certificate|PEM/i);
});

test('flag mistakes exit 2 and name the flag: a user without a password, a missing file, a key without a cert', async () => {
  for (const [flags, message] of [
    [['--sasl-user', 'bob'], /--sasl-user needs a password: --sasl-password-file <file>, or the environment variable ZK_SASL_PASSWORD/],
    [['--sasl-user', 'bob', '--sasl-password-file', path.join(dir, 'missing')], /--sasl-password-file .*missing: no such file/],
    [['--tls-key', good], /--tls-cert and --tls-key go together/],
  ] as const) {
    const r = await status(...flags);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});
