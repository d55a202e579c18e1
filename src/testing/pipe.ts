/**
 * One direction of one connection through a {@link TcpProxy}: the bytes (and the end of the
 * stream) one socket sends, delivered to the other socket in order, unless a fault holds or
 * delays them.
 * @module
 */
import type net from 'node:net';

/**
 * Rewrites the first bytes a client sends before any of them are forwarded. Called with all the
 * bytes received so far, after each chunk, until it returns what to forward in their place;
 * `undefined` means "not enough yet". From then on bytes pass unchanged. If the client ends
 * the stream first, what was received is forwarded as it is.
 */
export type OpeningRewrite = (head: Buffer) => Buffer | undefined;

/** A chunk, or the end of the stream (`chunk` undefined), with the time it may be delivered. */
interface Item {
  chunk?: Buffer;
  due: number;
}

/**
 * Delivers what `from` sends to `to`. Faults: {@link Pipe.gate} holds everything until
 * {@link Pipe.open}; {@link Pipe.setDelay} makes each later chunk wait; {@link Pipe.stallUntil}
 * holds everything until a time. Held bytes are delivered, never dropped, so the byte stream
 * stays intact: a healed connection behaves like a real network whose TCP retransmissions
 * finally got through. Order is always kept, across changes of the delay too.
 */
export class Pipe {
  #queue: Item[] = [];
  #gated = false;
  #delayMs = 0;
  #stalledUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #rewrite: OpeningRewrite | undefined;
  #head: Buffer[] = [];

  constructor(
    from: net.Socket,
    private readonly to: net.Socket,
    rewrite?: OpeningRewrite,
  ) {
    this.#rewrite = rewrite;
    from.on('data', (chunk: Buffer) => this.#receive(chunk));
    // 'close' covers both a clean end and a reset; either way the other side must learn of it.
    // A socket that closed before this pipe existed (a target that never answered) ends now.
    if (from.destroyed) this.#push(undefined);
    else
      from.on('close', () => {
        this.#flushHead();
        this.#push(undefined);
      });
  }

  /** Stops delivering; later data and the end of the stream are held. */
  gate(): void {
    this.#gated = true;
    this.#unschedule();
  }

  /** Resumes delivering; what was held goes first, in order (subject to delay and stall). */
  open(): void {
    this.#gated = false;
    this.#pump();
  }

  /** Each chunk received from now on is delivered `ms` later than it came (0: at once). */
  setDelay(ms: number): void {
    this.#delayMs = ms;
  }

  /** Holds everything, held and new, until epoch ms `time` (0 or a past time: no stall). */
  stallUntil(time: number): void {
    this.#stalledUntil = time;
    this.#unschedule();
    this.#pump();
  }

  /** Forgets held bytes (the connection is being destroyed anyway). */
  discard(): void {
    this.#queue = [];
    this.#head = [];
    this.#unschedule();
  }

  #receive(chunk: Buffer): void {
    if (!this.#rewrite) return this.#push(chunk);
    this.#head.push(chunk);
    const replaced = this.#rewrite(Buffer.concat(this.#head));
    if (replaced === undefined) return;
    this.#rewrite = undefined;
    this.#head = [];
    this.#push(replaced);
  }

  #flushHead(): void {
    if (this.#head.length > 0) this.#push(Buffer.concat(this.#head));
    this.#rewrite = undefined;
    this.#head = [];
  }

  #push(chunk: Buffer | undefined): void {
    // The queue is first in, first out: an item due earlier than the one before it (the delay
    // went down meanwhile) waits its turn, so order is kept.
    const due = Date.now() + this.#delayMs;
    this.#queue.push(chunk ? { chunk, due } : { due });
    this.#pump();
  }

  /** Delivers every item that may go now; schedules itself for the next one. */
  #pump(): void {
    if (this.#gated || this.#timer) return;
    for (;;) {
      const item = this.#queue[0];
      if (!item) return;
      const wait = Math.max(item.due, this.#stalledUntil) - Date.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, wait);
        return;
      }
      this.#queue.shift();
      if (item.chunk) this.#write(item.chunk);
      else this.#endOther();
    }
  }

  #unschedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #write(chunk: Buffer): void {
    // The other side may already be gone (e.g. it closed during a partition): drop, don't throw.
    if (!this.to.destroyed) this.to.write(chunk);
  }

  #endOther(): void {
    // end() flushes what was written first; destroy once flushed so no half-open socket lingers.
    if (!this.to.destroyed) this.to.end(() => this.to.destroy());
  }
}
