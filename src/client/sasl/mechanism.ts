/**
 * The plug-in point for SASL mechanisms. ZooKeeper carries SASL tokens in requests of opcode
 * 102 right after the handshake; the mechanism only turns server challenges into responses, so
 * another one (GSSAPI/Kerberos) can be added without touching the session.
 * @module
 */

/** One authentication exchange, for one connection. */
export interface SaslExchange {
  /** The first token the client sends (empty for mechanisms without an initial response). */
  initial(): Buffer;
  /**
   * The response to the server's `challenge`, or null when the exchange is complete and the
   * client sends nothing more. Never blocks.
   * @throws Error when the challenge is malformed or the server's proof is wrong.
   */
  evaluate(challenge: Buffer): Buffer | null;
  /** True once the server has proved itself (or the mechanism needs no proof). */
  readonly complete: boolean;
}

/** A SASL mechanism: a name, and a fresh {@link SaslExchange} per connection. */
export interface SaslMechanism {
  /** The mechanism's IANA name, e.g. `DIGEST-MD5`. */
  readonly name: string;
  /** Who authenticates, for messages (never the secret). */
  readonly user: string;
  /** Starts an exchange. Never blocks. */
  exchange(): SaslExchange;
}
