/**
 * The sequential-name helpers the recipes order candidates with: `locateCandidate` (one pass,
 * used by every election round) must agree with `sortCandidates` (the reference order).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { locateCandidate, sortCandidates } from '../src/recipes/sequence.js';

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
    assert.deepEqual(locateCandidate(kids, 'c_', 'c_0000000007'), { found: true, first: 'c_0000000003', predecessor: 'c_0000000005' });
    assert.deepEqual(locateCandidate(kids, 'c_', 'c_0000000003'), { found: true, first: 'c_0000000003', predecessor: undefined });
    assert.deepEqual(locateCandidate(kids, 'c_', 'c_0000000004'), { found: false });
    assert.deepEqual(locateCandidate([], 'c_', 'c_0000000004'), { found: false });
  });

  test('negative sequences (after the counter wraps) sort first, as in sortCandidates', () => {
    const kids = [name(5), name(-3), name(2_000_000_000)];
    assert.deepEqual(locateCandidate(kids, 'c_', name(5)), expected(kids, name(5)));
    assert.equal(locateCandidate(kids, 'c_', name(5)).first, name(-3));
  });

  test('agrees with sortCandidates on 500 random listings', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let k = 0; k < 500; k++) {
      // A listing names each child once.
      const kids = [...new Set(Array.from({ length: 1 + rnd(40) }, () => (rnd(10) === 0 ? `other${rnd(5)}` : name(rnd(200) - 20))))];
      const own = rnd(5) === 0 ? name(rnd(200)) : (kids[rnd(kids.length)] as string);
      assert.deepEqual(locateCandidate(kids, 'c_', own), expected(kids, own), JSON.stringify({ kids, own }));
    }
  });
});
