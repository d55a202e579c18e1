/**
 * A self-signed TLS identity for a test server's `secureClientPort`, made with the JDK's
 * `keytool` (and `openssl`, when installed, to export the private key).
 * @module
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A self-signed server identity for `secureClientPort`. */
export interface TlsMaterial {
  /** PKCS12 keystore the server reads. */
  keyStore: string;
  /** Keystore password (random per run). */
  password: string;
  /** PEM certificate to trust (`tls.connect({ ca })`); self-signed, so the same as `cert`. */
  ca: string;
  /** PEM server certificate (SAN IP:127.0.0.1, DNS:localhost). */
  cert: string;
  /** PEM private key (PKCS#8), if `openssl` was available to extract it from the keystore. */
  key?: string;
}

/**
 * Generates a PKCS12 keystore with a self-signed EC certificate into `dir` using the JDK's
 * `keytool`, and exports it as PEM. Blocks for one or two short JVM runs (~1-3 s).
 *
 * @throws {Error} if keytool fails (its stderr is in the message).
 */
export async function createTlsMaterial(dir: string, java: string): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true });
  const keytool = await siblingTool(java, 'keytool');
  const keyStore = path.join(dir, 'server.p12');
  const password = randomBytes(12).toString('hex');
  const common = ['-J-Xshare:auto', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-keystore', keyStore];
  const secret = ['-storetype', 'PKCS12', '-storepass', password];
  await run(keytool, [
    '-genkeypair', ...common, ...secret, '-keypass', password, '-alias', 'zk', '-keyalg', 'EC',
    '-groupname', 'secp256r1', '-validity', '3650', '-dname', 'CN=localhost',
    '-ext', 'SAN=IP:127.0.0.1,DNS:localhost',
  ]);
  const [cert, key] = await Promise.all([
    run(keytool, ['-exportcert', '-rfc', ...common, ...secret, '-alias', 'zk']).then(pemBlock),
    extractKeyWithOpenssl(keyStore, password),
  ]);
  if (!cert) throw new Error(`keytool -exportcert produced no PEM certificate for ${keyStore}`);
  await writeFile(path.join(dir, 'ca.pem'), cert);
  return { keyStore, password, ca: cert, cert, ...(key ? { key } : {}) };
}

/** keytool cannot export private keys; openssl can, when it is installed. */
async function extractKeyWithOpenssl(keyStore: string, password: string): Promise<string | undefined> {
  try {
    const out = await run('openssl', ['pkcs12', '-in', keyStore, '-nocerts', '-nodes', '-passin', `pass:${password}`]);
    return pemBlock(out);
  } catch {
    return undefined;
  }
}

function pemBlock(text: string): string | undefined {
  return /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----\n?/.exec(text)?.[0];
}

/** `keytool` next to the real `java` binary (following /usr/bin/java → /usr/lib/jvm/...), else PATH. */
async function siblingTool(java: string, tool: string): Promise<string> {
  const candidate = path.join(path.dirname(await realpath(java)), tool);
  try {
    await stat(candidate);
    return candidate;
  } catch {
    return tool;
  }
}

async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${path.basename(cmd)} ${args[0]} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}
