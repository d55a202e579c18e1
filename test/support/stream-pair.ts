/**
 * Two in-memory duplex streams wired to each other, standing in for the two ends of a TCP
 * connection: what one end writes, the other reads; ending or destroying one end closes the
 * other. Delivery is asynchronous (next tick, in order), as with a socket, so a write never
 * re-enters the writer; and it is drained before any timer or I/O callback runs, so a test
 * that waits one `setImmediate` sees every exchange the bytes set off.
 * @module
 */
import { Duplex } from 'node:stream';

/** Returns `[a, b]`: bytes written to `a` come out of `b` and vice versa. */
export function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const peerOf = (i: number) => ends[1 - i];
  const deliver = (i: number, chunk: Buffer | null) =>
    process.nextTick(() => {
      const peer = peerOf(i);
      if (!peer.destroyed) peer.push(chunk);
    });
  for (const i of [0, 1]) {
    ends.push(
      new Duplex({
        allowHalfOpen: false, // like net.Socket: an end received ends this side too
        read() {},
        write(chunk: Buffer, _encoding, done) {
          deliver(i, chunk);
          done();
        },
        // One chunk per corked batch, as writev on a socket gives the peer one read.
        writev(chunks, done) {
          deliver(i, Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
          done();
        },
        final(done) {
          deliver(i, null);
          done();
        },
        destroy(error, done) {
          // After what was already written: a reset does not overtake bytes in flight here.
          process.nextTick(() => peerOf(i).destroy());
          done(error);
        },
      }),
    );
  }
  return [ends[0], ends[1]];
}
