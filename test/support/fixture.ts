// One real ZooKeeper server per test file, with the clients most tests want.
import { after, before } from 'node:test';
import { SessionKeeper, ZooKeeper } from '../../src/index.js';
import { TestingServer, type TestingOptions } from '../../src/testing/index.js';

/** What {@link serverFixture} gives the tests once `before` ran. */
export interface ServerFixture {
  server: TestingServer;
  /** A plain client, to look at and change what the recipes under test see. */
  admin: ZooKeeper;
  /** A SessionKeeper for the recipes under test. */
  session: SessionKeeper;
}

/** Starts a server, an admin client and a SessionKeeper before the file's tests and stops them after. */
export function serverFixture(options: TestingOptions = { tickTime: 250 }): ServerFixture {
  const fixture = {} as ServerFixture;
  before(async () => {
    fixture.server = await TestingServer.start(options);
    fixture.admin = await ZooKeeper.connect(fixture.server.connectString);
    fixture.session = await SessionKeeper.open(fixture.server.connectString);
  });
  after(async () => {
    await fixture.session?.close();
    await fixture.admin?.close();
    await fixture.server?.stop();
  });
  return fixture;
}
