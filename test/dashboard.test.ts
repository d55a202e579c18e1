// The dashboard end to end in real headless Chromium: the demo's page with a failover caused
// from its buttons, the read-only dashboard of the same ensemble, and the action API's answers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboard, startDemo, type RunningDashboard } from '../src/dashboard/app.js';
import { FailoverClock } from '../src/dashboard/timeline.js';
import { ServiceDiscovery, SessionKeeper } from '../src/index.js';
import type { Snapshot } from '../src/dashboard/types.js';
import { poll } from './support/wait.js';
import { SupervisedChild } from '../src/process/supervised.js';
import { MAIN } from './support/cli.js';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const SESSION_MS = 1500;
const SCREENSHOT = 'test-results/dashboard.png';

let demo: RunningDashboard;
let browser: Browser;
const pageErrors: Error[] = [];

before(async () => {
  if (!existsSync(CHROMIUM.executablePath)) throw new Error(`no Chromium at ${CHROMIUM.executablePath}: apt-get install -y chromium`);
  [demo, browser] = await Promise.all([startDemo({ servers: 1, nodes: 3, port: 0, sessionTimeoutMs: SESSION_MS }), chromium.launch(CHROMIUM)]);
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(url);
  return page;
}

/** The leader card's node id, once it is a live leader (not a crashed one). */
const liveLeader = (page: Page) => page.locator('.cand.leader:not(.dead)').getAttribute('data-node', { timeout: 100 }).catch(() => undefined);

/** Parses `1.52 s` / `17 ms` back into ms. */
function parseDuration(text: string): number {
  const m = /^([\d.]+) (ms|s)$/.exec(text.trim());
  assert.ok(m, `not a duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

async function post(base: string, action: string, body: string | object, type = 'application/json', method = 'POST'): Promise<{ status: number; json: { ok?: boolean; error?: string; message?: string } }> {
  const res = await fetch(new URL(`api/${action}`, base), { method, headers: { 'content-type': type }, ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as { ok?: boolean; error?: string; message?: string } };
}

const snapshot = async (base: string) => (await (await fetch(new URL('api/snapshot', base))).json()) as Snapshot;

describe('zk-elect demo page', () => {
  test('shows the chain, and its buttons cause failovers that the timeline measures', async () => {
    const page = await openPage(demo.url);
    assert.equal(await poll(() => liveLeader(page), 15_000, 'the first leader'), 'node-1');
    assert.equal(await page.locator('.cand[data-znode]').count(), 3);
    assert.match(await page.locator('.server .pill').innerText(), /standalone/i);
    // The two followers register (the leader does not); registration follows the election by a moment.
    await poll(() => page.locator('#registry .reg').count().then((n) => (n === 2 ? n : undefined)), 5000, 'two registry entries');
    assert.match(await page.locator('#chain .link').first().innerText(), /node-2 watches c_\d{10}/);

    // SIGKILL: the old leader shows as crashed until ZooKeeper expires its session.
    await page.getByRole('button', { name: 'Kill leader' }).click();
    await page.locator('.cand.leader.dead[data-node="node-1"]').waitFor({ timeout: 2000 });
    assert.match(await page.locator('#toast').innerText(), /You killed node-1/);
    assert.equal(await poll(async () => ((await liveLeader(page)) === 'node-2' ? true : undefined), 15_000, 'a new leader'), true);
    const crash = page.locator('.entry.failover', { hasText: 'node-1 was killed (SIGKILL)' });
    const crashMs = parseDuration(await crash.locator('.dur').innerText({ timeout: 5000 }));
    // ZooKeeper expires the session a timeout after the node's last heartbeat, which came up to a
    // third of the timeout before the kill: so at least about two thirds of it (half, with margin).
    assert.ok(crashMs >= SESSION_MS / 2 && crashMs < SESSION_MS + 5000, `a crash failover waits for the session timeout: ${crashMs} ms`);

    // SIGTERM: the leader closes its session, so the successor takes over without that wait.
    await page.getByRole('button', { name: 'Stop leader' }).click();
    assert.equal(await poll(async () => ((await liveLeader(page)) === 'node-3' ? true : undefined), 15_000, 'the third leader'), true);
    const graceful = page.locator('.entry.failover', { hasText: 'node-2 was stopped (SIGTERM)' });
    const gracefulMs = parseDuration(await graceful.locator('.dur').innerText({ timeout: 5000 }));
    assert.ok(gracefulMs < SESSION_MS - 500, `a graceful failover does not wait for the session timeout: ${gracefulMs} ms`);

    for (const id of ['node-4', 'node-5']) {
      await page.getByRole('button', { name: 'Add node' }).click();
      await page.locator(`.cand[data-znode][data-node="${id}"]`).waitFor({ timeout: 10_000 });
    }
    assert.equal(await page.locator('.cand[data-znode]').count(), 3);
    assert.match(await page.locator('#stats').innerText(), /Crash \(SIGKILL\)\s*[\d.]+ (ms|s)/);
    assert.match(await page.locator('#stats').innerText(), /Graceful \(SIGTERM\)\s*[\d.]+ (ms|s)/);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('the action API refuses bad input with 4xx and a clear message, and changes nothing', async () => {
    const base = demo.url;
    const before = (await snapshot(base)).nodes.filter((n) => n.state !== 'exited').length;
    const cases: [string, string | object, string, number, RegExp][] = [
      ['explode', {}, 'application/json', 404, /unknown action "explode"/],
      ['kill-node', '{"node":"node-3"}', 'text/plain', 415, /Content-Type: application\/json/],
      ['kill-node', '{"node":', 'application/json', 400, /not valid JSON/],
      ['kill-node', '[]', 'application/json', 400, /JSON object/],
      ['kill-node', {}, 'application/json', 400, /"node"/],
      ['kill-node', { node: 'node-99' }, 'application/json', 404, /no node called "node-99"/],
      ['kill-leader', { signal: 'SIGSTOP' }, 'application/json', 400, /SIGKILL.*SIGTERM/],
      ['kill-server', { server: 2 }, 'application/json', 400, /from 1 to 1/],
      ['kill-server', { server: '1' }, 'application/json', 400, /server number/],
      ['kill-node', { node: 'node-1' }, 'application/json', 409, /node-1 has already exited/],
    ];
    for (const [action, body, type, status, message] of cases) {
      const res = await post(base, action, body, type);
      assert.equal(res.status, status, `${action} ${JSON.stringify(body)}: ${res.json.error}`);
      assert.match(res.json.error ?? '', message);
    }
    assert.equal((await post(base, 'kill-leader', {}, 'application/json', 'GET')).status, 405);
    assert.equal((await snapshot(base)).nodes.filter((n) => n.state !== 'exited').length, before);
  });
});

describe('zk-elect dashboard (read-only)', () => {
  test('shows the same election without fault buttons, refuses actions, and measures failovers from znodes', async () => {
    const dash = await startDashboard({ zookeeper: demo.model.options.connectString, port: 0 });
    try {
      const page = await openPage(dash.url);
      const leaderZnode = (await snapshot(demo.url)).candidates[0]!.znode;
      await page.locator(`.cand.leader[data-znode="${leaderZnode}"]`).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#mode').innerText(), 'READ-ONLY');
      assert.equal(await page.locator('button[data-action]').count(), 0, 'no fault buttons');
      const refused = await post(dash.url, 'kill-leader', {});
      assert.equal(refused.status, 403);
      assert.match(refused.json.error ?? '', /read-only/);

      assert.equal((await post(demo.url, 'stop-leader', {})).status, 200);
      await page.locator(`.cand.leader:not([data-znode="${leaderZnode}"])`).waitFor({ timeout: 10_000 });
      const entry = page.locator('.entry.failover', { hasText: `${leaderZnode}'s znode was deleted` });
      const dur = entry.locator('.dur');
      assert.ok(parseDuration(await dur.innerText({ timeout: 5000 })) < 1000);
      assert.match((await dur.getAttribute('title')) ?? '', /znode deleted → new smallest znode seen/);
      assert.match(await page.locator('#measure').innerText(), /znode being deleted/);
      assert.deepEqual(pageErrors, []);
      await page.close();
    } finally {
      await dash.close();
    }
  });
});

describe('zk-elect run candidates', () => {
  test("show their command's state: running on the leader with its pid, waiting on the others", async () => {
    const zookeeper = demo.model.options.connectString;
    const dash = await startDashboard({ zookeeper, port: 0, electionPath: '/jobs/dashboard' });
    // A command that just waits to be stopped (a shell-free `sleep`, in Node).
    const run = () => new SupervisedChild(process.execPath, [MAIN, 'run', '-z', zookeeper, '--election-path', '/jobs/dashboard', '--json', '--', process.execPath, '-e', 'setInterval(() => {}, 1000)']);
    const runs: SupervisedChild[] = [];
    try {
      const page = await openPage(dash.url);
      runs.push(run());
      const leader = page.locator('.cand.leader .run[data-child="running"]');
      await leader.waitFor({ timeout: 15_000 });
      runs.push(run());
      const waiting = page.locator('.cand.follower .run[data-child="waiting"]');
      await waiting.waitFor({ timeout: 15_000 });
      assert.match(await leader.innerText(), /command running[\s\S]*setInterval[\s\S]*pid \d+/i);
      const pid = Number(/pid (\d+)/.exec(await leader.innerText())![1]);
      const [candidate] = (await snapshot(dash.url)).candidates;
      assert.equal(candidate?.run?.pid, pid);
      assert.match(candidate?.address ?? '', /:\d+$/, 'the address is the run candidate\'s, not its JSON');
      // The leader's run leaves: the other one's command starts, and the page says so.
      runs[0]!.kill('SIGTERM');
      await runs[0]!.exited;
      await page.locator(`.cand.leader .run[data-child="running"]:not(:has-text("pid ${pid} "))`).waitFor({ timeout: 15_000 });
      assert.deepEqual(pageErrors, []);
      await page.close();
    } finally {
      for (const r of runs) r.kill('SIGTERM');
      await Promise.all(runs.map((r) => r.exited));
      await dash.close();
    }
  });
});

describe('the named services panel', () => {
  test('an instance registered in the x-discovery layout appears beside the registry, and goes when unregistered', async () => {
    const page = await openPage(demo.url);
    const session = await SessionKeeper.open(demo.model.options.connectString);
    const discovery = new ServiceDiscovery(session);
    try {
      const instance = await discovery.registerService({ name: 'payments', id: 'pay-1', address: '127.0.0.1', port: 9100, uriSpec: '{scheme}://{address}:{port}' });
      const row = page.locator('#services .svc[data-service="payments"] .reg[data-instance="pay-1"]');
      await row.waitFor({ timeout: 10_000 });
      assert.match(await row.innerText(), /127\.0\.0\.1:9100[\s\S]*http:\/\/127\.0\.0\.1:9100/);
      assert.equal(await page.locator('#base-path').innerText(), '/services');
      await discovery.unregisterService(instance);
      await row.waitFor({ state: 'detached', timeout: 10_000 });
      assert.deepEqual(pageErrors, []);
    } finally {
      await discovery.close();
      await session.close();
      await page.close();
    }
  });
});

describe('FailoverClock', () => {
  test('from ZooKeeper alone: old leader znode deleted → new smallest seen, across an empty election', () => {
    const clock = new FailoverClock();
    assert.deepEqual(clock.onCandidates(['c_1', 'c_2'], 100, 101), { to: 'c_1' });
    assert.equal(clock.onCandidates(['c_1', 'c_2', 'c_3'], 150, 152), undefined, 'a join is no leader change');
    assert.deepEqual(clock.onCandidates(['c_2', 'c_3'], 200, 203), { from: 'c_1', to: 'c_2', durationMs: 3 });
    assert.deepEqual(clock.onCandidates([], 300, 301), { from: 'c_2' });
    assert.deepEqual(clock.onCandidates(['c_9'], 900, 905), { to: 'c_9', durationMs: 605 }, 'measured from the last leader going');
  });

  test('in the demo: from the armed action to the new leader\'s elected time, only for a new leader', () => {
    const clock = new FailoverClock();
    assert.deepEqual(clock.onElected('node-1', 1000), { kind: 'first' });
    clock.arm(2000, 'node-1 was killed (SIGKILL)', 'crash');
    assert.deepEqual(clock.onElected('node-1', 2100), { kind: 'again' }, 'the same leader resuming is no failover');
    assert.deepEqual(clock.onElected('node-2', 4100), { kind: 'failover', previous: 'node-1', durationMs: 2100, cause: 'node-1 was killed (SIGKILL)', causeKind: 'crash' });
    assert.deepEqual(clock.onElected('node-3', 5000), { kind: 'election', previous: 'node-2' }, 'the action is used once');
  });
});
