/**
 * Named services in Apache Curator's x-discovery format: instances registered as
 * `<basePath>/<name>/<id>` znodes holding Curator's JSON, kept registered across reconnects,
 * expiries and deletions, and queried by name.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ErrorCode, errorCode, validatePath, type ACL, type ZooKeeper } from '../../client/index.js';
import { emitBackgroundError } from '../errors.js';
import { KeptNode } from '../kept-node.js';
import { abortable, Lifecycle } from '../lifecycle.js';
import { deleteOwnNode, type OwnNode } from '../own-node.js';
import { join } from '../sequence.js';
import type { SessionKeeper } from '../session-keeper.js';
import { encodeInstance } from './codec.js';
import { buildInstance, validateInstance, validateInstanceId, validateServiceName } from './instance.js';
import { createInstanceNode, deleteInstanceNode, isPersistent } from './instance-node.js';
import { InstanceDecoder } from './malformed.js';
import { listNames, readInstance, readInstances } from './queries.js';
import { ServiceCache } from './service-cache.js';
import { DEFAULT_BASE_PATH, type NewServiceInstance, type ServiceInstance } from './types.js';

/** Options of a {@link ServiceDiscovery}. */
export interface ServiceDiscoveryOptions {
  /** Where the services live. Default {@link DEFAULT_BASE_PATH} (`/services`, as Spring Cloud and Dubbo). */
  basePath?: string;
  /**
   * The ACL of every znode this registers (instances, and the service and base-path containers
   * it makes), e.g. `[saslACL('orders'), ...READ_ACL_UNSAFE]` so only this SASL user may change
   * them while anyone may discover them. Default `OPEN_ACL_UNSAFE`.
   */
  acl?: readonly ACL[];
}

/** Events of a {@link ServiceDiscovery}. */
export interface ServiceDiscoveryEvents {
  /** An instance is registered as `path` (again after a new session or a deletion). */
  registered: [instance: ServiceInstance, path: string];
  /** An instance registered here was unregistered (by unregisterService or close). */
  unregistered: [instance: ServiceInstance];
  /**
   * A re-registration failed (retried on the next reconnect or deletion), or a query met a
   * malformed instance znode (an InvalidInstanceError naming its path, once per path).
   */
  error: [error: unknown];
}

/** One instance registered here: the copy re-registration writes, and the node kept for it. */
interface Registration {
  instance: ServiceInstance;
  readonly kept: KeptNode;
  /** Sessions whose node this registration had: a node of theirs found later is ours to replace. */
  readonly sessions: Set<bigint>;
  /** Until the first registration completes, a node found at the path is replaced, as Curator does. */
  first: boolean;
}

const keyOf = (i: { name: string; id: string }) => `${i.name}/${i.id}`;

/**
 * Registers, updates, unregisters and queries named-service instances under a base path, in
 * Curator's layout and JSON, so Java services on Curator (Spring Cloud Zookeeper, Dubbo) and
 * this process see each other. Registrations are kept in place: a reconnect that keeps the
 * session leaves them untouched (Curator re-creates them: CURATOR-320), a new session after
 * expiry re-creates them, and so does a deletion by anyone else.
 */
export class ServiceDiscovery extends EventEmitter<ServiceDiscoveryEvents> {
  readonly basePath: string;
  readonly #registrations = new Map<string, Registration>();
  readonly #caches = new Set<ServiceCache>();
  readonly #life: Lifecycle;
  readonly #decoder = new InstanceDecoder((e) => emitBackgroundError(this, e, 'service discovery'));
  readonly #acl: readonly ACL[] | undefined;

  /** @throws BadArgumentsError for an invalid base path. */
  constructor(
    readonly session: SessionKeeper,
    options: ServiceDiscoveryOptions = {},
  ) {
    super();
    this.basePath = options.basePath ?? DEFAULT_BASE_PATH;
    validatePath(this.basePath);
    this.#acl = options.acl;
    this.#life = new Lifecycle(`ServiceDiscovery of ${this.basePath}`);
  }

  /**
   * Registers an instance (defaults as in {@link buildInstance}) and keeps it registered until
   * unregistered or closed. Registering an id this ServiceDiscovery holds already replaces
   * that registration. A node of another session found at the path is replaced, as Curator
   * does. Blocks until the znode exists; aborting `signal` first unregisters.
   * @throws TypeError / RangeError for bad fields (name, id, ports...); Error after close;
   * ZooKeeperError when the create fails; the abort reason.
   */
  async registerService<P>(spec: NewServiceInstance<P>, signal?: AbortSignal): Promise<ServiceInstance<P>> {
    const instance = buildInstance(spec);
    this.#checkOpen();
    const old = this.#registrations.get(keyOf(instance));
    if (old && old.instance.serviceType === instance.serviceType) {
      await this.updateService(instance);
      return instance;
    }
    if (old) await this.unregisterService(old.instance);
    const reg = this.#track({ ...instance });
    try {
      await abortable(signal, () => reg.kept.keep(), () => undefined); // the catch below drops it
    } catch (e) {
      await this.#drop(reg);
      throw e;
    }
    reg.first = false;
    return instance;
  }

  /** Forgets a registration whose first registration failed or was aborted, deleting any node it made. Never rejects. */
  async #drop(reg: Registration): Promise<void> {
    if (this.#registrations.get(keyOf(reg.instance)) === reg) this.#registrations.delete(keyOf(reg.instance));
    await reg.kept.close(true).catch(() => undefined);
  }

  #track(instance: ServiceInstance): Registration {
    const parent = join(this.basePath, instance.name);
    const persistent = isPersistent(instance.serviceType);
    const reg: Registration = {
      instance,
      sessions: new Set(),
      first: true,
      kept: new KeptNode(this.session, {
        persistent,
        create: (zk) => this.#create(zk, parent, reg),
        remove: (node) => (persistent ? deleteInstanceNode(this.session, node.path) : deleteOwnNode(this.session.client, node)),
        onKept: (node) => (reg.sessions.add(node.sessionId), this.emit('registered', reg.instance, node.path)),
        onError: (e) => emitBackgroundError(this, e, `re-registering ${keyOf(reg.instance)}`),
      }),
    };
    this.#registrations.set(keyOf(instance), reg);
    return reg;
  }

  #create(zk: ZooKeeper, parent: string, reg: Registration): Promise<OwnNode> {
    return createInstanceNode(zk, {
      parent,
      id: reg.instance.id,
      type: reg.instance.serviceType,
      data: encodeInstance(reg.instance),
      ...(this.#acl ? { acl: this.#acl } : {}),
      // A re-registration takes back only what was ours (a node of our expired session the
      // server has not removed yet), never another live registration of the same id.
      mayReplace: (owner) => reg.first || reg.sessions.has(owner),
    });
  }

  /**
   * Writes a new version of an instance registered here (Curator's updateService: setData). The
   * new copy is also what any later re-registration writes. A write cut by a connection loss is
   * retried; a node gone meanwhile is re-created with the new copy. Blocks until written.
   * @throws Error when this ServiceDiscovery did not register (name, id); TypeError / RangeError for bad fields; ZooKeeperError.
   */
  async updateService(instance: ServiceInstance): Promise<void> {
    validateInstance(instance);
    const reg = this.#registrations.get(keyOf(instance));
    if (!reg) throw new Error(`service not registered here: ${keyOf(instance)}`);
    if (instance.serviceType !== reg.instance.serviceType) throw new TypeError(`updateService cannot change the serviceType of ${keyOf(instance)} (unregister and register it again)`);
    reg.instance = { ...instance };
    const data = encodeInstance(reg.instance);
    await reg.kept.withNode((node) => (node ? this.#write(node, data, isPersistent(instance.serviceType)) : Promise.resolve()));
  }

  /** setData through blips; a node gone (or of an ended session) is left to re-registration, which writes the new copy. */
  async #write(node: OwnNode, data: Buffer, persistent: boolean): Promise<void> {
    for (;;) {
      const zk = persistent ? await this.session.whenConnected() : this.session.client;
      if (!persistent && zk.sessionId !== node.sessionId) return;
      try {
        await zk.setData(node.path, data);
        return;
      } catch (e) {
        const code = errorCode(e);
        if (code === ErrorCode.NONODE || (!persistent && code === ErrorCode.SESSIONEXPIRED)) return;
        if (code !== ErrorCode.CONNECTIONLOSS && code !== ErrorCode.SESSIONEXPIRED) throw e;
        if (!persistent) await zk.whenConnected().catch(() => undefined);
      }
    }
  }

  /**
   * Removes an instance's znode and stops keeping it. Idempotent: an instance already gone, or
   * a delete whose reply a connection loss swallowed, is success (CURATOR-617); the delete is
   * retried through blips. An instance not registered here is deleted at `<basePath>/<name>/<id>`,
   * as Curator does. Blocks until deleted.
   * @throws TypeError for a bad name or id; ClientClosedError when the session closes first; other ZooKeeperErrors.
   */
  async unregisterService(instance: ServiceInstance | { name: string; id: string }): Promise<void> {
    validateServiceName(instance.name);
    validateInstanceId(instance.id);
    const reg = this.#registrations.get(keyOf(instance));
    if (!reg) return deleteInstanceNode(this.session, join(join(this.basePath, instance.name), instance.id));
    this.#registrations.delete(keyOf(instance));
    await reg.kept.close(true);
    this.emit('unregistered', reg.instance);
  }

  /**
   * The znode path of an instance registered here (DYNAMIC_SEQUENTIAL adds ZooKeeper's suffix),
   * or undefined when it is not registered (or not yet). Never blocks.
   */
  pathOf(instance: { name: string; id: string }): string | undefined {
    return this.#registrations.get(keyOf(instance))?.kept.node?.path;
  }

  /** The instances registered here, as this process last wrote them. Never blocks. */
  get registered(): ServiceInstance[] {
    return [...this.#registrations.values()].map((r) => r.instance);
  }

  /**
   * The names of all services: the children of the base path, sorted (none when it is missing).
   * Blocks for one getChildren. @throws ZooKeeperError (ConnectionLossError on a blip).
   */
  async queryForNames(): Promise<string[]> {
    return listNames(this.session.client, this.basePath);
  }

  /**
   * Every instance of service `name`, in znode-name order (none when the service is missing).
   * A malformed znode is skipped and reported once as an `error` event naming its path. Blocks
   * for one getChildren and one getData per instance.
   * @throws TypeError for a bad name; ZooKeeperError (ConnectionLossError on a blip).
   */
  async queryForInstances(name: string): Promise<ServiceInstance[]> {
    validateServiceName(name);
    return readInstances(this.session.client, join(this.basePath, name), this.#decoder);
  }

  /**
   * The instance `id` of service `name`, or undefined. A DYNAMIC_SEQUENTIAL instance (whose znode
   * name has a suffix) is found by its JSON id. A malformed znode reads as undefined and is
   * reported once as an `error` event. Blocks for one getData (plus a listing when not found).
   * @throws TypeError for a bad name or id; ZooKeeperError (ConnectionLossError on a blip).
   */
  async queryForInstance(name: string, id: string): Promise<ServiceInstance | undefined> {
    validateServiceName(name);
    validateInstanceId(id);
    return readInstance(this.session.client, join(this.basePath, name), id, this.#decoder);
  }

  /**
   * A cache of service `name`'s instances under this base path, not started yet; close() closes
   * it. Never blocks. @throws TypeError for a bad name; Error after close.
   */
  serviceCache(name: string): ServiceCache {
    this.#checkOpen();
    const cache = new ServiceCache(this.session, name, { basePath: this.basePath });
    this.#caches.add(cache);
    return cache;
  }

  #checkOpen(): void {
    if (this.#life.closed) throw new Error(`ServiceDiscovery of ${this.basePath} was closed`);
  }

  /**
   * Closes the caches made here and unregisters every instance registered here, except
   * PERMANENT ones, which stay (Curator deletes them too: CURATOR-94). Idempotent. Does not
   * close the session. Blocks for the deletes.
   * @throws the first delete failure, after every other was tried.
   */
  close(): Promise<void> {
    return this.#life.close(async () => {
      await Promise.all([...this.#caches].map((c) => c.close()));
      const regs = [...this.#registrations.values()];
      this.#registrations.clear();
      const results = await Promise.allSettled(regs.map((r) => this.#release(r)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    });
  }

  async #release(reg: Registration): Promise<void> {
    const remove = reg.instance.serviceType !== 'PERMANENT';
    await reg.kept.close(remove);
    if (remove) this.emit('unregistered', reg.instance);
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
