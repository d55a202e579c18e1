// Locked-down ensembles, against real servers of the release under test (ZK_VERSION): TLS
// trust and hostname failures fail at once, SASL over TLS, whoAmI (3.7+) and multiRead (3.6+).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthFailedError, ErrorCode, ZooKeeper, type ZooKeeperOptions } from '../src/index.js';
import { clientsClosedAfter } from './support/clients.js';
import { TestingServer } from '../src/testing/index.js';
import { assertRefusedBefore, atLeast } from './support/server-version.js';

const bob: ZooKeeperOptions = { sasl: { mechanism: 'DIGEST-MD5', username: 'bob', password: 'secret' } };
let server: TestingServer;
const connect = clientsClosedAfter();
before(async () => {
  server = await TestingServer.start({ tickTime: 250, tls: true, sasl: { users: { bob: 'secret' } } });
});
after(() => server?.stop());

/** Connects, expecting an AuthFailedError matching `reason` well before the connect timeout. */
async function refusedFast(options: ZooKeeperOptions, reason: RegExp): Promise<void> {
  const t0 = Date.now();
  const err = await ZooKeeper.connect(server.tls!.connectString, { connectTimeout: 20_000, ...options }).catch((e: unknown) => e);
  assert.ok(err instanceof AuthFailedError, String(err));
  assert.match(err.message, reason);
  assert.ok(Date.now() - t0 < 5000, `failed after ${Date.now() - t0} ms, not at the 20 s connect timeout`);
}

describe('TLS', () => {
  test('a certificate the client does not trust fails at once, saying so', async () => {
    await refusedFast({ tls: {} }, /TLS: .*(self-signed|certificate)/i);
  });

  test('a certificate that names another host fails at once; verifyHostname: false lets a trusted one through', async () => {
    const tls = { ca: server.tls!.ca, servername: 'zk.example.invalid' };
    await refusedFast({ tls }, /TLS: .*(altname|does not match|Hostname)/i);
    const zk = await connect(server.tls!.connectString, { tls, verifyHostname: false });
    assert.ok(await zk.exists('/'));
  });

  test('SASL over TLS', async () => {
    const zk = await connect(server.tls!.connectString, { tls: { ca: server.tls!.ca }, ...bob });
    await zk.create('/over-tls', 'x');
    assert.equal((await zk.getData('/over-tls')).data?.toString(), 'x');
  });
});

describe('whoAmI', () => {
  test('the identities the server holds: ip always, sasl after SASL, digest after addAuthInfo (3.7+)', async () => {
    if (!atLeast(server.version, '3.7.0')) return assertRefusedBefore('3.7.0', server.connectString, (zk) => zk.whoAmI(), bob);
    const zk = await connect(server.connectString, bob);
    await zk.addAuthInfo('digest', 'carol:pw');
    const ids = await zk.whoAmI();
    assert.deepEqual(
      ids.map((i) => `${i.scheme}:${i.user}`).sort(),
      ['digest:carol', 'ip:127.0.0.1', 'sasl:bob'],
    );
  });
});

describe('multiRead', () => {
  test('a missing node among present ones is an error result in its place; the others are valid (3.6+)', async () => {
    const read = (zk: ZooKeeper) =>
      zk.multiRead([
        { op: 'getData', path: '/mr' },
        { op: 'getChildren', path: '/mr-missing' },
        { op: 'getChildren', path: '/mr' },
      ]);
    if (!atLeast(server.version, '3.6.0')) return assertRefusedBefore('3.6.0', server.connectString, read);
    const zk = await connect(server.connectString);
    await zk.create('/mr', 'data');
    await zk.create('/mr/kid');
    const [data, missing, children] = await read(zk);
    assert.equal(data?.type, 'getData');
    assert.equal(data?.type === 'getData' && data.data?.toString(), 'data');
    assert.deepEqual(missing, { type: 'error', code: ErrorCode.NONODE });
    assert.deepEqual(children, { type: 'getChildren', children: ['kid'] });
    await assert.rejects(zk.multiRead([{ op: 'setData', path: '/mr' } as never]), /unknown op setData/);
  });
});
