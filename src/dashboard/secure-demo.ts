/**
 * `zk-elect demo --secure`: the demo's quorum locked down the way production ensembles are
 * (SASL DIGEST-MD5 required, a TLS client port), and what its nodes and its own session need
 * to join it: the TLS connect string, the CA and the password as files (the nodes read them
 * through the same flags a person would use), and the client options.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ZooKeeperOptions } from '../client/index.js';
import type { TestingEnsemble, TestingOptions } from '../testing/index.js';

/** The one SASL user of a secure demo. */
export const DEMO_USER = 'demo';

/** The server settings of a secure demo: a fresh random password for {@link DEMO_USER}. Never throws. */
export function secureServerOptions(): { options: Pick<TestingOptions, 'tls' | 'sasl'>; password: string } {
  const password = randomBytes(18).toString('base64url');
  return { options: { tls: true, sasl: { users: { [DEMO_USER]: password }, required: true } }, password };
}

/** How the demo's nodes and its own session reach a secure ensemble. */
export interface SecureAccess {
  /** The TLS client ports. */
  connectString: string;
  /** The `zk-elect node` flags that carry the credentials (files in the ensemble's temp dir). */
  nodeArgs: string[];
  /** The dashboard's own session options. */
  client: ZooKeeperOptions;
}

/**
 * Writes the CA and the password where the nodes can read them (the ensemble's temp dir, which
 * goes with it) and returns how to connect. Blocks for two small writes.
 * @throws Error if the ensemble has no TLS port.
 */
export async function secureAccess(ensemble: TestingEnsemble, password: string): Promise<SecureAccess> {
  if (!ensemble.tls) throw new Error('the secure demo ensemble has no TLS port');
  const ca = path.join(ensemble.tempDir, 'demo-ca.pem');
  const secret = path.join(ensemble.tempDir, 'demo-password');
  await writeFile(ca, ensemble.tls.ca);
  await writeFile(secret, password, { mode: 0o600 });
  return {
    connectString: ensemble.tls.connectString,
    nodeArgs: ['--tls-ca', ca, '--sasl-user', DEMO_USER, '--sasl-password-file', secret],
    client: { tls: { ca: ensemble.tls.ca }, sasl: { mechanism: 'DIGEST-MD5', username: DEMO_USER, password } },
  };
}
