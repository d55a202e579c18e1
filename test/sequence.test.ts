/**
 * The sequential-name helpers the recipes order candidates with: `locateCandidate` (one pass,
 * used by every election round) must agree with `sortCandidates` (the reference order).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NameList } from '../src/client/index.js';
import { DecodeError, Reader } from '../src/protocol/reader.js';
import { Writer } from '../src/protocol/writer.js';
import { locateCandidate, sortCandidates } from '../src/recipes/sequence.js';

/** A getChildren reply's vector of names, read back as a NameList (names `null` as jute null). */
function listed(names: readonly (string | null)[]): NameList {
  const w = new Writer().int(names.length);
  for (const n of names) w.string(n);
  return NameList.read(new Reader(w.finish(), 4));
}

/** locateCandidate on the array and on its NameList: they must agree; returns the array's answer. */
function locate(kids: string[], own: string) {
  const fromArray = locateCandidate(kids, 'c_', own);
  assert.deepEqual(locateCandidate(listed(kids), 'c_', own), fromArray, JSON.stringify({ kids, own }));
  return fromArray;
}

const name = (seq: number) => (seq < 0 ? `c_-${String(-seq).padStart(10, '0')}` : `c_${String(seq).padStart(10, '0')}`);

/** What locateCandidate must say, computed from the sorted order. */
function expected(children: string[], own: string) {
  const sorted = sortCandidates(children, 'c_');
  const i = sorted.indexOf(own);
  if (i < 0) return { found: false };
  return { found: true, first: sorted[0], predecessor: i > 0 ? sorted[i - 1] : undefined };
}

describe('locateCandidate', () => {
  test('the leader and the predecessor, ignoring names that are not candidates', () => {
    const kids = ['c_0000000007', 'lock', 'c_0000000003', 'c_12', 'x_0000000001', 'c_000000000a', 'c_0000000005'];
    assert.deepEqual(locate(kids, 'c_0000000007'), { found: true, first: 'c_0000000003', predecessor: 'c_0000000005' });
    assert.deepEqual(locate(kids, 'c_0000000003'), { found: true, first: 'c_0000000003', predecessor: undefined });
    assert.deepEqual(locate(kids, 'c_0000000004'), { found: false });
    assert.deepEqual(locate([], 'c_0000000004'), { found: false });
  });

  test('negative sequences (after the counter wraps) sort first, as in sortCandidates', () => {
    const kids = [name(5), name(-3), name(2_000_000_000)];
    assert.deepEqual(locate(kids, name(5)), expected(kids, name(5)));
    assert.equal(locate(kids, name(5)).first, name(-3));
  });

  test('agrees with sortCandidates on 500 random listings', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let k = 0; k < 500; k++) {
      // A listing names each child once.
      const kids = [...new Set(Array.from({ length: 1 + rnd(40) }, () => (rnd(10) === 0 ? `other${rnd(5)}` : name(rnd(200) - 20))))];
      const own = rnd(5) === 0 ? name(rnd(200)) : (kids[rnd(kids.length)] as string);
      assert.deepEqual(locate(kids, own), expected(kids, own), JSON.stringify({ kids, own }));
    }
  });
});

describe('NameList', () => {
  test('decodes names on demand, in the reply order, UTF-8 and null names included', () => {
    const list = listed(['c_0000000002', 'zürich', null, 'c_0000000001']);
    assert.equal(list.length, 4);
    assert.deepEqual(list.toArray(), ['c_0000000002', 'zürich', '', 'c_0000000001']);
    assert.equal(list.at(1), 'zürich');
    assert.equal(list.at(4), undefined);
    assert.deepEqual([...list.sequences(Buffer.from('c_'))], [2, NaN, NaN, 1]);
    assert.equal(list.is(1, Buffer.from('zürich')), true);
    assert.equal(list.is(1, Buffer.from('zurich')), false);
  });

  test('a non-ASCII own name and listing agree with the array', () => {
    const kids = ['c_0000000003', 'ç_0000000001', 'c_0000000009'];
    assert.deepEqual(locate(kids, 'c_0000000009'), { found: true, first: 'c_0000000003', predecessor: 'c_0000000003' });
    assert.deepEqual(locate(kids, 'ç_0000000001'), { found: false });
  });

  test('a truncated vector is a DecodeError, not a short list', () => {
    const frame = new Writer().int(2).string('c_0000000001').string('c_0000000002').finish();
    assert.throws(() => NameList.read(new Reader(frame.subarray(0, frame.length - 3), 4)), DecodeError);
    assert.throws(() => NameList.read(new Reader(new Writer().int(1000).finish(), 4)), DecodeError);
  });
});
