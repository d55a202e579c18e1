/**
 * One node a recipe keeps in place for as long as it wants it: re-made on the replacement
 * session after an expiry, and re-made at once when someone deletes it (a watch on the node),
 * but left untouched by a reconnect that keeps the session (its watch is merely restored). The
 * flat registry's address and every named-service registration are kept this way.
 * @module
 */
import { EventType, KeeperState, type WatchedEvent, type ZooKeeper } from '../client/index.js';
import type { OwnNode } from './own-node.js';
import type { SessionKeeper } from './session-keeper.js';

/** How a {@link KeptNode} makes, counts and removes its node. */
export interface KeptNodeOptions {
  /** Makes the node on `zk` (once per call; it handles lost replies itself). */
  create(zk: ZooKeeper): Promise<OwnNode>;
  /** Deletes a node made by `create` (retrying through blips). Must not reject for a node already gone. */
  remove(node: OwnNode): Promise<void>;
  /** True for a persistent node: it still counts after its session is replaced. Default false. */
  persistent?: boolean;
  /** Told each time the node is (re-)made. */
  onKept?(node: OwnNode): void;
  /** Told when a background re-make fails (it is retried on the next reconnect or deletion). */
  onError(error: unknown): void;
}

/**
 * Keeps one node in place between {@link KeptNode.keep} and {@link KeptNode.release}. Makes are
 * run one at a time, so a reconnect during a make cannot make a second node.
 */
export class KeptNode {
  #node: OwnNode | undefined;
  #active = false;
  /** Bumped by release: a make or a watch of an older generation does nothing more. */
  #gen = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** One watcher per generation, so re-checking the node after each reconnect adds no watcher. */
  #onDeleted = this.#watch(0);
  readonly #unsubscribe: () => void;

  /** Follows `session` (its reconnects and replacement sessions) from now until {@link KeptNode.close}. Never throws. */
  constructor(
    private readonly session: SessionKeeper,
    private readonly options: KeptNodeOptions,
  ) {
    // SyncConnected comes after each reconnect and after each replacement session: the moments
    // the node may be missing. After a reconnect the check costs one exists.
    const onState = (s: KeeperState) => s === KeeperState.SyncConnected && this.#active && this.#background();
    session.on('state', onState);
    this.#unsubscribe = () => session.off('state', onState);
  }

  /** The node as last made, while kept. */
  get node(): OwnNode | undefined {
    return this.#node;
  }

  /**
   * Starts keeping the node and resolves once it exists (made, or found still in place).
   * Blocks through reconnects. @throws ZooKeeperError when the make fails (e.g. the session ended).
   */
  keep(): Promise<OwnNode> {
    this.#active = true;
    return this.#serial(() => this.#ensure(this.#gen));
  }

  /**
   * Runs `fn` with the node (undefined when there is none) once every make queued before it is
   * done, and before any make queued after: a write to the node here cannot race a re-make.
   * Blocks as `fn` does. @throws what `fn` throws.
   */
  withNode<T>(fn: (node: OwnNode | undefined) => Promise<T>): Promise<T> {
    return this.#serial(() => fn(this.#node));
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #background(): void {
    // Checked when it runs, not when queued: a release in between means there is nothing to keep.
    void this.#serial(async () => this.#active && (await this.#ensure(this.#gen))).catch((e) => this.#active && this.options.onError(e));
  }

  async #ensure(gen: number): Promise<OwnNode> {
    const zk = this.session.client;
    const node = this.#node;
    if (node && (await this.#stillOurs(zk, node))) return node;
    const made = await this.options.create(zk);
    if (gen !== this.#gen || !this.#active) {
      await this.options.remove(made); // released meanwhile: leave nothing behind
      return made;
    }
    this.#node = made;
    if (!(await zk.exists(made.path, this.#onDeleted))) return this.#ensure(gen);
    this.options.onKept?.(made);
    return made;
  }

  /**
   * Whether `node` is still in place, watching it either way. An ephemeral node counts only while
   * its session is ours: a node at the path of another session (someone took the name over) does
   * not, and its watch tells us when it goes.
   */
  async #stillOurs(zk: ZooKeeper, node: OwnNode): Promise<boolean> {
    if (!this.options.persistent && node.sessionId !== zk.sessionId) return false;
    const stat = await zk.exists(node.path, this.#onDeleted);
    return stat !== null && (this.options.persistent || stat.ephemeralOwner === zk.sessionId);
  }

  #watch(gen: number): (ev: WatchedEvent) => void {
    return (ev) => {
      if (ev.type === EventType.NodeDeleted && gen === this.#gen && this.#active) this.#background();
    };
  }

  /**
   * Stops keeping the node and, if `remove` (default true), deletes it. Idempotent. Blocks for the delete.
   * @throws what the delete throws (other than the node being gone).
   */
  async release(remove = true): Promise<void> {
    this.#onDeleted = this.#watch(++this.#gen);
    this.#active = false;
    const node = this.#node;
    this.#node = undefined;
    if (node && remove) await this.options.remove(node);
  }

  /** Releases (deleting the node unless `remove` is false) and stops following the session. */
  async close(remove = true): Promise<void> {
    this.#unsubscribe();
    await this.release(remove);
  }
}
