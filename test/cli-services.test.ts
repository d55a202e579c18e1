// `zk-elect register` and `zk-elect services` as a person or a script uses them: real
// processes against a real ZooKeeper, waiting on their lines, never on sleeps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestingServer } from '../src/testing/index.js';
import { SupervisedChild } from '../src/process/supervised.js';
import { MAIN, runCli, spawned as children, withZooKeeper } from './support/cli.js';
import { alive } from './support/process.js';
import { until } from './support/wait.js';

let server: TestingServer;
let n = 0;

withZooKeeper((s) => (server = s));

/** One `--json` line of register. */
type RegisterEvent = { event: string; pid?: number; id?: string; path?: string; service?: string; uri?: string; code?: number | null; signal?: string | null; forwarded?: boolean };
/** One instance of a `services --json` line. */
type InstanceJson = { name: string; id: string; address: string; port: number; sslPort: number | null; payload: unknown; uri?: string; owner: string | null; serviceType: string };
type ServicesEvent = { event: string; basePath: string; services: { name: string; instances: InstanceJson[] }[] };

/** `zk-elect services --json` once: its instances of `service` under `basePath`. */
async function instancesOf(basePath: string, service: string): Promise<InstanceJson[]> {
  const r = await runCli(['services', '-z', server.connectString, '--base-path', basePath, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim()) as ServicesEvent;
  assert.equal(line.event, 'services');
  return line.services.find((s) => s.name === service)?.instances ?? [];
}

/** A `zk-elect register` process, its stdout and stderr lines kept and its JSON events parsed from `eventsOn`. */
class Register {
  readonly child: SupervisedChild<RegisterEvent>;
  readonly stderrEvents: RegisterEvent[] = [];
  readonly stderrLines: string[] = [];
  readonly #waiters = new Set<() => void>();

  /** @param eventsOn where register prints its JSON lines: stdout, or stderr when it runs a command. */
  constructor(
    args: string[],
    readonly eventsOn: 'stdout' | 'stderr' = 'stdout',
  ) {
    this.child = new SupervisedChild<RegisterEvent>(process.execPath, [MAIN, 'register', '-z', server.connectString, '--json', ...args], { stdin: true });
    children.add(this.child);
    void this.child.exited.then(() => children.delete(this.child));
    this.child.onStderr((line) => {
      this.stderrLines.push(line);
      if (line.startsWith('{')) this.stderrEvents.push(JSON.parse(line) as RegisterEvent);
      for (const w of [...this.#waiters]) w();
    });
  }

  /** The first event named `event`, waiting up to 15 s. */
  next(event: string): Promise<RegisterEvent> {
    if (this.eventsOn === 'stdout') return this.child.next((e) => e.event === event, { timeoutMs: 15_000, what: `"${event}"` });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (done(), reject(new Error(`no "${event}" on stderr in 15 s: ${this.stderrLines.join('\n')}`))), 15_000);
      const check = () => {
        const hit = this.stderrEvents.find((e) => e.event === event);
        if (hit) (done(), resolve(hit));
      };
      const done = () => (clearTimeout(timer), this.#waiters.delete(check));
      this.#waiters.add(check);
      check();
    });
  }
}

/** `register -- node -e EXIT_ON_STDIN` on `port`, once its command has said it is ready. */
async function sidecar(basePath: string, port: number): Promise<{ reg: Register; started: RegisterEvent }> {
  const reg = new Register(['--base-path', basePath, '--service', 'worker', '--address', '127.0.0.1', '--port', String(port), '--', process.execPath, '-e', EXIT_ON_STDIN], 'stderr');
  const started = await reg.next('child-started');
  await stdoutLine(reg.child, 'ready from the command');
  return { reg, started };
}

/** Resolves once `child` has printed `line` on stdout (already, or from now on). */
function stdoutLine(child: SupervisedChild<RegisterEvent>, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no stdout line ${JSON.stringify(line)} in 15 s`))), 15_000);
    const off = child.onLine((l) => l === line && (clearTimeout(timer), off(), resolve()));
    if (child.lines.includes(line)) (clearTimeout(timer), off(), resolve());
  });
}

/** A `node -e` program: prints `ready`, then exits with the number it reads on stdin. */
const EXIT_ON_STDIN = `console.log('ready from the command'); process.stdin.once('data', (d) => process.exit(Number(String(d).trim())));`;

describe('zk-elect register and services', () => {
  test('register, then services --json shows the instance; SIGTERM unregisters and exits 0', async () => {
    const basePath = `/cli-services-${++n}`;
    const reg = new Register(['--base-path', basePath, '--service', 'api', '--address', '10.0.0.5', '--port', '8080', '--ssl-port', '8443', '--id', 'api-1', '--payload', '{"zone":"a"}']);
    const registered = await reg.next('registered');
    assert.equal(registered.id, 'api-1');
    assert.equal(registered.path, `${basePath}/api/api-1`);
    const [instance] = await instancesOf(basePath, 'api');
    assert.ok(instance, 'the instance is listed');
    assert.deepEqual(
      { id: instance.id, address: instance.address, port: instance.port, sslPort: instance.sslPort, payload: instance.payload, uri: instance.uri, serviceType: instance.serviceType },
      { id: 'api-1', address: '10.0.0.5', port: 8080, sslPort: 8443, payload: { zone: 'a' }, uri: 'https://10.0.0.5:8080', serviceType: 'DYNAMIC' },
    );
    assert.match(instance.owner ?? '', /^0x[0-9a-f]{16}$/, 'an ephemeral owner session');
    const text = await runCli(['services', '-z', server.connectString, '--base-path', basePath]);
    assert.match(text.stdout, new RegExp(`^Services ${basePath}: 1 service$`, 'm'));
    assert.match(text.stdout, /^ {4}10\.0\.0\.5:8080 {2}id api-1 .*session 0x[0-9a-f]{16} {2}payload \{"zone":"a"\}$/m);

    reg.child.kill('SIGTERM');
    await reg.next('unregistered');
    assert.equal((await reg.child.exited).code, 0, reg.child.stderr.join('\n'));
    assert.deepEqual(await instancesOf(basePath, 'api'), []);
  });

  test('-- COMMAND: registered while the command runs, unregistered when it exits, its exit code passed on', async () => {
    const basePath = `/cli-services-${++n}`;
    // The command's own stdout reaches stdout untouched; register's JSON lines are on stderr.
    const { reg } = await sidecar(basePath, 9000);
    const registered = await reg.next('registered');
    assert.equal((await instancesOf(basePath, 'worker'))[0]?.id, registered.id);
    reg.child.stdin!.write('7\n');
    assert.deepEqual(await reg.child.exited, { code: 7, signal: null });
    const exited = await reg.next('child-exited');
    assert.deepEqual([exited.code, exited.signal], [7, null]);
    await reg.next('unregistered');
    assert.deepEqual(reg.child.lines, ['ready from the command'], 'nothing but the command on stdout');
    assert.deepEqual(await instancesOf(basePath, 'worker'), []);
  });

  test('-- COMMAND: SIGTERM is passed on to the command, which is killed by it: exit 128 + 15', async () => {
    const basePath = `/cli-services-${++n}`;
    const { reg } = await sidecar(basePath, 9001);
    reg.child.kill('SIGTERM');
    assert.equal((await reg.child.exited).code, 128 + 15);
    const exited = await reg.next('child-exited');
    assert.equal(exited.signal, 'SIGTERM');
    assert.equal((await reg.next('signal')).forwarded, true);
    await reg.next('unregistered');
    assert.deepEqual(await instancesOf(basePath, 'worker'), []);
  });

  test('-- COMMAND never outlives register: a SIGKILLed register takes its command with it', async () => {
    const basePath = `/cli-services-${++n}`;
    const { reg, started } = await sidecar(basePath, 9002);
    assert.ok(alive(started.pid!));
    reg.child.kill('SIGKILL');
    await reg.child.exited;
    // Nothing announces the death of a process that is not our child: poll for it.
    await until(() => !alive(started.pid!), 10_000, 'the command to be killed by the watchdog');
  });

  test('status shows the named services beside the registry, in text and --json', async () => {
    const basePath = `/cli-services-${++n}`;
    const reg = new Register(['--base-path', basePath, '--service', 'billing', '--address', '10.1.2.3', '--port', '7000', '--id', 'b-1']);
    await reg.next('registered');
    try {
      const text = await runCli(['status', '-z', server.connectString, '--base-path', basePath, '--election-path', '/cli-svc-none', '--registry-path', '/cli-svc-none-reg']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /no candidates/);
      assert.match(text.stdout, /no registered workers/);
      assert.match(text.stdout, new RegExp(`^Services ${basePath}: 1 service\\n {2}billing: 1 instance\\n {4}10\\.1\\.2\\.3:7000 {2}id b-1 `, 'm'));
      const json = await runCli(['status', '-z', server.connectString, '--base-path', basePath, '--json']);
      const line = JSON.parse(json.stdout.trim()) as ServicesEvent & { candidates: unknown[] };
      assert.ok(Array.isArray(line.candidates), 'the chain fields stay');
      assert.equal(line.basePath, basePath);
      assert.deepEqual(line.services.map((s) => [s.name, s.instances.map((i) => `${i.address}:${i.port} ${i.id}`)]), [['billing', ['10.1.2.3:7000 b-1']]]);
    } finally {
      reg.child.kill('SIGTERM');
      await reg.child.exited;
    }
  });

  test('services --watch prints a new view when an instance comes and goes', async () => {
    const basePath = `/cli-services-${++n}`;
    const watch = new SupervisedChild<ServicesEvent>(process.execPath, [MAIN, 'services', '-z', server.connectString, '--base-path', basePath, '--watch', '--json']);
    children.add(watch);
    try {
      await watch.next((e) => e.event === 'services' && e.services.length === 0, { timeoutMs: 10_000, what: 'the empty view' });
      const reg = new Register(['--base-path', basePath, '--service', 'web', '--address', '127.0.0.1', '--port', '8081', '--id', 'w-1']);
      await reg.next('registered');
      const seen = await watch.next((e) => e.services.some((s) => s.instances.some((i) => i.id === 'w-1')), { timeoutMs: 10_000, what: 'the new instance' });
      reg.child.kill('SIGTERM');
      await reg.child.exited;
      const from = watch.events.indexOf(seen) + 1;
      await watch.next((e) => e.services.every((s) => s.instances.length === 0), { from, timeoutMs: 10_000, what: 'the instance gone' });
    } finally {
      watch.kill('SIGINT');
      assert.equal((await watch.exited).code, 0);
    }
  });
});

describe('register: bad flags exit 2 with the flag named, before connecting', () => {
  const cases: [string, string[], RegExp][] = [
    ['a port out of range', ['--service', 'a', '--address', 'h', '--port', '70000'], /--port must be an integer from 1 to 65535/],
    ['port 0', ['--service', 'a', '--address', 'h', '--port', '0'], /--port/],
    ['an ssl port out of range', ['--service', 'a', '--address', 'h', '--port', '1', '--ssl-port', '-1'], /--ssl-port/],
    ['a service name with /', ['--service', 'a/b', '--address', 'h', '--port', '80'], /--service "a\/b" is not a valid service name/],
    ['invalid payload JSON', ['--service', 'a', '--address', 'h', '--port', '80', '--payload', '{zone:'], /--payload is not valid JSON/],
    ['no --service', ['--address', 'h', '--port', '80'], /--service is required/],
    ['no --address', ['--service', 'a', '--port', '80'], /--address is required/],
    ['nothing after --', ['--service', 'a', '--address', 'h', '--port', '80', '--'], /nothing after "--"/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      // An unreachable ensemble: a flag error must come first, without a connection attempt.
      const r = await runCli(['register', '-z', '127.0.0.1:1', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: zk-elect register/);
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    });
  }

  test('ZooKeeper unreachable: exit 3, like the other commands', async () => {
    const r = await runCli(['register', '-z', '127.0.0.1:1', '--connect-timeout', '1000', '--service', 'a', '--address', 'h', '--port', '80']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
  });

  test('--help of both commands, and zk-elect --help lists them', async () => {
    const top = await runCli(['--help']);
    for (const c of ['services', 'register']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
    assert.match((await runCli(['register', '--help'])).stdout, /-- COMMAND ARGS/);
    assert.match((await runCli(['services', '--help'])).stdout, /--watch/);
  });
});
