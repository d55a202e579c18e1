/**
 * One chaos candidate, as its own process: `node candidate.js <who> <connectString> <parent>
 * <logPath> <sessionTimeoutMs> <writeIntervalMs>`. It volunteers under `<parent>` and, while it
 * leads, appends records (its epoch and a counter) as sequential znodes under `<logPath>`
 * through `fencedMulti`. Every election event and every write (attempt, ok, fail) is printed
 * as a JSON line on stdout, stamped on the shared monotonic clock (see history.ts). SIGTERM or
 * SIGINT closes the election (`closed` is the last line) and exits 0.
 * @module
 */
import { CreateMode, LeaderElection, SessionKeeper } from '../../index.js';
import { formatEntry, now, type ElectionEventName, type WriteEntry } from './history.js';

const [who = 'c', connectString = '', parent = '/chaos/election', logPath = '/chaos/log', timeoutArg = '2000', intervalArg = '20'] = process.argv.slice(2);
const sessionTimeout = Number(timeoutArg);
const writeIntervalMs = Number(intervalArg);
const pid = process.pid;

function print(ev: ElectionEventName, extra: { epoch?: string; node?: string; reason?: string } = {}): void {
  process.stdout.write(formatEntry({ t: now(), who, pid, ev, ...extra }) + '\n');
}

function printWrite(w: Omit<WriteEntry, 't' | 'who' | 'pid' | 'ev'>): void {
  process.stdout.write(formatEntry({ t: now(), who, pid, ev: 'write', ...w }) + '\n');
}

let closing = false;
let writing = false;
let counter = 0;

/**
 * Appends records while this candidate leads, one at a time. Paced by a timer so the history
 * stays readable; the check of `isLeader` before each write is the leader's own belief, which
 * the checker holds against everyone else's.
 */
async function writeWhileLeading(election: LeaderElection): Promise<void> {
  if (writing) return;
  writing = true;
  try {
    while (election.isLeader && !closing) {
      const epoch = String(election.epoch);
      const n = ++counter;
      printWrite({ phase: 'attempt', n, epoch });
      try {
        const data = JSON.stringify({ who, pid, n, epoch });
        const [res] = await election.fencedMulti([{ op: 'create', path: `${logPath}/r-`, data, mode: CreateMode.PERSISTENT_SEQUENTIAL }]);
        printWrite({ phase: 'ok', n, epoch, ...(res?.type === 'create' ? { path: res.path } : {}) });
      } catch (err) {
        const e = err as { code?: unknown; name?: string };
        printWrite({ phase: 'fail', n, epoch, code: String(e.code ?? e.name ?? 'error') });
      }
      await new Promise((r) => setTimeout(r, writeIntervalMs));
    }
  } finally {
    writing = false;
  }
}

const election = new LeaderElection(
  // The election opens (and owns) its session, so close() ends the session too.
  await SessionKeeper.open(connectString, { sessionTimeout, connectTimeout: 60_000 }),
  { parent, data: `${who}:${pid}` },
  true,
);
election.on('elected', (i) => (print('elected', { epoch: String(i.epoch), node: i.node }), void writeWhileLeading(election)));
election.on('resumed', () => (print('resumed'), void writeWhileLeading(election)));
election.on('following', (i) => print('following', { node: i.node, reason: `leader ${i.leader}` }));
election.on('suspended', (reason) => print('suspended', reason ? { reason } : {}));
election.on('lost', (reason) => print('lost', { reason }));
election.on('rejoining', (reason) => print('rejoining', { reason }));
election.on('error', (err) => print('error', { reason: String((err as Error)?.message ?? err) }));

const shutdown = async () => {
  if (closing) return;
  closing = true;
  await election.close();
  print('closed');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

print('started', { reason: `session timeout ${sessionTimeout} ms` });
await election.start();
