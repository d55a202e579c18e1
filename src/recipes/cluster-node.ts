/**
 * The leader/worker node, assembled: a candidate in the election that, when elected, unregisters
 * itself from the service registry and watches it (it coordinates the workers), and when it
 * is a worker, registers its address.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ACL, ZooKeeperOptions } from '../client/index.js';
import { LeaderElection, type LeaderElectionOptions } from './election.js';
import { emitBackgroundError } from './errors.js';
import { abortable, Lifecycle, withStartSignal, type StartOptions } from './lifecycle.js';
import { SessionKeeper } from './session-keeper.js';
import { DEFAULT_REGISTRY } from './defaults.js';
import { AddressDiscovery, AddressRegistry } from './registry.js';

/** Options of a {@link ClusterNode}. */
export interface ClusterNodeOptions {
  /** The address a worker registers (e.g. `http://127.0.0.1:8081`). Also the candidate's data. */
  address: string;
  /** Election parent; default `/election`. */
  electionPath?: string;
  /** Registry parent; default `/service_registry`. */
  registryPath?: string;
  /** Called when this node becomes leader, after it unregistered and started discovery. */
  onElectedToBeLeader?: (node: ClusterNode) => void | Promise<void>;
  /** Called when this node becomes a worker, after it registered its address. */
  onWorker?: (node: ClusterNode) => void | Promise<void>;
  /** Session options (session timeout, TLS, SASL...). */
  zookeeper?: ZooKeeperOptions;
  /** The ACL of its candidate and registry nodes (and parents it creates). Default `OPEN_ACL_UNSAFE`. */
  acl?: readonly ACL[];
}

/** Events of a {@link ClusterNode}. */
export interface ClusterNodeEvents {
  /** The leader's view of the workers changed. */
  workers: [addresses: string[]];
  /** The role wiring failed (it is retried on the next election event). */
  error: [error: unknown];
}

/** A leader/worker node: election plus registry, with the role callbacks wired. */
export class ClusterNode extends EventEmitter<ClusterNodeEvents> {
  readonly election: LeaderElection;
  readonly registry: AddressRegistry;
  readonly discovery: AddressDiscovery;
  private chain: Promise<void> = Promise.resolve();
  private readonly life = new Lifecycle('ClusterNode');

  private constructor(
    readonly session: SessionKeeper,
    private readonly options: ClusterNodeOptions,
  ) {
    super();
    const acl = options.acl ? { acl: options.acl } : {};
    const electionOptions: LeaderElectionOptions = { parent: options.electionPath, data: options.address, ...acl };
    this.election = new LeaderElection(session, electionOptions);
    this.registry = new AddressRegistry(session, options.registryPath ?? DEFAULT_REGISTRY, acl);
    this.discovery = new AddressDiscovery(session, options.registryPath ?? DEFAULT_REGISTRY);
    this.discovery.on('change', (a) => this.emit('workers', a));
    this.discovery.on('error', (e) => emitBackgroundError(this, e, 'discovery'));
    this.registry.on('error', (e) => emitBackgroundError(this, e, 'registry'));
    // Role changes are applied one after another, in the order they happened.
    this.election.on('elected', () => this.serially(() => this.becomeLeader()));
    this.election.on('following', () => this.serially(() => this.becomeWorker()));
    // A leader that lost its leadership stops coordinating at once, not at its next role.
    this.election.on('lost', () => this.discovery.stop());
  }

  /**
   * Connects, joins the election and takes the matching role. Blocks until the first role
   * is applied; `options.signal` aborts both (everything is closed again).
   * @throws as ZooKeeper.connect; TypeError for a missing address; as
   *   {@link ClusterNode.start} (the node is then closed); the abort reason.
   */
  static async start(connectString: string, options: ClusterNodeOptions & StartOptions): Promise<ClusterNode> {
    const node = await ClusterNode.create(connectString, options);
    await node.start(options.signal);
    return node;
  }

  /**
   * Connects but does not join yet: subscribe to `node.election` events, then call
   * {@link ClusterNode.start}. Blocks until connected; `options.signal` aborts connecting.
   * @throws as ZooKeeper.connect; TypeError for a missing address; the abort reason.
   */
  static async create(connectString: string, options: ClusterNodeOptions & StartOptions): Promise<ClusterNode> {
    if (typeof options?.address !== 'string' || !options.address) throw new TypeError('ClusterNode needs an address (e.g. http://127.0.0.1:8080)');
    const session = await SessionKeeper.open(connectString, withStartSignal(options.zookeeper, options));
    return new ClusterNode(session, options);
  }

  /**
   * Joins the election and applies the first role. Blocks until it is applied. Call once.
   * Aborting `signal` first closes the node.
   * @throws Error if started twice or closed; ZooKeeperError if the first round fails (the node is then closed); the abort reason.
   */
  async start(signal?: AbortSignal): Promise<void> {
    try {
      await this.election.start(signal);
      await abortable(signal, () => this.chain, () => this.close());
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** True while this node leads. */
  get isLeader(): boolean {
    return this.election.isLeader;
  }

  /** The workers' addresses as the leader sees them (empty on workers). */
  get workers(): string[] {
    return this.election.isLeader ? this.discovery.getAllServiceAddresses() : [];
  }

  private serially(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((e) => emitBackgroundError(this, e, 'role change'));
  }

  private async becomeLeader(): Promise<void> {
    await this.registry.unregister();
    await this.discovery.start();
    this.emit('workers', this.discovery.getAllServiceAddresses());
    await this.options.onElectedToBeLeader?.(this);
  }

  private async becomeWorker(): Promise<void> {
    this.discovery.stop();
    if (this.registry.node) return; // already registered: following a new predecessor only
    await this.registry.register(this.options.address);
    await this.options.onWorker?.(this);
  }

  /** Leaves the election and the registry and closes the session. Idempotent; never throws. */
  close(): Promise<void> {
    return this.life.close(async () => {
      await this.discovery.close();
      await this.election.close();
      await this.registry.close().catch(() => undefined);
      await this.session.close();
    });
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
