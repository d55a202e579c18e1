/**
 * ZooKeeper's "four-letter word" admin commands (`ruok`, `srvr`, `mntr`, …) and parsers for
 * the replies. The wire format is trivial: open a connection to the client port, send the four
 * ASCII bytes, read text until the server closes the connection.
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';

/** Options for {@link fourLetterWord}. */
export interface FourLetterWordOptions {
  /** Give up after this many milliseconds (connect + reply). Default 5000. */
  timeoutMs?: number;
  /** Connect with TLS using these options (e.g. `{ ca }`), for a `secureClientPort`. */
  tls?: tls.ConnectionOptions;
}

/** What `srvr` reports about a server. */
export interface SrvrInfo {
  /**
   * `standalone`, `leader`, `follower`, `observer`, `read-only`, or `not-serving` when a quorum
   * member is up but not part of a working quorum (it answers "not currently serving requests").
   */
  mode: 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only' | 'not-serving' | (string & {});
  /** Last processed zxid as printed by the server, e.g. `0x100000002`. */
  zxid?: string;
  /** Number of open client connections (including the one asking). */
  connections?: number;
  /** Server version, e.g. `3.8.0`. */
  version?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Sends a four-letter word to a ZooKeeper server and returns its text reply.
 *
 * Blocks until the server closes the connection. Note that servers only execute commands in
 * `4lw.commands.whitelist` (by default just `srvr`); others get a "not in the whitelist" reply.
 *
 * @param cmd exactly four ASCII letters, e.g. `ruok`.
 * @throws {TypeError} if `cmd` is not four ASCII letters.
 * @throws {Error} on connection failure (cause attached) or when `timeoutMs` passes.
 */
export function fourLetterWord(
  host: string,
  port: number,
  cmd: string,
  opts: FourLetterWordOptions = {},
): Promise<string> {
  if (!/^[a-z]{4}$/i.test(cmd)) throw new TypeError(`four-letter word must be 4 ASCII letters, got ${JSON.stringify(cmd)}`);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${opts.tls ? 'tls://' : ''}${host}:${port}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = opts.tls
      ? tls.connect({ ...opts.tls, host, port }, send)
      : net.connect({ host, port }, send);
    const timer = setTimeout(() => {
      finish(new Error(`four-letter word '${cmd}' to ${where}: no complete reply within ${timeoutMs} ms`));
    }, timeoutMs);

    function send(): void {
      socket.write(cmd, 'ascii');
    }
    function finish(err?: Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    }
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      // The server writes its reply and then closes; an abrupt close after a reply is still a reply.
      if (cause.code === 'ECONNRESET' && chunks.length > 0) return finish();
      finish(new Error(`four-letter word '${cmd}' to ${where} failed: ${cause.message}`, { cause }));
    });
  });
}

/**
 * Parses the reply to `srvr` (also works on `stat`).
 *
 * @returns the mode, and zxid / connection count / version when present.
 * @throws {Error} if the text is neither a `srvr` reply nor the "not currently serving" notice
 *   (e.g. the "not in the whitelist" answer).
 */
export function parseSrvr(text: string): SrvrInfo {
  if (/not currently serving requests/i.test(text)) return { mode: 'not-serving' };
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const mode = fields.get('mode');
  if (mode === undefined) throw new Error(`not a srvr reply (no "Mode:" line): ${JSON.stringify(text.slice(0, 200))}`);
  const info: SrvrInfo = { mode };
  const zxid = fields.get('zxid');
  if (zxid !== undefined) info.zxid = zxid;
  const connections = Number.parseInt(fields.get('connections') ?? '', 10);
  if (Number.isFinite(connections)) info.connections = connections;
  // "3.8.0-${mvngit.commit.id}, built on ..." → "3.8.0"
  const version = /^(\d+\.\d+\.\d+)/.exec(fields.get('zookeeper version') ?? '')?.[1];
  if (version !== undefined) info.version = version;
  return info;
}

/**
 * Parses the reply to `mntr`: one `key<TAB>value` pair per line (e.g. `zk_server_state` →
 * `leader`). Lines without a tab are ignored. Never throws.
 */
export function parseMntr(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) out[line.slice(0, tab)] = line.slice(tab + 1).trimEnd();
  }
  return out;
}

/**
 * Parses the reply to `wchp`: for each watched path, the sessions watching it (as the server
 * prints them, `0x…`). Never throws.
 */
export function parseWchp(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (raw.startsWith('/')) out.set(line, (current = []));
    else if (current && line.startsWith('0x')) current.push(line);
  }
  return out;
}
