// The ZooKeeper Java client as an oracle for zk-elect's (issue 15): random sequences of
// operations run by both clients, each against its own fresh server of the same release, must
// give the same transcript: results, error codes, stats (but ctime/mtime), and watch events.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ZooKeeper } from '../src/index.js';
import { findZooKeeper, TestingServer, type ZooKeeperInstall } from '../src/testing/index.js';
import { describeDifference, firstDifference, normaliseJava } from './support/oracle-compare.js';
import { JavaOracle } from './support/oracle-java.js';
import { oracleSequence } from './support/oracle-ops.js';
import { OurClient } from './support/oracle-ours.js';

/** Ops per sequence: enough for nodes, watches and ACLs to pile up, short enough for the budget. */
const LENGTH = 70;
/** The session timeout both clients ask for (the servers grant at most 20 ticks anyway). */
const SESSION_TIMEOUT_MS = 10_000;
/** A seed, and the chroot both clients connect with (none, or one a setup client made). */
interface Sequence {
  seed: number;
  chroot?: string;
}

const randomSeed = Number(process.env.ORACLE_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Fixed seeds, and one more each run (ORACLE_SEED replays a failure's): odd ones in a chroot. */
const SEQUENCES: Sequence[] = [
  { seed: 1 },
  { seed: 2, chroot: '/chroot' },
  { seed: 3 },
  { seed: 15, chroot: '/chroot/deeper' },
  { seed: randomSeed, ...(randomSeed % 2 === 1 ? { chroot: '/chroot' } : {}) },
];

let install: ZooKeeperInstall;
let java: JavaOracle;

before(async () => {
  install = await findZooKeeper();
  java = await JavaOracle.start(install);
});

after(async () => {
  await java?.stop();
});

/** Makes `chroot` and its parents on `server` with a session of its own (the same txns on every server). */
async function makeChroot(server: TestingServer, chroot: string): Promise<void> {
  await using zk = await ZooKeeper.connect(server.connectString);
  for (let i = chroot.indexOf('/', 1); ; i = chroot.indexOf('/', i + 1)) {
    await zk.create(i < 0 ? chroot : chroot.slice(0, i));
    if (i < 0) return;
  }
}

/**
 * Runs the sequence of `seed` with both clients, each on a fresh server (so that both see the
 * same zxids: the same setup, then the session's creation, then every op, failed writes
 * included, takes the same zxids on both), and returns both transcripts.
 */
async function runBoth({ seed, chroot = '' }: Sequence): Promise<{ ours: string[]; theirs: string[] }> {
  const ops = oracleSequence(seed, LENGTH);
  const servers = await Promise.all([TestingServer.start({ install }), TestingServer.start({ install })]);
  const [mine, javas] = servers as [TestingServer, TestingServer];
  const ours = new OurClient();
  const theirs: string[] = [];
  try {
    const both = async (mineDone: Promise<void>, java: Promise<string[]>) => {
      const [, lines] = await Promise.all([mineDone, java]);
      theirs.push(...lines);
    };
    if (chroot) for (const s of servers) await makeChroot(s, chroot);
    await both(ours.connect(0, mine.connectString + chroot, SESSION_TIMEOUT_MS), java.connect(0, javas.connectString + chroot, SESSION_TIMEOUT_MS));
    for (const [i, op] of ops.entries()) await both(ours.run(i + 1, op), java.run(i + 1, op));
    await both(ours.close(ops.length + 1), java.closeSession(ops.length + 1));
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return { ours: ours.lines, theirs };
}

for (const sequence of SEQUENCES) {
  const { seed, chroot } = sequence;
  test(`zk-elect and the Java client agree on the ${LENGTH} ops of seed ${seed}${chroot ? ` in the chroot ${chroot}` : ''}`, async (t) => {
    const { ours, theirs } = await runBoth(sequence);
    const d = firstDifference(ours, normaliseJava(theirs, oracleSequence(seed, LENGTH), chroot ?? ''));
    if (d) assert.fail(describeDifference(d, oracleSequence(seed, LENGTH)[d.opIndex - 1], seed, chroot));
    const results = theirs.filter((l) => l.startsWith('R\t')).map((l) => l.split('\t')[2]);
    const count = (p: (s: string) => boolean) => results.filter((s) => p(s as string)).length;
    t.diagnostic(`${results.length} results (${count((s) => s === 'OK')} OK, ${count((s) => s === 'REJECTED')} rejected, ${count((s) => /^-/.test(s))} errors), ${theirs.length - results.length} events`);
  });
}
