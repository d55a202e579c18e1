/**
 * The session handshake: ConnectRequest (first client frame, no header) and ConnectResponse.
 * @module
 */
import { DecodeError, Reader } from './reader.js';
import { Writer } from './writer.js';

/** Fields of a ConnectRequest. */
export interface ConnectRequest {
  lastZxidSeen: bigint;
  timeoutMs: number;
  sessionId: bigint;
  /** 16 bytes; zeros for a new session. */
  password: Uint8Array;
  readOnly: boolean;
}

/** Fields of a ConnectResponse. `timeoutMs <= 0` means the session is expired or invalid. */
export interface ConnectResponse {
  protocolVersion: number;
  timeoutMs: number;
  sessionId: bigint;
  password: Buffer;
  readOnly: boolean;
}

/**
 * Encodes a ConnectRequest frame. The readOnly byte is always sent: servers that see it reply
 * with a readOnly byte too, and without it a 3.4–3.8 server treats us as an "old client".
 */
export function encodeConnectRequest(req: ConnectRequest): Buffer {
  return new Writer(45)
    .int(0)
    .long(req.lastZxidSeen)
    .int(req.timeoutMs)
    .long(req.sessionId)
    .buffer(req.password)
    .bool(req.readOnly)
    .finish();
}

/**
 * Decodes a ConnectResponse payload (36 or 37 bytes): the trailing readOnly byte is read
 * only when present. @throws DecodeError if truncated, or naming the server's error code for
 * a bare 16-byte ReplyHeader (a refused session).
 */
export function decodeConnectResponse(payload: Buffer): ConnectResponse {
  // A read-only server without local sessions answers a new session with a bare ReplyHeader.
  if (payload.length === 16) {
    const err = payload.readInt32BE(12);
    throw new DecodeError(`the server refused to create a session (error ${err}${err === -119 ? ': a read-only server needs localSessionsEnabled=true to serve new sessions' : ''})`);
  }
  const r = new Reader(payload);
  const protocolVersion = r.int();
  const timeoutMs = r.int();
  const sessionId = r.long();
  const password = r.buffer() ?? Buffer.alloc(16);
  const readOnly = r.remaining >= 1 ? r.bool() : false;
  return { protocolVersion, timeoutMs, sessionId, password, readOnly };
}
