/**
 * Frame reassembly: turns a TCP byte stream into whole length-prefixed frames, whatever the
 * chunking. Frames that arrive whole inside one chunk are returned as views, without copying;
 * a frame split over chunks is copied once, into a buffer of its declared length.
 * @module
 */
import { DEFAULT_MAX_FRAME } from './constants.js';

/** Thrown when a frame's declared length is negative or over the configured maximum. */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

/** Incremental frame decoder. Not thread-safe state: one per connection. */
export class FrameDecoder {
  /**
   * A length prefix split over chunks: its bytes so far, big-endian, and how many. A number,
   * not a 4-byte Buffer: every connection has a decoder, and a Buffer of its own costs a
   * connection about 0.3 KB of heap (a 20,000-session fleet's per-candidate budget is 10 KB).
   */
  private prefixValue = 0;
  private prefixFilled = 0;
  /**
   * The frame being assembled, allocated at its declared length once its prefix is known, so
   * each byte is copied once however many chunks it comes in (a 300 KB listing arrives in
   * five or more socket reads; concatenating the leftover with each would copy it each time).
   */
  private partial: Buffer | null = null;
  private partialFilled = 0;

  /** @param maxFrame largest payload accepted, in bytes (the client's `jute.maxbuffer`). */
  constructor(private readonly maxFrame = DEFAULT_MAX_FRAME) {}

  /** Bytes held for an incomplete frame, its prefix included (used to count partial frames as traffic). */
  get buffered(): number {
    return this.partial ? 4 + this.partialFilled : this.prefixFilled;
  }

  /**
   * Feeds one chunk and calls `onFrame` with each complete payload (without the prefix),
   * in order. @throws FrameTooLargeError on an out-of-range length (the stream is then unusable).
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.partial) {
        pos = this.fill(chunk, pos, onFrame);
      } else if (this.prefixFilled > 0 || chunk.length - pos < 4) {
        pos = this.takePrefix(chunk, pos);
        if (this.prefixFilled < 4) return;
        this.prefixFilled = 0;
        pos = this.body(this.checked(this.prefixValue | 0), chunk, pos, onFrame); // | 0: as a signed int32
      } else {
        pos = this.body(this.checked(chunk.readInt32BE(pos)), chunk, pos + 4, onFrame);
      }
    }
  }

  /** A payload of `len` bytes starting at `pos`: handed out as a view when whole, else begun. Returns the next position. */
  private body(len: number, chunk: Buffer, pos: number, onFrame: (payload: Buffer) => void): number {
    if (chunk.length - pos >= len) {
      onFrame(chunk.subarray(pos, pos + len));
      return pos + len;
    }
    this.partial = Buffer.allocUnsafe(len);
    this.partialFilled = 0;
    return pos;
  }

  /** Copies what `chunk` holds of the frame being assembled, handing it out once complete. Returns the next position. */
  private fill(chunk: Buffer, pos: number, onFrame: (payload: Buffer) => void): number {
    const frame = this.partial as Buffer;
    const n = chunk.copy(frame, this.partialFilled, pos);
    this.partialFilled += n;
    if (this.partialFilled === frame.length) {
      this.partial = null;
      this.partialFilled = 0;
      onFrame(frame);
    }
    return pos + n;
  }

  /** Copies up to the rest of a length prefix from `chunk` at `pos`. Returns the next position. */
  private takePrefix(chunk: Buffer, pos: number): number {
    if (this.prefixFilled === 0) this.prefixValue = 0;
    for (; pos < chunk.length && this.prefixFilled < 4; pos++, this.prefixFilled++) {
      this.prefixValue = this.prefixValue * 256 + (chunk[pos] as number);
    }
    return pos;
  }

  /** @throws FrameTooLargeError for a negative length or one over the maximum. */
  private checked(len: number): number {
    if (len < 0 || len > this.maxFrame) {
      throw new FrameTooLargeError(`frame length ${len} is out of range (max ${this.maxFrame} bytes)`);
    }
    return len;
  }
}
