/**
 * One chaos candidate as a library user writes it: `node candidate.js <who> <connectString>
 * <parent> <logPath> <sessionTimeoutMs> <writeIntervalMs>`. It volunteers under `<parent>` and,
 * while it leads, appends records through `fencedMulti` (records.ts). Every election event and
 * every write is printed as a history line on stdout. SIGTERM or SIGINT closes the election
 * (`closed` is the last line) and exits 0.
 * @module
 */
import { LeaderElection, SessionKeeper } from '../../index.js';
import { printEvent as print, RecordWriter } from './records.js';

const [who = 'c', connectString = '', parent = '/chaos/election', logPath = '/chaos/log', timeoutArg = '2000', intervalArg = '20'] = process.argv.slice(2);
const sessionTimeout = Number(timeoutArg);

const election = new LeaderElection(
  // The election opens (and owns) its session, so close() ends the session too.
  await SessionKeeper.open(connectString, { sessionTimeout, connectTimeout: 60_000 }),
  { parent, data: `${who}:${process.pid}` },
  true,
);
const writer = new RecordWriter({
  logPath,
  intervalMs: Number(intervalArg),
  leading: () => election.isLeader,
  epoch: () => String(election.epoch),
  fencedMulti: (ops) => election.fencedMulti(ops),
});
election.on('elected', (i) => (print('elected', { epoch: String(i.epoch), node: i.node }), writer.kick()));
election.on('resumed', () => (print('resumed'), writer.kick()));
election.on('following', (i) => print('following', { node: i.node, reason: `leader ${i.leader}` }));
election.on('suspended', (reason) => print('suspended', reason ? { reason } : {}));
election.on('lost', (reason) => print('lost', { reason }));
election.on('rejoining', (reason) => print('rejoining', { reason }));
election.on('error', (err) => print('error', { reason: String((err as Error)?.message ?? err) }));

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  writer.close();
  await election.close();
  print('closed');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

print('started', { reason: `session timeout ${sessionTimeout} ms` });
await election.start();
