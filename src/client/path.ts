/**
 * Path rules (the same as the Java client's `PathUtils`) and chroot mapping.
 * @module
 */
import { badInput } from './errors.js';

// Characters the server refuses in paths: controls, surrogates/private use, and specials.
const BAD_CHAR = /[\u0000-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff]/;

/**
 * Checks a znode path. With `sequential` the path is checked as the server will name the node,
 * with digits appended (as Java's `PathUtils.validatePath(path, true)` checks `path + "1"`): a
 * trailing `/` is allowed, and so is a last name of `.` or `..` (`/..` becomes `/..0000000005`).
 * @throws BadArgumentsError describing the first rule broken; nothing is sent.
 */
export function validatePath(path: unknown, sequential = false): asserts path is string {
  if (typeof path === 'string' && isPlainValidPath(sequential ? `${path}1` : path)) return;
  explainBadPath(path, sequential);
}

/**
 * The hot path (every request checks its path): one pass over printable ASCII segments.
 * Anything unusual falls through to {@link explainBadPath}, which also accepts valid oddities.
 */
function isPlainValidPath(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) !== 47) return false;
  if (n === 1) return true;
  let segStart = 1;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? p.charCodeAt(i) : 47;
    if (c === 47) {
      const len = i - segStart;
      if (len === 0) return false;
      if (len <= 2 && p.charCodeAt(segStart) === 46 && (len === 1 || p.charCodeAt(segStart + 1) === 46)) return false;
      segStart = i + 1;
    } else if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

function explainBadPath(path: unknown, sequential: boolean): asserts path is string {
  if (typeof path !== 'string') throw badInput(`path must be a string, got ${typeof path}`);
  if (path.length === 0) throw badInput('path must not be empty');
  if (path[0] !== '/') throw badInput(`path must start with "/": ${JSON.stringify(path)}`, path);
  if (path.length === 1) {
    if (sequential) return;
    return;
  }
  const bad = BAD_CHAR.exec(path);
  if (bad) {
    const cp = bad[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw badInput(`path contains an invalid character U+${cp}: ${JSON.stringify(path)}`, path);
  }
  const body = sequential ? `${path}1` : path;
  if (body.endsWith('/')) throw badInput(`path must not end with "/": ${path}`, path);
  const segments = body.split('/').slice(1);
  for (const seg of segments) {
    if (seg === '') throw badInput(`path has an empty segment ("//"): ${path}`, path);
    if (seg === '.' || seg === '..') throw badInput(`path must not contain "." or ".." segments: ${path}`, path);
  }
}

/** Maps client paths to server paths and back for an optional chroot. */
export class Chroot {
  /** @param root the chroot path, or `''` for none. */
  constructor(readonly root: string) {}

  /** Server path for a client path (`/` maps to the chroot itself). */
  toServer(path: string): string {
    if (!this.root) return path;
    return path === '/' ? this.root : this.root + path;
  }

  /** Client path for a server path; paths outside the chroot pass through unchanged. */
  toClient(serverPath: string): string {
    if (!this.root) return serverPath;
    if (serverPath === this.root) return '/';
    if (serverPath.startsWith(this.root + '/')) return serverPath.slice(this.root.length);
    return serverPath;
  }
}
