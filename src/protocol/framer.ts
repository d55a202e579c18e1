/**
 * Frame reassembly: turns a TCP byte stream into whole length-prefixed frames, whatever the
 * chunking. Frames that arrive whole inside one chunk are returned as views, without copying.
 * @module
 */
import { DEFAULT_MAX_FRAME } from './constants.js';

/** Thrown when a frame's declared length is negative or over the configured maximum. */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

/** Incremental frame decoder. Not thread-safe state: one per connection. */
export class FrameDecoder {
  private pending: Buffer | null = null;

  /** @param maxFrame largest payload accepted, in bytes (the client's `jute.maxbuffer`). */
  constructor(private readonly maxFrame = DEFAULT_MAX_FRAME) {}

  /** Bytes held for an incomplete frame (used to count partial frames as traffic). */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Feeds one chunk and calls `onFrame` with each complete payload (without the prefix),
   * in order. @throws FrameTooLargeError on an out-of-range length (the stream is then unusable).
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    while (buf.length - pos >= 4) {
      const len = buf.readInt32BE(pos);
      if (len < 0 || len > this.maxFrame) {
        throw new FrameTooLargeError(`frame length ${len} is out of range (max ${this.maxFrame} bytes)`);
      }
      if (buf.length - pos - 4 < len) break;
      onFrame(buf.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    // Copy the leftover so the (possibly large) chunk it came from can be collected.
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos));
  }
}
