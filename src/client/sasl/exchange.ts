/**
 * Runs one SASL exchange on a fresh connection, right after the ConnectResponse and before
 * anything else is sent (as ZooKeeper's Java and C clients do): the server answers each
 * opcode-102 request with the next token, and a failure with an error code, then closes.
 * @module
 */
import { ErrorCode, OpCode } from '../../protocol/constants.js';
import { Reader } from '../../protocol/reader.js';
import { patchXid, requestWriter } from '../../protocol/requests.js';
import type { Clock } from '../clock.js';
import type { Connection } from '../connection.js';
import type { SaslMechanism } from './mechanism.js';

/** The server refused the credentials, or cannot do SASL: retrying would not help. */
export class SaslRefusedError extends Error {
  override name = 'SaslRefusedError';
}

/** What each round needs from the session: the connection, the next xid, the clock, a bound. */
export interface ExchangeContext {
  conn: Connection;
  nextXid(): number;
  clock: Clock;
  timeoutMs: number;
}

/**
 * Authenticates `mechanism` on `ctx.conn`. Blocks for the exchange's round trips (two for
 * DIGEST-MD5), each bounded by `timeoutMs`.
 * @throws SaslRefusedError when the server refuses (wrong user or password, SASL not
 *   configured on the server); Error when the connection drops or a round times out.
 */
export async function authenticate(mechanism: SaslMechanism, ctx: ExchangeContext): Promise<void> {
  const exchange = mechanism.exchange();
  let token: Buffer | null = exchange.initial();
  while (token !== null) {
    const reply = await round(ctx, token);
    if (reply.err !== 0) throw new SaslRefusedError(refusal(mechanism, reply.err));
    if (reply.token === null) {
      if (exchange.complete) return;
      throw new SaslRefusedError(`the server sent no ${mechanism.name} challenge: it has no SASL configured (no JAAS Server section), or lets failed SASL clients in`);
    }
    try {
      token = exchange.evaluate(reply.token);
    } catch (err) {
      throw new SaslRefusedError((err as Error).message);
    }
  }
}

function refusal(mechanism: SaslMechanism, err: number): string {
  const why = `the server refused ${mechanism.name} authentication as "${mechanism.user}" (wrong user or password, or a realm the server does not serve)`;
  return err === ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH ? `${why}; it requires SASL and closed the session` : why;
}

/** Sends one token and resolves with the reply's error code and token. */
function round(ctx: ExchangeContext, token: Buffer): Promise<{ err: number; token: Buffer | null }> {
  const { conn, clock, timeoutMs } = ctx;
  const frame = requestWriter(OpCode.sasl, token.length + 8).buffer(token).finish();
  patchXid(frame, ctx.nextXid());
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => conn.destroy(new Error(`no SASL reply within ${timeoutMs} ms`)), timeoutMs);
    conn.attach({
      onFrame: (payload) => {
        clock.clearTimeout(timer);
        const r = new Reader(payload);
        r.int(); // xid: the Java client does not check it either; nothing else is in flight
        r.long();
        const err = r.int();
        try {
          resolve({ err, token: err === 0 || r.remaining > 0 ? r.buffer() : null });
        } catch {
          resolve({ err, token: null });
        }
      },
      onClose: (err) => {
        clock.clearTimeout(timer);
        reject(err ?? new Error('the server closed the connection during SASL authentication'));
      },
    });
    conn.write(frame);
  });
}
