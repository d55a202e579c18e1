// The chaos checker on fabricated histories (each containing one violation, and its clean
// twin), the seeded schedule, and one short real chaos run that must find nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Prng,
  checkCleanliness,
  checkFencing,
  checkHistory,
  checkLeadership,
  checkLiveness,
  formatReport,
  historySlice,
  makeSchedule,
  mergeHistory,
  parseEntry,
  formatEntry,
  runChaos,
  type FinalRecord,
  type FinalState,
  type HistoryEntry,
  type RunnerEntry,
} from '../src/testing/index.js';
import { alive } from './support/process.js';

const ms = (t: number) => BigInt(Math.round(t * 1e6));
/** A candidate's election event at `t` ms. */
const ev = (t: number, who: string, pid: number, name: 'elected' | 'resumed' | 'suspended' | 'lost' | 'following' | 'closed', epoch?: number): HistoryEntry => ({
  t: ms(t),
  who,
  pid,
  ev: name,
  ...(epoch !== undefined ? { epoch: String(epoch) } : {}),
});
/** A write of `who` at `t` ms. */
const write = (t: number, who: string, pid: number, phase: 'attempt' | 'ok' | 'fail', n: number, epoch: number, path?: string): HistoryEntry => ({
  t: ms(t),
  who,
  pid,
  ev: 'write',
  phase,
  n,
  epoch: String(epoch),
  ...(path ? { path } : {}),
});
/** A runner entry at `t` ms. */
const run = (t: number, e: Omit<RunnerEntry, 't' | 'who'>): HistoryEntry => ({ t: ms(t), who: 'runner', ...e });
const record = (seq: number, who: string, pid: number, n: number, epoch: number): FinalRecord => ({ path: `/chaos/log/r-${String(seq).padStart(10, '0')}`, seq, who, pid, n, epoch: String(epoch) });
const clean: FinalState = { records: [], candidateNodes: [], leftoverPids: [], leftoverDirs: [] };
const props = (h: HistoryEntry[]) => checkLeadership(h).violations.map((v) => v.message);

test('leadership: a handover through lost, or through the old leader\'s exit, is clean', () => {
  assert.deepEqual(props([ev(0, 'a', 1, 'elected', 10), ev(100, 'a', 1, 'lost'), ev(150, 'b', 2, 'elected', 20)]), []);
  assert.deepEqual(props([ev(0, 'a', 1, 'elected', 10), run(100, { ev: 'exit', pid: 1, target: 'a' }), ev(1600, 'b', 2, 'elected', 20)]), []);
});

test('leadership: two candidates leading at once is a violation', () => {
  const h = [ev(0, 'a', 1, 'elected', 10), ev(150, 'b', 2, 'elected', 20), ev(200, 'a', 1, 'lost')];
  const v = checkLeadership(h).violations;
  assert.equal(v.length, 1);
  assert.match(v[0]!.message, /b:2 leads while a:1 also lead/);
  assert.equal(v[0]!.t, ms(150));
});

/** Leader a frozen for 2.9 s while b is elected; thawed, a's write #7 ends with `outcome`, then a reports lost. */
const thawedLeader = (outcome: 'ok' | 'fail'): HistoryEntry[] => [
  ev(0, 'a', 1, 'elected', 10),
  run(100, { ev: 'sigstop', pid: 1, target: 'a' }),
  ev(1800, 'b', 2, 'elected', 20),
  run(3000, { ev: 'sigcont', pid: 1, target: 'a' }),
  write(3001, 'a', 1, 'attempt', 7, 10),
  write(3005, 'a', 1, outcome, 7, 10, outcome === 'ok' ? '/chaos/log/r-1' : undefined),
  ev(3100, 'a', 1, 'lost'),
];

test('leadership: a frozen leader is not acting; thawed, its fenced attempts are fine until it reports lost', () => {
  assert.deepEqual(props(thawedLeader('fail')), []);
});

test('leadership: a thawed leader whose write is acknowledged before it reports lost, while another leads, is a violation', () => {
  const h = thawedLeader('ok');
  assert.match(props(h).join('\n'), /a:1 leads while b:2 also lead/);
  // A short pause: nobody else led, so its acknowledged write is just leadership going on.
  assert.deepEqual(props(h.filter((e) => e.who !== 'b')), []);
});

test('leadership: a thawed leader acknowledged a write it sent before the freeze: no act of leading now (the long run of seed 20261202, fault #933)', () => {
  // The reply waited in the socket while `a` was stopped; the record committed before b's
  // election, which the fencing check sees in commit order.
  const h = [
    ev(0, 'a', 1, 'elected', 10),
    write(90, 'a', 1, 'attempt', 7, 10),
    run(100, { ev: 'sigstop', pid: 1, target: 'a' }),
    ev(1800, 'b', 2, 'elected', 20),
    run(3000, { ev: 'sigcont', pid: 1, target: 'a' }),
    write(3000.5, 'a', 1, 'ok', 7, 10, '/chaos/log/r-1'),
    ev(3001, 'a', 1, 'suspended'),
    ev(3013, 'a', 1, 'lost'),
  ];
  assert.deepEqual(props(h), []);
  // The same acknowledgement for a write sent after the thaw is leading again.
  const after = h.filter((e) => !(e.ev === 'write' && e.phase === 'attempt'));
  after.splice(4, 0, write(3000.2, 'a', 1, 'attempt', 7, 10));
  assert.match(props(after).join('\n'), /a:1 leads while b:2 also lead/);
});

test('leadership: writing while suspended, and stamping anything while frozen, are violations', () => {
  assert.match(props([ev(0, 'a', 1, 'elected', 10), ev(10, 'a', 1, 'suspended'), write(20, 'a', 1, 'attempt', 1, 10)]).join(), /a:1 attempted write #1 while not leading/);
  assert.match(props([ev(0, 'a', 1, 'following'), run(10, { ev: 'sigstop', pid: 1, target: 'a' }), ev(20, 'a', 1, 'elected', 10)]).join(), /a:1 acted \(elected\) while frozen/);
});

test('fencing: a clean log passes; epochs decreasing in commit order fail', () => {
  const h = [write(0, 'a', 1, 'attempt', 1, 10), write(1, 'a', 1, 'ok', 1, 10, record(1, 'a', 1, 1, 10).path), write(5, 'b', 2, 'attempt', 1, 20), write(6, 'b', 2, 'ok', 1, 20, record(2, 'b', 2, 1, 20).path)];
  assert.deepEqual(checkFencing(h, [record(1, 'a', 1, 1, 10), record(2, 'b', 2, 1, 20)]), []);
  const swapped = [write(0, 'a', 1, 'attempt', 1, 10), write(1, 'a', 1, 'ok', 1, 10, record(2, 'a', 1, 1, 10).path), write(5, 'b', 2, 'attempt', 1, 20), write(6, 'b', 2, 'ok', 1, 20, record(1, 'b', 2, 1, 20).path)];
  const v = checkFencing(swapped, [record(2, 'a', 1, 1, 10), record(1, 'b', 2, 1, 20)]);
  assert.equal(v.length, 1);
  assert.match(v[0]!.message, /epoch 10.*committed after .* of the later epoch 20/);
});

test('fencing: a write of an old epoch acknowledged after a later epoch\'s write was acknowledged fails', () => {
  const h = [write(0, 'b', 2, 'attempt', 1, 20), write(1, 'b', 2, 'ok', 1, 20, record(1, 'b', 2, 1, 20).path), write(5, 'a', 1, 'attempt', 1, 10), write(6, 'a', 1, 'ok', 1, 10, record(2, 'a', 1, 1, 10).path)];
  const messages = checkFencing(h, [record(1, 'b', 2, 1, 20), record(2, 'a', 1, 1, 10)]).map((v) => v.message);
  assert.ok(messages.some((m) => /write #1 of a:1 \(epoch 10\) acknowledged ok although a write of the later epoch 20/.test(m)), messages.join('\n'));
});

test('fencing: an acknowledged write missing from the log, or a record nobody attempted, fails', () => {
  const h = [write(0, 'a', 1, 'attempt', 1, 10), write(1, 'a', 1, 'ok', 1, 10, '/chaos/log/r-1'), write(2, 'a', 1, 'attempt', 2, 10), write(3, 'a', 1, 'fail', 2, 10)];
  assert.match(checkFencing(h, []).map((v) => v.message).join(), /write #1 of a:1 was acknowledged ok .* not in the final log/);
  // A failed (connection-lost) write may still be there: that is no violation.
  assert.deepEqual(checkFencing(h, [record(1, 'a', 1, 1, 10), record(2, 'a', 1, 2, 10)]).length, 1, 'only the path differs');
  assert.match(checkFencing([], [record(9, 'z', 9, 1, 10)]).map((v) => v.message).join(), /was never attempted/);
});

const fault = (t0: number, index: number, kind: string, healedAt: number, settledAt: number): HistoryEntry[] => [
  run(t0, { ev: 'fault', fault: index, kind, phase: 'begin' }),
  run(healedAt, { ev: 'fault', fault: index, kind, phase: 'healed' }),
  run(settledAt, { ev: 'fault', fault: index, kind, phase: 'settled' }),
];

test('liveness: a leader back within session timeout + bound after the heal passes; later fails; the longest gap names its fault', () => {
  const h = (reelectAt: number) =>
    mergeHistory([ev(0, 'a', 1, 'elected', 10), ...fault(100, 0, 'kill-candidate', 600, reelectAt + 10), run(110, { ev: 'exit', pid: 1, target: 'a' }), ev(reelectAt, 'b', 2, 'elected', 20), run(reelectAt + 100, { ev: 'shutdown' })]);
  const check = (reelectAt: number) => {
    const history = h(reelectAt);
    return checkLiveness(history, checkLeadership(history).timeline, { sessionTimeoutMs: 1500, boundMs: 1000 });
  };
  const good = check(2000);
  assert.deepEqual(good.violations, []);
  assert.equal(good.gaps.length, 1);
  assert.equal(Math.round(good.gaps[0]!.ms), 1890);
  assert.equal(good.gaps[0]!.cause, '#0 kill-candidate');
  assert.equal(Math.round(good.recovery.get(0)!), 1400);
  const bad = check(3200);
  assert.equal(bad.violations.length, 1);
  assert.match(bad.violations[0]!.message, /no leader for 2600 ms after fault #0 \(kill-candidate\) healed; the bound is 2500 ms/);
});

test('cleanliness: a candidate znode, a process or a temp dir left is a violation', () => {
  assert.deepEqual(checkCleanliness(clean), []);
  const v = checkCleanliness({ ...clean, candidateNodes: ['c_0000000003'], leftoverPids: [42], leftoverDirs: ['/tmp/zk-elect-x'] });
  assert.deepEqual(
    v.map((x) => x.message),
    ['candidate znodes left after every candidate closed: c_0000000003', 'processes left: 42', 'temp dirs left: /tmp/zk-elect-x'],
  );
});

test('report: the table counts faults and violations per kind; a violation prints its slice of history', () => {
  const history = mergeHistory([...fault(0, 0, 'pause-long', 500, 900), ev(10, 'a', 1, 'elected', 10), ev(200, 'b', 2, 'elected', 20), ev(5000, 'c', 3, 'following'), run(6000, { ev: 'shutdown' })]);
  const result = checkHistory(history, clean, { sessionTimeoutMs: 1500, livenessBoundMs: 1000 });
  assert.equal(result.violations.length, 1);
  assert.equal(result.faults[0]!.violations, 1);
  const text = formatReport(77, history, result);
  assert.match(text, /seed 77/);
  assert.match(text, /pause-long\s+1\s+1\s/);
  assert.match(text, /\[leadership\] b:2 leads while a:1/);
  const slice = historySlice(history, result.violations[0]!, 1000);
  assert.ok(slice.some((l) => l.includes('"who":"a"') && l.trim().startsWith('-190.0 ms')), slice.join('\n'));
  assert.ok(!slice.some((l) => l.includes('"who":"c"')), 'entries far away are left out');
  assert.deepEqual(parseEntry(formatEntry(history[1]!)), history[1]);
});

test('schedule: the same seed gives the same schedule, another seed another; kinds are honoured; an overlap has at most one server step', () => {
  const o = { seed: 42, faults: 200, sessionTimeoutMs: 1500, candidates: 5, servers: 3 };
  assert.deepEqual(makeSchedule(o), makeSchedule(o));
  assert.notDeepEqual(makeSchedule(o), makeSchedule({ ...o, seed: 43 }));
  const only = makeSchedule({ ...o, kinds: ['pause-long', 'overlap'] });
  assert.ok(only.every((f) => f.steps.every((s) => s.kind === 'pause-long')));
  const kinds = new Set(makeSchedule(o).map((f) => f.kind));
  assert.equal(kinds.size, 12, [...kinds].join());
  for (const f of makeSchedule(o).filter((x) => x.kind === 'overlap')) {
    assert.ok(f.steps.length >= 2 && f.steps.filter((s) => ['server-restart', 'leader-kill', 'isolate-one', 'isolate-two'].includes(s.kind)).length <= 1);
  }
  const long = makeSchedule(o).flatMap((f) => f.steps).filter((s) => s.kind === 'pause-long' || s.kind === 'pause-short');
  assert.ok(long.every((s) => (s.kind === 'pause-long' ? s.holdMs > 1500 : s.holdMs < 1500)), 'pauses on either side of the session timeout');
  const a = new Prng(1);
  const b = new Prng(1);
  assert.deepEqual([a.next(), a.next()], [b.next(), b.next()]);
});

test('a short seeded chaos run, with zk-elect run candidates among them, finds no violation and leaves nothing behind', { timeout: 240_000 }, async () => {
  const started = Date.now();
  const report = await runChaos({ seed: 20261202, faults: 50, sessionTimeoutMs: 1500, runCandidates: 2 });
  const seconds = (Date.now() - started) / 1000;
  console.log(report.text);
  assert.equal(report.ok, true, report.text);
  assert.equal(report.result.faults.length, 50);
  assert.ok(report.final.records.length > 0, 'the leaders wrote');
  assert.ok(report.history.some((e) => e.ev === 'sigcont'), 'a pause was injected');
  assert.ok(seconds < 200, `took ${seconds} s`);
  // The run candidates (c4, c5) led too: their commands started, wrote, and were seen dead.
  const commands = report.history.filter((e) => e.ev === 'elected' && 'reason' in e && e.reason === 'started by zk-elect run');
  assert.ok(commands.length > 0, 'a zk-elect run candidate led');
  assert.ok(report.final.records.some((r) => r.who === 'c4' || r.who === 'c5'), 'a command wrote');
  const pids = report.history.flatMap((e) => ((e.ev === 'spawn' || e.ev === 'exit') && 'pid' in e && e.pid ? [e.pid] : []));
  assert.ok(commands.every((c) => 'pid' in c && pids.includes(c.pid as number)), "every command's death is in the history");
  assert.ok(pids.length >= 5 && pids.every((pid) => !alive(pid)));
});
