/**
 * Requests waiting for their reply, in send order. The server answers a session's requests in
 * the order they were sent, so replies are matched by popping the head and checking the xid.
 * @module
 */
import type { Reader } from '../protocol/reader.js';
import { MarshallingError, ZooKeeperError } from './errors.js';

/** One request: its encoded frame and how to turn the reply into a result. */
export interface PendingRequest {
  xid: number;
  frame: Buffer;
  /** Called with the reply's error code and a reader positioned at the body; may throw. */
  decode: (err: number, r: Reader) => unknown;
  resolve: (value: any) => void;
  reject: (err: ZooKeeperError) => void;
}

/** A FIFO with O(1) push and shift, compacting its backing array now and then. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  /** Appends an item. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Number of queued items. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }
}

/**
 * Completes a request from its reply. A decoder's ZooKeeperError rejects the request; any other
 * failure means the reply was malformed: the request rejects with MarshallingError and the
 * function returns false, telling the caller the stream can no longer be trusted.
 */
export function completeRequest(p: PendingRequest, err: number, r: Reader): boolean {
  let value: unknown;
  try {
    value = p.decode(err, r);
  } catch (e) {
    if (e instanceof ZooKeeperError) {
      p.reject(e);
      return true;
    }
    p.reject(new MarshallingError(undefined, `malformed reply from the server: ${(e as Error).message}`, { cause: e }));
    return false;
  }
  p.resolve(value);
  return true;
}
