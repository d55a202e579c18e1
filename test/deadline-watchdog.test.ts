// The deadline watchdog of `zk-elect run`, alone: a process group it must kill once its deadline
// passes unrefreshed, and leave alone while the deadline keeps moving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineWatchdog } from '../src/process/deadline-watchdog.js';
import { SupervisedChild } from '../src/process/supervised.js';
import { alive } from './support/process.js';
import { sleep, until } from './support/wait.js';

/** A process group: a leader and one child of it, both idle. */
function group(): SupervisedChild {
  const script = "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); console.log(process.pid); setInterval(() => {}, 1000)";
  return new SupervisedChild(process.execPath, ['-e', script], { group: true });
}

test('kills the whole group once the deadline passes without a newer one', async () => {
  const g = group();
  const dog = DeadlineWatchdog.spawn(g.pid)!;
  const t0 = Date.now();
  dog.setDeadline(t0 + 300);
  const exit = await g.exited;
  const took = Date.now() - t0;
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(took >= 290 && took < 2000, `killed after ${took} ms`);
  // The leader's own child was in the group: gone too (the group id is the leader's pid).
  await until(() => { try { process.kill(-g.pid, 0); return false; } catch { return true; } }, 3000, 'the group to be empty');
});

test('leaves the group alone while the deadline keeps moving, and after dismiss', async () => {
  const g = group();
  const dog = DeadlineWatchdog.spawn(g.pid)!;
  for (let i = 0; i < 8; i++) {
    dog.setDeadline(Date.now() + 200);
    await sleep(50); // the thing under test is time passing: refresh well inside the deadline
  }
  assert.ok(alive(g.pid));
  dog.dismiss();
  await until(() => !alive(dog.pid), 3000, 'the dismissed watchdog to exit');
  assert.ok(alive(g.pid), 'a dismissed watchdog kills nothing');
  await g.stop(1000);
});
