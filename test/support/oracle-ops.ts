// fast-check arbitraries for the oracle's sequences: a small universe of paths (so operations
// collide), every create mode, versions right and wrong, restrictive and invalid ACLs, and
// paths at the edge of validity.
import fc from 'fast-check';
import { CreateMode, type ACL, type Op } from '../../src/index.js';
import type { OracleOp } from './oracle-wire.js';

/** Valid paths, nested so that parents, children and watches interact. */
const NODES = ['/a', '/b', '/a/b', '/a/c', '/a/b/c', '/b/a', '/c'];

/**
 * Paths at the edge of validity: the root, the reserved /zookeeper tree, a trailing slash
 * (valid only for a sequential create), empty segments, relative segments, control and
 * non-ASCII characters (a NUL, U+007F–U+009F, surrogate pairs, private use, U+FFF0), no
 * leading slash, and long names.
 */
const EDGES = [
  '/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/zookeeper/x',
  '/a/', '//a', '/a//b', '/.', '/..', '/a/.', '/a/..', '/a/./b', '/.a', '/a/..b',
  '/a\u0000', '/a\u0001b', '/\u007f', '/\u009f', '/\u00a0', '/ü', '/a/ß', '/\u{1F600}', '/\ue000', '/\uf8ff', '/\uf900', '/\ufff0', '/\uffef',
  '', 'a', 'a/b', ' /a',
  `/${'x'.repeat(255)}`, `/a/${'y'.repeat(4000)}`,
];

/** The largest TTL both clients accept: 40 bits of milliseconds (Java's EphemeralType.TTL.maxValue). */
const MAX_TTL = 2 ** 40 - 1;

/** Mostly a shallow path, so that creates find their parent more often than not; the root too (a chroot's). */
const NODES_WEIGHTED = ['/', '/a', '/a', '/a', '/b', '/b', '/c', ...NODES];
const path = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...NODES_WEIGHTED) }, { weight: 1, arbitrary: fc.constantFrom(...EDGES) });

/** -2 is below what either client accepts as "any version". */
const version = fc.constantFrom(-1, -1, -1, 0, 0, 1, 2, 5, -2);

const data = fc.oneof(fc.constant(null), fc.constant(new Uint8Array()), fc.uint8Array({ minLength: 1, maxLength: 8 }));

const world = (perms: number): ACL[] => [{ perms, id: { scheme: 'world', id: 'anyone' } }];

/** Open, read-only and partly restricted ACLs, an ip ACL, and three invalid ones. */
const NAMED_ACLS: Array<readonly ACL[]> = [
  world(31), world(1), world(31 & ~2), world(31 & ~4), world(31 & ~8), world(31 & ~16), world(0),
  [{ perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } }],
  [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }, { perms: 31, id: { scheme: 'digest', id: 'u:x' } }],
  [{ perms: 31, id: { scheme: 'auth', id: '' } }], // no authenticated identity: INVALIDACL
  [{ perms: 31, id: { scheme: 'nosuch', id: 'x' } }], // unknown scheme: INVALIDACL
  [{ perms: 31, id: { scheme: 'ip', id: 'not-an-ip' } }],
  [], // refused by both clients before sending (Java's validateACL)
];
const acl = fc.oneof({ weight: 3, arbitrary: fc.constant(world(31)) }, { weight: 2, arbitrary: fc.constantFrom(...NAMED_ACLS) });

const MODES = [CreateMode.PERSISTENT, CreateMode.EPHEMERAL, CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL, CreateMode.CONTAINER, CreateMode.PERSISTENT_WITH_TTL, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL];
const isTtl = (m: CreateMode) => m === CreateMode.PERSISTENT_WITH_TTL || m === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;

/**
 * A mode and its TTL: TTL modes mostly with an hour (no node expires during a run: the
 * server's ContainerManager first looks after a minute anyway), sometimes none, 0 or one past
 * the 40-bit maximum; other modes mostly without, sometimes with one (both clients refuse it).
 */
const modeAndTtl = fc.constantFrom(...MODES).chain((mode) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(isTtl(mode) ? 3_600_000 : undefined) },
    { weight: 1, arbitrary: fc.constantFrom<number | undefined>(undefined, 0, MAX_TTL, MAX_TTL + 1, 3_600_000) },
  ).map((ttl) => ({ mode, ttl })),
);

const create = fc.record({ path, data, mt: modeAndTtl, acl, withStat: fc.boolean() }).map(
  ({ mt, ...r }): OracleOp => ({ op: 'create', ...r, mode: mt.mode, ...(mt.ttl !== undefined ? { ttl: mt.ttl } : {}) }),
);

const read = fc.record({ op: fc.constantFrom('getData', 'exists', 'getChildren', 'getChildren2'), path, watch: fc.constantFrom(true, true, true, false) }) as fc.Arbitrary<OracleOp>;

/** A multi sub-op; TTLs only with TTL modes (the Java Op.create ignores any other's). */
const subOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ path, data, mode: fc.constantFrom(...MODES), acl }).map((r): Op => ({ op: 'create', ...r, ...(isTtl(r.mode) ? { ttl: 3_600_000 } : {}) })),
  fc.record({ path, version }).map((r): Op => ({ op: 'delete', ...r })),
  fc.record({ path, data, version }).map((r): Op => ({ op: 'setData', ...r })),
  fc.record({ path, version }).map((r): Op => ({ op: 'check', ...r })),
);

/** A multi whose middle op is a check bound to fail, between ops that may succeed. */
const failingInTheMiddle = fc.tuple(subOp, fc.constantFrom('/a', '/nope'), subOp).map(([before, p, after]): OracleOp => ({
  op: 'multi',
  ops: [before, { op: 'check', path: p, version: 99 }, after],
}));

const multi = fc.oneof(fc.array(subOp, { minLength: 1, maxLength: 4 }).map((ops): OracleOp => ({ op: 'multi', ops })), failingInTheMiddle);

/** One operation of a sequence. */
export const oracleOp: fc.Arbitrary<OracleOp> = fc.oneof(
  { weight: 8, arbitrary: create },
  { weight: 3, arbitrary: fc.record({ path, version }).map((r): OracleOp => ({ op: 'delete', ...r })) },
  { weight: 3, arbitrary: fc.record({ path, data, version }).map((r): OracleOp => ({ op: 'setData', ...r })) },
  { weight: 7, arbitrary: read },
  { weight: 3, arbitrary: multi },
  { weight: 2, arbitrary: fc.record({ path, acl, version }).map((r): OracleOp => ({ op: 'setACL', ...r })) },
  { weight: 1, arbitrary: path.map((p): OracleOp => ({ op: 'getACL', path: p })) },
  { weight: 1, arbitrary: path.map((p): OracleOp => ({ op: 'sync', path: p })) },
  { weight: 2, arbitrary: fc.record({ path, type: fc.constantFrom<1 | 2 | 3>(1, 2, 3) }).map((r): OracleOp => ({ op: 'removeWatches', ...r })) },
);

/** The sequence of `length` operations that `seed` picks (the same on every machine). */
export function oracleSequence(seed: number, length: number): OracleOp[] {
  return fc.sample(fc.array(oracleOp, { minLength: length, maxLength: length }), { seed, numRuns: 1 })[0] as OracleOp[];
}
