/**
 * The command a chaos `zk-elect run` candidate runs: `zk-elect run … -- node run-command.js
 * <who> <logPath> <writeIntervalMs>`. `run` starts it only while it leads, so the command
 * counts itself the leader from its first line (`elected`, with `$ZK_ELECT_EPOCH`) to its end.
 * It appends records through its own session (to `$ZK_ELECT_ZOOKEEPER`, the candidate's fault
 * proxies), each in a multi behind a `check` of `$ZK_ELECT_NODE`: the README's advice for a
 * command that writes to ZooKeeper. When `run` SIGTERMs it, it prints `closed` and exits; when
 * `run` or its watchdog SIGKILLs it, the chaos runner stamps its death (it watches the pid).
 * @module
 */
import { ZooKeeper, ErrorCode, errorCode, type Op } from '../../client/index.js';
import { printEvent as print, RecordWriter } from './records.js';

const [, logPath = '/chaos/log', intervalArg = '20'] = process.argv.slice(2);
const { ZK_ELECT_EPOCH: epoch = '', ZK_ELECT_NODE: node = '', ZK_ELECT_ZOOKEEPER: connectString = '' } = process.env;

print('elected', { epoch, node, reason: 'started by zk-elect run' });
let closing = false;
/** The fence failed: this leadership is over; it idles until run stops it (run sees the loss too). */
let fenced = false;
// Until its session is open it cannot write, which is no harm: it still counts as leading.
const zk = await ZooKeeper.connect(connectString, { sessionTimeout: 30_000, connectTimeout: 60_000 });
const writer = new RecordWriter({
  logPath,
  intervalMs: Number(intervalArg),
  leading: () => !closing && !fenced,
  epoch: () => epoch,
  fencedMulti: async (ops: Op[]) => {
    try {
      return (await zk.multi([{ op: 'check', path: node, version: -1 }, ...ops])).slice(1);
    } catch (err) {
      // The fence: the leader's node is gone, so is its session, so is this leadership.
      if ((err as { opIndex?: number }).opIndex === 0 && errorCode(err) === ErrorCode.NONODE && !fenced) (fenced = true), print('lost', { reason: `${node} is gone` });
      throw err;
    }
  },
});

process.on('SIGTERM', () => {
  closing = true;
  writer.close();
  print('closed');
  // No zk.close(): its session is the command's own, and run waits only the grace.
  process.exit(0);
});
writer.kick();
