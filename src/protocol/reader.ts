/**
 * Jute binary reader over one frame's payload.
 * @module
 */

/**
 * The codec's one error for bytes that do not hold the record they should: a frame shorter
 * than its record, a length or vector count beyond the frame, an unknown type tag.
 */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Reads big-endian jute primitives from a buffer, advancing an offset. */
export class Reader {
  /** Current read offset. */
  pos: number;

  /** @param buf the bytes to read; @param start first offset to read from. */
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Bytes left after the current offset. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new DecodeError(`truncated record: need ${n} bytes at offset ${this.pos}, frame has ${this.buf.length}`);
    }
  }

  /** Reads a signed 32-bit integer. @throws DecodeError if truncated. */
  int(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a signed 64-bit integer as a bigint. @throws DecodeError if truncated. */
  long(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * Reads a signed 64-bit integer as a number, for values known to fit in 2^53 (times in ms);
   * cheaper than a bigint. @throws DecodeError if truncated.
   */
  longNumber(): number {
    this.need(8);
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  /** Reads a boolean byte (any non-zero is true). @throws DecodeError if truncated. */
  bool(): boolean {
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  /** Reads a length-prefixed buffer (a copy); length -1 gives `null`. @throws DecodeError. */
  buffer(): Buffer | null {
    const n = this.int();
    if (n < 0) return null;
    this.need(n);
    const v = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return v;
  }

  /** Reads a UTF-8 string; length -1 gives `null`. @throws DecodeError if truncated. */
  stringOrNull(): string | null {
    const n = this.int();
    if (n < 0) return null;
    this.need(n);
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Reads a UTF-8 string, mapping null to `""`. @throws DecodeError if truncated. */
  string(): string {
    return this.stringOrNull() ?? '';
  }

  /**
   * Reads a vector; a null vector (count -1) reads as empty. @throws DecodeError when truncated,
   * or at once for a count over the bytes left (every element takes at least one byte), so a
   * hostile count is refused before anything is read for it.
   */
  vector<T>(each: (r: Reader) => T): T[] {
    const n = this.int();
    if (n > this.remaining) throw new DecodeError(`truncated record: vector count ${n} exceeds the ${this.remaining} bytes left at offset ${this.pos}`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }
}
