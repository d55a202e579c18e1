// SupervisedChild: waiting on a child's JSON lines, clear errors when it ends or is slow, and
// no child left behind when its parent is SIGKILLed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SupervisedChild } from '../src/testing/index.js';
import { until } from './support/wait.js';
import { alive } from './support/process.js';

/** A node child running `code`. */
const nodeChild = (code: string) => new SupervisedChild<{ n?: number; event?: string }>(process.execPath, ['-e', code]);

test('next() finds past and future JSON lines; other lines stay in lines', async () => {
  const child = nodeChild(`console.log('hello'); console.log(JSON.stringify({ n: 1 })); setTimeout(() => console.log(JSON.stringify({ n: 2 })), 100); setTimeout(() => {}, 5000);`);
  try {
    assert.deepEqual(await child.next((e) => e.n === 2, { timeoutMs: 5000 }), { n: 2 });
    assert.deepEqual(await child.next((e) => e.n === 1), { n: 1 }, 'a line already printed counts');
    await assert.rejects(child.next((e) => e.n === 1, { from: 1, timeoutMs: 100, what: 'n=1 again' }), /timed out after 100 ms waiting for n=1 again/);
    assert.deepEqual(child.lines, ['hello', '{"n":1}', '{"n":2}']);
  } finally {
    assert.equal((await child.stop(1000)).signal, 'SIGTERM');
  }
});

test('next() rejects when the child ends first, with its last stderr lines; the last line before exit is not missed', async () => {
  const child = nodeChild(`console.log(JSON.stringify({ event: 'last' })); console.error('something broke'); process.exit(3);`);
  assert.deepEqual(await child.next((e) => e.event === 'last'), { event: 'last' });
  await assert.rejects(child.next((e) => e.event === 'never', { what: 'the never event' }), /exited with code 3\) ended before the never event; its last stderr lines:\nsomething broke/);
  assert.deepEqual(await child.exited, { code: 3, signal: null });
});

test('stdin: true gives a pipe to a line-driven child; onStderr sees stderr lines as they come', async () => {
  const code = `require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => { console.error('got ' + l); console.log(JSON.stringify({ event: l })); });`;
  const child = new SupervisedChild<{ event?: string }>(process.execPath, ['-e', code], { stdin: true });
  const seen: string[] = [];
  child.onStderr((line) => seen.push(line));
  try {
    child.stdin?.write('ping\n');
    assert.deepEqual(await child.next((e) => e.event === 'ping', { timeoutMs: 5000 }), { event: 'ping' });
    await until(() => seen.length > 0, 5000, 'the stderr line');
    assert.deepEqual(seen, ['got ping']);
    child.stdin?.end();
    assert.deepEqual(await child.exited, { code: 0, signal: null }, 'the child ends when its stdin does');
  } finally {
    await child.stop(1000);
  }
  assert.equal(nodeChild('0').stdin, null, 'stdin is ignored by default');
});

test('a SIGKILLed parent leaves no supervised child behind', async () => {
  const module = fileURLToPath(new URL('../src/testing/index.js', import.meta.url));
  const code = `const { SupervisedChild } = await import(${JSON.stringify(module)});
    const c = new SupervisedChild(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    console.log(c.pid);`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = Number(await new Promise<string>((resolve) => createInterface({ input: parent.stdout! }).once('line', resolve)));
  assert.ok(alive(pid), 'the child runs');
  parent.kill('SIGKILL');
  await until(() => !alive(pid), 5000, `child ${pid} to die with its SIGKILLed parent`);
});
