// ServiceProvider over a fake InstanceSource, on an injected clock: strategies, the down-instance
// policy, filters, disabled instances, identity by (name, id). No ZooKeeper, no timers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServiceProvider, type ServiceInstance } from '../src/index.js';

/** An instance of service `name` (the contract's shape, defaults as a fresh registration has them). */
const instance = (id: string, extra: Partial<ServiceInstance> = {}): ServiceInstance => ({
  name: 'orders',
  id,
  address: `10.0.0.${id.length}`,
  port: 8080,
  sslPort: null,
  payload: null,
  registrationTimeUTC: 0,
  serviceType: 'DYNAMIC',
  uriSpec: null,
  enabled: true,
  ...extra,
});

/** A source whose snapshot the test replaces, as a ServiceCache's is on each change: new objects every time. */
class FakeSource {
  instances: readonly ServiceInstance[] = [];
  set(...ids: string[]): void {
    this.instances = ids.map((id) => instance(id));
  }
}

/** A clock the test moves by hand. */
const manualClock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
};

const ids = (list: readonly (ServiceInstance | undefined)[]) => list.map((i) => i?.id);
const draw = (p: ServiceProvider, n: number) => ids(Array.from({ length: n }, () => p.getInstance()));

describe('strategies', () => {
  test('round-robin is the default: each call the next instance, in the source order, wrapping', () => {
    const source = new FakeSource();
    source.set('a', 'b', 'c');
    const p = new ServiceProvider(source);
    assert.deepEqual(draw(p, 7), ['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    source.set('a', 'b'); // shrinks under the position: it wraps at the new length
    assert.deepEqual(draw(p, 3), ['b', 'a', 'b']);
  });

  test('an empty source gives undefined, whatever the strategy', () => {
    for (const strategy of ['round-robin', 'random', 'sticky', () => assert.fail('not called on an empty list')] as const) {
      assert.equal(new ServiceProvider(new FakeSource(), { strategy }).getInstance(), undefined);
    }
  });

  test('random returns only offered instances, and in the long run each of them', () => {
    const source = new FakeSource();
    source.set('a', 'b', 'c');
    const seen = new Set(draw(new ServiceProvider(source, { strategy: 'random' }), 300));
    // Each of three is missed in 300 fair draws with probability (2/3)^300: never, in practice.
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });

  test('sticky keeps its choice while it is offered (the current copy of it), then moves on', () => {
    const source = new FakeSource();
    source.set('a', 'b', 'c');
    const p = new ServiceProvider(source, { strategy: 'sticky' });
    assert.deepEqual(draw(p, 3), ['a', 'a', 'a']);
    source.instances = [instance('b'), instance('a', { port: 9090 }), instance('c')];
    const kept = p.getInstance();
    assert.equal(kept?.id, 'a', 'reordered, still offered: kept');
    assert.equal(kept?.port, 9090, 'the updated copy, not the remembered object');
    source.set('b', 'c'); // a is gone
    const next = p.getInstance()?.id;
    assert.ok(next === 'b' || next === 'c');
    assert.deepEqual(draw(p, 3), [next, next, next], 'sticks to the new choice');
  });

  test('sticky moves on when its choice goes down, and comes back to nothing stale', () => {
    const source = new FakeSource();
    source.set('a', 'b');
    const p = new ServiceProvider(source, { strategy: 'sticky', downInstancePolicy: { errorThreshold: 1 } });
    const first = p.getInstance()!;
    p.noteError(first);
    const second = p.getInstance()!;
    assert.notEqual(second.id, first.id);
    assert.equal(p.getInstance()?.id, second.id);
  });

  test('a function strategy gets the offered instances only; returning another instance is a TypeError', () => {
    const source = new FakeSource();
    source.instances = [instance('a'), instance('b', { enabled: false }), instance('c')];
    const given: string[][] = [];
    const last = new ServiceProvider(source, { strategy: (list) => (given.push(ids(list) as string[]), list[list.length - 1]) });
    assert.equal(last.getInstance()?.id, 'c');
    assert.deepEqual(given, [['a', 'c']]);
    assert.equal(new ServiceProvider(source, { strategy: () => undefined }).getInstance(), undefined);
    // The same instance as a new object (same name and id) is fine: identity is by (name, id).
    assert.equal(new ServiceProvider(source, { strategy: () => instance('a') }).getInstance()?.id, 'a');
    const rogue = new ServiceProvider(source, { strategy: () => instance('b') });
    assert.throws(() => rogue.getInstance(), { name: 'TypeError', message: /returned orders\/b, which it was not offered/ });
  });

  test('an unknown strategy name is a TypeError at construction', () => {
    assert.throws(() => new ServiceProvider(new FakeSource(), { strategy: 'least-loaded' as 'random' }), { name: 'TypeError', message: /unknown provider strategy "least-loaded"/ });
  });
});

describe('down-instance policy', () => {
  test('defaults (2 errors, 30 s): down at the second error, back exactly 30 s after the first', () => {
    const clock = manualClock();
    const source = new FakeSource();
    source.set('a', 'b');
    const p = new ServiceProvider(source, { clock: clock.now });
    const a = source.instances[0]!;
    p.noteError(a);
    assert.deepEqual(ids(p.getAllInstances()), ['a', 'b'], 'one error is below the threshold');
    clock.advance(10_000);
    p.noteError(a);
    assert.deepEqual(ids(p.getAllInstances()), ['b'], 'the second error reaches it');
    assert.deepEqual(draw(p, 3), ['b', 'b', 'b'], 'getInstance never offers it');
    clock.advance(19_999); // 29 999 ms after the first error
    assert.deepEqual(ids(p.getAllInstances()), ['b']);
    clock.advance(1); // 30 000 ms after the first, not the last, error
    assert.deepEqual(ids(p.getAllInstances()), ['a', 'b']);
    p.noteError(a);
    assert.deepEqual(ids(p.getAllInstances()), ['a', 'b'], 'the count started again from zero');
  });

  test('instances are told apart by (name, id): a new object for the same instance shares its count, the same id of another service does not', () => {
    const clock = manualClock();
    const source = new FakeSource();
    source.instances = [instance('a'), instance('a', { name: 'billing' })];
    const p = new ServiceProvider(source, { clock: clock.now });
    p.noteError(instance('a'));
    p.noteError({ ...instance('a'), port: 1 }); // another copy, read later from the cache
    assert.deepEqual(p.getAllInstances().map((i) => i.name), ['billing']);
    source.set('a'); // a fresh snapshot: new objects, still down
    assert.deepEqual(p.getAllInstances(), []);
    assert.equal(p.getInstance(), undefined);
  });

  test('a partial policy keeps the other default; out-of-range values are TypeErrors', () => {
    const clock = manualClock();
    const source = new FakeSource();
    source.set('a');
    const p = new ServiceProvider(source, { clock: clock.now, downInstancePolicy: { timeoutMs: 1000 } });
    p.noteError(source.instances[0]!);
    assert.equal(p.getAllInstances().length, 1, 'threshold still 2');
    p.noteError(source.instances[0]!);
    assert.equal(p.getAllInstances().length, 0);
    clock.advance(1000);
    assert.equal(p.getAllInstances().length, 1, 'timeout 1000 ms');
    const threeStrikes = new ServiceProvider(source, { clock: clock.now, downInstancePolicy: { errorThreshold: 3 } });
    for (let i = 0; i < 2; i++) threeStrikes.noteError(source.instances[0]!);
    assert.equal(threeStrikes.getAllInstances().length, 1);
    threeStrikes.noteError(source.instances[0]!);
    assert.equal(threeStrikes.getAllInstances().length, 0);
    for (const bad of [{ errorThreshold: 0 }, { errorThreshold: 1.5 }, { timeoutMs: -1 }, { timeoutMs: Number.NaN }]) {
      assert.throws(() => new ServiceProvider(source, { downInstancePolicy: bad }), { name: 'TypeError' }, JSON.stringify(bad));
    }
  });

  test('each provider keeps its own book', () => {
    const source = new FakeSource();
    source.set('a');
    const [p, q] = [new ServiceProvider(source, { downInstancePolicy: { errorThreshold: 1 } }), new ServiceProvider(source)];
    p.noteError(source.instances[0]!);
    assert.equal(p.getInstance(), undefined);
    assert.equal(q.getInstance()?.id, 'a');
  });
});

describe('filters and disabled instances', () => {
  test('disabled instances are never offered; a missing enabled field counts as enabled', () => {
    const source = new FakeSource();
    const legacy = instance('c') as Partial<ServiceInstance>;
    delete legacy.enabled; // as an older writer leaves it
    source.instances = [instance('a', { enabled: false }), instance('b'), legacy as ServiceInstance];
    const p = new ServiceProvider(source);
    assert.deepEqual(ids(p.getAllInstances()), ['b', 'c']);
    assert.deepEqual(draw(p, 4), ['b', 'c', 'b', 'c']);
    source.instances = [instance('a', { enabled: false })];
    assert.equal(p.getInstance(), undefined);
  });

  test('every filter must pass; filters see only enabled, up instances', () => {
    const source = new FakeSource();
    source.instances = [
      instance('a', { payload: { zone: 'eu' } }),
      instance('b', { payload: { zone: 'us' } }),
      instance('c', { payload: { zone: 'eu' }, port: null }),
      instance('d', { payload: { zone: 'eu' }, enabled: false }),
    ];
    const seen = new Set<string>();
    const inEu = (i: ServiceInstance) => (seen.add(i.id), (i.payload as { zone?: string } | null)?.zone === 'eu');
    const p = new ServiceProvider(source, { filters: [inEu, (i) => i.port !== null] });
    assert.deepEqual(ids(p.getAllInstances()), ['a']);
    assert.deepEqual(draw(p, 2), ['a', 'a']);
    assert.ok(!seen.has('d'), 'a disabled instance is not even shown to the filters');
  });

  test('the provider follows the source at each call (no snapshot of its own)', () => {
    const source = new FakeSource();
    const p = new ServiceProvider(source);
    assert.equal(p.getInstance(), undefined);
    source.set('x');
    assert.equal(p.getInstance()?.id, 'x');
  });
});
