/**
 * Jute binary writer: big-endian primitives into a growable buffer, with the frame's length
 * prefix reserved at offset 0 and patched by {@link Writer.finish}.
 * @module
 */

const EMPTY_LENGTH = -1;

/** Writes one length-prefixed frame. Create one per frame; it is not reusable after `finish()`. */
export class Writer {
  private buf: Buffer;
  private pos = 4;

  /** @param sizeHint expected payload size in bytes; the buffer grows when it is exceeded. */
  constructor(sizeHint = 64) {
    this.buf = Buffer.allocUnsafe(sizeHint + 4);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends a signed 32-bit integer. */
  int(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  /** Appends a signed 64-bit integer. */
  long(v: bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
    return this;
  }

  /** Appends a boolean as one byte. */
  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  /** Appends a length-prefixed byte buffer; `null` is written as length -1. */
  buffer(v: Uint8Array | null | undefined): this {
    if (v == null) return this.int(EMPTY_LENGTH);
    this.int(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** Appends a UTF-8 string with a byte-length prefix; `null` is length -1, `""` is length 0. */
  string(v: string | null | undefined): this {
    if (v == null) return this.int(EMPTY_LENGTH);
    // UTF-8 needs at most 3 bytes per UTF-16 unit; measure exactly only when that bound
    // does not fit, so the common short ASCII path never reallocates.
    const room = this.buf.length - this.pos - 4;
    this.ensure(4 + (v.length * 3 <= room ? 0 : Buffer.byteLength(v, 'utf8')));
    const n = this.buf.write(v, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4 + n;
    return this;
  }

  /** Appends a vector: its count, then each element with `each`. Never writes a null vector. */
  vector<T>(items: readonly T[], each: (w: Writer, item: T) => void): this {
    this.int(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** Payload length so far (excluding the 4-byte prefix). */
  get length(): number {
    return this.pos - 4;
  }

  /** Patches the length prefix and returns the frame, sharing memory with the writer. */
  finish(): Buffer {
    this.buf.writeInt32BE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}
