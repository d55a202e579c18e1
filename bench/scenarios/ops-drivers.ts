/**
 * The two in-process clients of the `ops` scenario behind one callback interface: zk-elect
 * (the natural promise usage) and node-zookeeper-client (CommonJS, callback based).
 * @module
 */
import { createRequire } from 'node:module';
import { ZooKeeper } from 'zk-elect';
import type { Done } from '../lib/pipeline.js';

/** One connected client; each call completes through `done` exactly once. */
export interface Driver {
  getData(path: string, done: Done): void;
  create(path: string, done: Done): void;
  /** Closes the session. Blocks until it is closed (node-zookeeper-client: at most 2 s). */
  close(): Promise<void>;
}

/** Connects zk-elect's client to `cs`. Blocks until connected. @throws what `ZooKeeper.connect` throws. */
export async function zkElectDriver(cs: string): Promise<Driver> {
  const zk = await ZooKeeper.connect(cs, { sessionTimeout: 30_000 });
  return {
    // One reaction per call, as an application would write it.
    getData: (path, done) => void zk.getData(path).then(() => done(), done),
    create: (path, done) => void zk.create(path).then(() => done(), done),
    close: () => zk.close(),
  };
}

type NzcCallback<T> = (error: Error | null, result?: T) => void;

/** The part of node-zookeeper-client's Client the driver uses (it bundles no types). */
interface NzcClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected', listener: () => void): this;
  getData(path: string, callback: (error: Error | null, data?: Buffer, stat?: unknown) => void): void;
  create(path: string, callback: NzcCallback<string>): void;
}

interface NzcModule {
  createClient(connectString: string, options?: { sessionTimeout?: number; spinDelay?: number; retries?: number }): NzcClient;
}

// No `declare module` is possible from a module file, so load it through require with a local type.
const nzc = createRequire(import.meta.url)('node-zookeeper-client') as NzcModule;

/** Connects node-zookeeper-client to `cs`. Blocks until connected. @throws Error when it is not connected within 15 s. */
export async function nzcDriver(cs: string): Promise<Driver> {
  const client = nzc.createClient(cs, { sessionTimeout: 30_000 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`node-zookeeper-client could not connect to ${cs} within 15000 ms`));
    }, 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return {
    getData: (path, done) => client.getData(path, (err) => (err ? done(err) : done())),
    create: (path, done) => client.create(path, (err) => (err ? done(err) : done())),
    close: () =>
      new Promise<void>((resolve) => {
        // close() queues closeSession; the socket closes when the server answers.
        const timer = setTimeout(resolve, 2_000);
        client.once('disconnected', () => (clearTimeout(timer), resolve()));
        client.close();
      }),
  };
}
