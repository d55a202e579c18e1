/**
 * Decoding instance znodes for readers that must not stop at bad data (a node written by
 * another tool): a malformed node is skipped and reported once, not on every read.
 * @module
 */
import { decodeInstance, type InvalidInstanceError } from './codec.js';
import type { ServiceInstance } from './types.js';

/** Decodes instance znodes, reporting each malformed path once (again only after it was valid or gone). */
export class InstanceDecoder {
  readonly #reported = new Set<string>();

  /** @param report told of each newly malformed path's {@link InvalidInstanceError}. */
  constructor(private readonly report: (error: InvalidInstanceError) => void) {}

  /** The instance in `node`'s data, or undefined (reported the first time) when it is malformed. Never throws. */
  decode(node: { path: string; data: Buffer | null }): ServiceInstance | undefined {
    try {
      const instance = decodeInstance(node.data, node.path);
      this.#reported.delete(node.path);
      return instance;
    } catch (e) {
      if (!this.#reported.has(node.path)) {
        this.#reported.add(node.path);
        this.report(e as InvalidInstanceError);
      }
      return undefined;
    }
  }

  /** Forgets the reports of paths not in `present` (gone nodes), so a node made again bad is reported again. */
  retain(present: ReadonlySet<string>): void {
    for (const path of this.#reported) if (!present.has(path)) this.#reported.delete(path);
  }
}
