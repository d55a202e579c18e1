/**
 * SASL DIGEST-MD5 (RFC 2831), client side, with qop `auth` only: what ZooKeeper's server
 * offers to the `Server` section of its JAAS file (`DigestLoginModule`, users `user_NAME="pw"`).
 * The JDK server behind ZooKeeper expects the realm and the digest-uri host `zk-sasl-md5` and
 * the service `zookeeper`; those are the defaults.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SaslExchange, SaslMechanism } from './mechanism.js';

/** Options of {@link digestMd5}. */
export interface DigestMd5Options {
  username: string;
  password: string;
  /** The SASL service (the digest-uri's first part). Default `zookeeper`. */
  protocol?: string;
  /** The server name (the digest-uri's host). Default `zk-sasl-md5`, as ZooKeeper's server uses. */
  serverName?: string;
  /** Act as this identity (rarely used; ZooKeeper authorizes the authentication id). */
  authzid?: string;
}

/**
 * A DIGEST-MD5 mechanism for `username`/`password`. Never blocks.
 * @throws TypeError for an empty username or a non-string password.
 */
export function digestMd5(options: DigestMd5Options): SaslMechanism {
  const { username, password } = options;
  if (typeof username !== 'string' || username === '') throw new TypeError('sasl: username must be a non-empty string');
  if (typeof password !== 'string') throw new TypeError('sasl: password must be a string');
  return { name: 'DIGEST-MD5', user: username, exchange: () => new DigestMd5Exchange(options) };
}

const md5 = (...parts: (string | Buffer)[]) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Buffer) => b.toString('hex');

class DigestMd5Exchange implements SaslExchange {
  #step: 'challenge' | 'rspauth' | 'done' = 'challenge';
  #expectedRspauth = '';

  constructor(
    private readonly opts: DigestMd5Options,
    private readonly cnonce = randomBytes(24).toString('base64'),
  ) {}

  get complete(): boolean {
    return this.#step === 'done';
  }

  initial(): Buffer {
    // ZooKeeper's own clients send an empty first token: the server ignores an initial response.
    return Buffer.alloc(0);
  }

  evaluate(challenge: Buffer): Buffer | null {
    const fields = parseDirectives(challenge.toString('utf8'));
    if (this.#step === 'rspauth') {
      if (fields.get('rspauth') !== this.#expectedRspauth) throw new Error('DIGEST-MD5: the server did not prove it knows the password (bad rspauth)');
      this.#step = 'done';
      return null;
    }
    if (this.#step === 'done') throw new Error('DIGEST-MD5: unexpected token after the exchange completed');
    return this.#respond(fields);
  }

  #respond(challenge: Map<string, string>): Buffer {
    const nonce = challenge.get('nonce');
    if (!nonce) throw new Error('DIGEST-MD5: the server challenge has no nonce');
    const qops = (challenge.get('qop') ?? 'auth').split(',').map((q) => q.trim());
    if (!qops.includes('auth')) throw new Error(`DIGEST-MD5: the server offers qop ${qops.join(',')}; only auth is supported`);
    const utf8 = challenge.get('charset')?.toLowerCase() === 'utf-8';
    const protocol = this.opts.protocol ?? 'zookeeper';
    const serverName = this.opts.serverName ?? 'zk-sasl-md5';
    // The server lists its realms; ZooKeeper's lists only its server name.
    const realm = challenge.get('realm') ?? serverName;
    const digestUri = `${protocol}/${serverName}`;
    const r = digestResponse({ username: this.opts.username, password: this.opts.password, realm, nonce, cnonce: this.cnonce, nc: '00000001', qop: 'auth', digestUri, authzid: this.opts.authzid, utf8 });
    this.#expectedRspauth = r.rspauth;
    this.#step = 'rspauth';
    const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
    const parts = [
      ...(utf8 ? ['charset=utf-8'] : []),
      `username=${q(this.opts.username)}`,
      `realm=${q(realm)}`,
      `nonce=${q(nonce)}`,
      `nc=00000001`,
      `cnonce=${q(this.cnonce)}`,
      `digest-uri=${q(digestUri)}`,
      `maxbuf=65536`,
      `response=${r.response}`,
      `qop=auth`,
      ...(this.opts.authzid ? [`authzid=${q(this.opts.authzid)}`] : []),
    ];
    return Buffer.from(parts.join(','), 'utf8');
  }
}

/** The inputs of one DIGEST-MD5 response (RFC 2831 §2.1.2.1). */
export interface DigestInputs {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  cnonce: string;
  nc: string;
  qop: 'auth';
  digestUri: string;
  authzid?: string;
  /** The server sent `charset=utf-8`: strings are UTF-8 (ISO 8859-1 when they fit in it, as the RFC says). */
  utf8: boolean;
}

/**
 * The client's `response` value and the `rspauth` the server must answer with, as lowercase
 * hex. Pure; never throws.
 */
export function digestResponse(i: DigestInputs): { response: string; rspauth: string } {
  const enc = (s: string) => (i.utf8 && !/[^\u0000-\u00ff]/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, i.utf8 ? 'utf8' : 'latin1'));
  const secret = md5(enc(i.username), ':', enc(i.realm), ':', enc(i.password));
  const a1 = Buffer.concat([secret, Buffer.from(`:${i.nonce}:${i.cnonce}${i.authzid ? `:${i.authzid}` : ''}`, 'utf8')]);
  const ha1 = hex(md5(a1));
  const kd = (a2: string) => hex(md5(`${ha1}:${i.nonce}:${i.nc}:${i.cnonce}:${i.qop}:${hex(md5(a2))}`));
  return { response: kd(`AUTHENTICATE:${i.digestUri}`), rspauth: kd(`:${i.digestUri}`) };
}

/**
 * Parses a DIGEST-MD5 challenge or response-auth: comma-separated `key=value` directives,
 * values optionally quoted with backslash escapes. Keys are lowercased. Never throws (a
 * malformed tail is ignored; the checks above then fail with a clear message).
 */
export function parseDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0] !== '') {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    const key = m[1]!.toLowerCase();
    // A repeated realm lists alternatives; the first is the server's own.
    if (!out.has(key)) out.set(key, value);
    if (re.lastIndex >= text.length) break;
  }
  return out;
}
