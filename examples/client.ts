// The client and the election in a dozen lines, against a throwaway local ZooKeeper
// (or the ensemble in ZK_CONNECT). Run: npm run example
import { CreateMode, EventType, LeaderElection, ZooKeeper } from '../src/index.js';
import { TestingServer } from '../src/testing/index.js';

const server = process.env.ZK_CONNECT ? undefined : await TestingServer.start();
const connectString = process.env.ZK_CONNECT ?? server!.connectString;
try {
  console.log(`ZooKeeper at ${connectString}`);
  const zk = await ZooKeeper.connect(connectString, { sessionTimeout: 10000 });
  console.log(`connected, session ${zk.sessionIdHex}, timeout ${zk.sessionTimeout} ms`);

  await zk.create('/demo-config', 'v1').catch(() => undefined);
  const { data, stat } = await zk.getData('/demo-config', (ev) => console.log(`watch fired: ${EventType[ev.type]} ${ev.path}`));
  console.log(`read ${data} (version ${stat.version})`);
  await zk.setData('/demo-config', 'v2'); // fires the one-time watch above

  const eph = await zk.create('/demo-config/worker-', '127.0.0.1:8080', { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
  console.log(`created ${eph}; children: ${await zk.getChildren('/demo-config')}`);

  // Two candidates: the first leads; closing it hands leadership to the second at once.
  const a = await LeaderElection.start(connectString, { data: 'node-a' });
  const b = await LeaderElection.start(connectString, { data: 'node-b' });
  console.log(`${a.status.node} is ${a.status.role}; ${b.status.node} is ${b.status.role}, watching ${b.status.watching}`);
  const t0 = performance.now();
  b.once('elected', ({ epoch }) => console.log(`${b.status.node} elected in ${(performance.now() - t0).toFixed(1)} ms (fencing epoch ${epoch})`));
  await a.close();
  await b.waitForLeadership();
  await b.fencedMulti([{ op: 'setData', path: '/demo-config', data: 'written only while leading' }]);
  console.log(`fenced write: ${(await zk.getData('/demo-config')).data}`);

  await b.close();
  await zk.delete(eph);
  await zk.close();
} finally {
  await server?.stop();
}
