/**
 * A getChildren reply's names kept as the reply's bytes, decoded one at a time on demand. An
 * election of thousands of candidates lists the parent on every join and every predecessor
 * change, and reads two names of each listing (the leader and the predecessor): decoding every
 * name into a string was most of a large fleet's client CPU (see bench/README, the fleet).
 * @module
 */
import { DecodeError, type Reader } from './reader.js';

/** The names of a getChildren reply, in the server's order; see the module. Immutable. */
export class NameList implements Iterable<string> {
  /**
   * @param bytes the names with their length prefixes (see {@link NameList.read} on when it is a copy);
   * @param starts each name's first byte, and at `length` one past the last name's end plus 4,
   *   so that name `i` ends at `starts[i + 1] - 4` (one array, not two: a 10,000-name listing is
   *   read on every join of a large election, and what it allocates is what the GC pays for).
   */
  private constructor(
    private readonly bytes: Buffer,
    private readonly starts: Int32Array,
  ) {}

  /**
   * Reads a jute vector of strings (the names of a getChildren reply) without decoding them.
   * The names stay a view of the frame when they fill most of its memory (a large reply, which
   * the frame decoder assembled into a buffer of its own), and are copied otherwise, so that a
   * kept listing does not hold a socket read's whole chunk.
   * @throws DecodeError when truncated.
   */
  static read(r: Reader): NameList {
    const count = r.int();
    if (count > r.remaining) throw new DecodeError(`truncated record: vector count ${count} exceeds the ${r.remaining} bytes left at offset ${r.pos}`);
    const first = r.pos;
    const n = Math.max(0, count);
    const starts = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      // A null name (length -1) reads as "", as Reader.string() has it.
      const len = Math.max(0, r.int());
      if (len > r.remaining) throw new DecodeError(`truncated record: name ${i} of ${len} bytes at offset ${r.pos}, frame has ${r.buf.length}`);
      starts[i] = r.pos - first;
      r.pos += len;
    }
    starts[n] = r.pos - first + 4;
    const view = r.buf.subarray(first, r.pos);
    return new NameList(2 * view.length >= view.buffer.byteLength ? view : Buffer.from(view), starts);
  }

  /** How many names. */
  get length(): number {
    return this.starts.length - 1;
  }

  /** The `i`-th name, decoded (UTF-8); undefined out of range. */
  at(i: number): string | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    return this.bytes.toString('utf8', this.starts[i], this.end(i));
  }

  /**
   * The `i`-th name's sequence when it is `prefix` + ZooKeeper's sequence suffix (`%010d` of a
   * signed 32-bit counter: 10 digits, or `-` and 10 after the counter wraps), else NaN (also
   * out of range). Reads the bytes, decodes nothing, allocates nothing. The same rule as
   * recipes/sequence.ts's on strings (test/sequence.test.ts holds the two to each other);
   * written twice because a shared parser through a per-character callback made this pass
   * three times slower.
   */
  sequenceAt(i: number, prefix: Uint8Array): number {
    if (!(i >= 0 && i < this.length)) return NaN;
    return suffixAt(this.bytes, this.starts[i] as number, this.end(i), prefix);
  }

  /** Every name's {@link NameList.sequenceAt}, in order. */
  sequences(prefix: Uint8Array): Float64Array {
    const out = new Float64Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.sequenceAt(i, prefix);
    return out;
  }

  /** Whether the `i`-th name's bytes are exactly `name`'s (UTF-8). */
  is(i: number, name: Uint8Array): boolean {
    if (!(i >= 0 && i < this.length)) return false;
    const start = this.starts[i] as number;
    if (this.end(i) - start !== name.length) return false;
    for (let j = 0; j < name.length; j++) if (this.bytes[start + j] !== name[j]) return false;
    return true;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as string;
  }

  /** All the names, decoded. */
  toArray(): string[] {
    return [...this];
  }

  /** One past the `i`-th name's last byte. */
  private end(i: number): number {
    return (this.starts[i + 1] as number) - 4;
  }
}

/** The sequence of the name in `bytes[start, end)` when it is `prefix` + a sequence suffix, else NaN. */
function suffixAt(bytes: Buffer, start: number, end: number, prefix: Uint8Array): number {
  let j = start + prefix.length;
  const digits = end - j;
  if (digits !== 10 && digits !== 11) return NaN;
  for (let k = 0; k < prefix.length; k++) if (bytes[start + k] !== prefix[k]) return NaN;
  const negative = digits === 11;
  if (negative && bytes[j++] !== 45 /* - */) return NaN;
  let v = 0;
  for (; j < end; j++) {
    const d = (bytes[j] as number) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}
