// zk-elect's client running the oracle's operations, writing the transcript in the text form
// ZkOracle.java prints (see oracle-wire.ts).
import { dialTcp, ErrorCode, ZooKeeper, ZooKeeperError, type Dialer, type OpResult, type Watcher } from '../../src/index.js';
import { aclField, b64, childrenField, eventLine, hex, multiFields, statField, type OracleOp } from './oracle-wire.js';

/** Ping frames (xid -2) are sent by the client on its own; every other frame is a request. */
const PING_XID = -2;

/**
 * A dialer counting the request frames written (not the connect request each connection starts
 * with, nor pings): an operation that fails without adding to the count was rejected before
 * sending, the class ZkOracle prints as REJECTED.
 */
function countingDialer(counter: { sent: number }): Dialer {
  return async (address, options) => {
    const t = await dialTcp(address, options);
    let pending = Buffer.alloc(0);
    let first = true;
    const write = t.write.bind(t);
    t.write = (chunk: Uint8Array) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const len = pending.readInt32BE(0);
        if (!first && len >= 4 && pending.readInt32BE(4) !== PING_XID) counter.sent++;
        first = false;
        pending = pending.subarray(4 + len);
      }
      return write(chunk);
    };
    return t;
  };
}

/** One zk-elect session running a sequence, transcript and all. */
export class OurClient {
  /** The transcript so far: event lines as watchers fire, a result line per op. */
  readonly lines: string[] = [];
  readonly #counter = { sent: 0 };
  #zk!: ZooKeeper;

  /** Connects (the default watcher's events are tagged `default`) and writes op `index`'s result. */
  async connect(index: number, connectString: string, sessionTimeoutMs: number): Promise<void> {
    this.#zk = await ZooKeeper.connect(connectString, {
      sessionTimeout: sessionTimeoutMs,
      watcher: this.#watcher('default'),
      transport: countingDialer(this.#counter),
    });
    await drained();
    this.lines.push(`R\t${index}\tOK`);
  }

  /** Closes the session; the Closed events it tells every watcher come before the result line. */
  async close(index: number): Promise<void> {
    await this.#zk.close();
    await drained();
    this.lines.push(`R\t${index}\tOK`);
  }

  /** Runs op `index` and writes its result line. */
  async run(index: number, o: OracleOp): Promise<void> {
    const sentBefore = this.#counter.sent;
    let result: string;
    try {
      result = `OK${await this.#op(String(index), o)}`;
    } catch (err) {
      if (!(err instanceof ZooKeeperError)) throw err;
      const rejected = err.code === ErrorCode.BADARGUMENTS && this.#counter.sent === sentBefore;
      const results = (err as { results?: OpResult[] }).results;
      result = rejected ? 'REJECTED' : `${err.code}${results ? multiFields(results, this.#zk.sessionId) : ''}`;
    }
    this.lines.push(`R\t${index}\t${result}`);
  }

  async #op(tag: string, o: OracleOp): Promise<string> {
    const zk = this.#zk;
    const stat = (s: Parameters<typeof statField>[0]) => statField(s, zk.sessionId);
    const watcher = (watch: boolean) => (watch ? this.#watcher(tag) : undefined);
    switch (o.op) {
      case 'create': {
        const options = { mode: o.mode, acl: o.acl, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) };
        if (!o.withStat) return `\t${b64(await zk.create(o.path, o.data, options))}`;
        const r = await zk.createWithStat(o.path, o.data, options);
        return `\t${b64(r.path)}\t${stat(r.stat)}`;
      }
      case 'delete':
        await zk.delete(o.path, o.version);
        return '';
      case 'setData':
        return `\t${stat(await zk.setData(o.path, o.data, o.version))}`;
      case 'getData': {
        const r = await zk.getData(o.path, watcher(o.watch));
        return `\t${hex(r.data)}\t${stat(r.stat)}`;
      }
      case 'exists': {
        const s = await zk.exists(o.path, watcher(o.watch));
        return `\t${s ? stat(s) : '-'}`;
      }
      case 'getChildren':
        return `\t${childrenField(await zk.getChildren(o.path, watcher(o.watch)))}`;
      case 'getChildren2': {
        const r = await zk.getChildrenWithStat(o.path, watcher(o.watch));
        return `\t${childrenField(r.children)}\t${stat(r.stat)}`;
      }
      case 'getACL': {
        const r = await zk.getACL(o.path);
        return `\t${aclField(r.acl)}\t${stat(r.stat)}`;
      }
      case 'setACL':
        return `\t${stat(await zk.setACL(o.path, o.acl, o.version))}`;
      case 'sync':
        await zk.sync(o.path);
        return '';
      case 'removeWatches':
        await zk.removeWatches(o.path, o.type);
        return '';
      case 'multi':
        return multiFields(await zk.multi(o.ops), zk.sessionId);
    }
  }

  #watcher(tag: string): Watcher {
    return (e) => this.lines.push(eventLine(tag, e.type, e.state, e.path));
  }
}

/** Lets queued watcher deliveries run (they go through microtasks after a reply or a close). */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));
