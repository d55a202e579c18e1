/**
 * ACL builders for the identity schemes a client authenticates with: `sasl` (after a SASL
 * exchange: the id is the user), `digest` (after `addAuthInfo('digest', 'user:password')`: the
 * id is `user:base64(sha1(user:password))`, computed here), and `ip`.
 * @module
 */
import { createHash } from 'node:crypto';
import { Perms } from '../protocol/constants.js';
import type { ACL } from '../protocol/records.js';

/** Only the SASL user `user` (e.g. a DIGEST-MD5 user of the JAAS `Server` section). Never throws. */
export function saslACL(user: string, perms: number = Perms.ALL): ACL {
  return { perms, id: { scheme: 'sasl', id: user } };
}

/**
 * Only the client that added `digest` credentials `user:password`. The password is not stored:
 * the id holds its SHA-1, as ZooKeeper's DigestAuthenticationProvider compares it. Never throws.
 */
export function digestACL(user: string, password: string, perms: number = Perms.ALL): ACL {
  const hash = createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64');
  return { perms, id: { scheme: 'digest', id: `${user}:${hash}` } };
}

/** Only clients from `address` (an IP, or `ip/bits` for a network). Never throws. */
export function ipACL(address: string, perms: number = Perms.ALL): ACL {
  return { perms, id: { scheme: 'ip', id: address } };
}
