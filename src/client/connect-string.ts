/**
 * Connect string parsing: `host1:2181,host2:2182/optional/chroot`.
 * @module
 */
import { badInput } from './errors.js';
import { validatePath } from './path.js';

/** One server address. */
export interface HostPort {
  host: string;
  port: number;
}

/** A parsed connect string. */
export interface ConnectString {
  hosts: HostPort[];
  /** Chroot path, or `''` when none (a chroot of `/` is none). */
  chroot: string;
}

const DEFAULT_PORT = 2181;

/**
 * Parses a connect string. IPv6 hosts go in brackets (`[::1]:2181`); a missing port is 2181.
 * @throws BadArgumentsError for an empty string, a bad port or an invalid chroot.
 */
export function parseConnectString(input: string): ConnectString {
  if (typeof input !== 'string' || input.trim() === '') {
    throw badInput('connect string is empty: expected "host:port[,host:port...][/chroot]"');
  }
  const slash = input.indexOf('/');
  const hostPart = slash >= 0 ? input.slice(0, slash) : input;
  let chroot = slash >= 0 ? input.slice(slash) : '';
  if (chroot === '/') chroot = '';
  if (chroot) {
    try {
      validatePath(chroot);
    } catch (e) {
      throw badInput(`invalid chroot in connect string ${JSON.stringify(input)}: ${(e as Error).message}`);
    }
  }
  const hosts = hostPart
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => parseHostPort(s, input));
  if (hosts.length === 0) throw badInput(`connect string has no hosts: ${JSON.stringify(input)}`);
  return { hosts, chroot };
}

function parseHostPort(s: string, whole: string): HostPort {
  let host = s;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw badInput(`unterminated IPv6 address "${s}" in connect string ${JSON.stringify(whole)}`);
    host = s.slice(1, end);
    const rest = s.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw badInput(`bad host "${s}" in connect string ${JSON.stringify(whole)}`);
      portText = rest.slice(1);
    }
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    }
  }
  if (!host) throw badInput(`missing host in "${s}" in connect string ${JSON.stringify(whole)}`);
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!/^\d+$/.test(portText ?? '2181') || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw badInput(`bad port "${portText}" in connect string ${JSON.stringify(whole)}: expected 1-65535`);
  }
  return { host, port };
}
