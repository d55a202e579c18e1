/**
 * Client-side checks of call arguments, so that bad input is refused with a clear error before
 * anything is sent (some bad requests make the server drop the connection instead of replying).
 * @module
 */
import { CreateMode } from '../protocol/constants.js';
import type { ACL } from '../protocol/records.js';
import { badInput } from './errors.js';

/** Node data as accepted by the API: bytes, a UTF-8 string, or null/undefined for none. */
export type Data = Uint8Array | string | null | undefined;

/** Largest TTL the server accepts (40 bits of milliseconds). */
export const MAX_TTL_MS = 2 ** 40 - 1;

/** Converts API data to bytes (`null` stays null). @throws BadArgumentsError for other types. */
export function toBytes(data: Data): Uint8Array | null {
  if (data == null) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw badInput(`data must be a Buffer, Uint8Array, string or null, got ${typeof data}`);
}

/**
 * Checks a version argument: any 32-bit integer, -1 meaning "any version". Other negative
 * versions are sent as they are, as the Java client does: the server matches them exactly (a
 * version that wrapped past 2^31-1 is negative), so they fail with BadVersion or NoNode.
 * @throws BadArgumentsError for a non-integer or one outside the int32 range.
 */
export function checkVersion(version: unknown): number {
  if (!Number.isInteger(version) || (version as number) < -0x80000000 || (version as number) > 0x7fffffff) {
    throw badInput(`version must be a 32-bit integer (-1 = any), got ${String(version)}`);
  }
  return version as number;
}

/** Checks an ACL list. @throws BadArgumentsError for an empty or malformed list. */
export function checkACL(acl: unknown): readonly ACL[] {
  if (!Array.isArray(acl) || acl.length === 0) throw badInput('acl must be a non-empty array of {perms, id: {scheme, id}}');
  for (const a of acl) {
    if (!a || !Number.isInteger(a.perms) || typeof a.id?.scheme !== 'string' || typeof a.id?.id !== 'string') {
      throw badInput(`malformed ACL entry ${JSON.stringify(a)}: expected {perms: number, id: {scheme: string, id: string}}`);
    }
  }
  return acl as ACL[];
}

/** True for the two sequential modes and the sequential TTL mode. */
export function isSequential(mode: CreateMode): boolean {
  return mode === CreateMode.PERSISTENT_SEQUENTIAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
}

/** True for the TTL modes. */
export function isTTL(mode: CreateMode): boolean {
  return mode === CreateMode.PERSISTENT_WITH_TTL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
}

/**
 * Checks a create mode and TTL together: a TTL mode needs 0 < ttl <= 2^40-1 ms, and a TTL is
 * refused with any other mode. @throws BadArgumentsError.
 */
export function checkModeAndTTL(mode: unknown, ttl: unknown): { mode: CreateMode; ttl?: bigint } {
  if (typeof mode !== 'number' || CreateMode[mode] === undefined) {
    throw badInput(`unknown create mode ${String(mode)}: use CreateMode.PERSISTENT, EPHEMERAL, ...`);
  }
  if (isTTL(mode)) {
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_MS) {
      throw badInput(`${CreateMode[mode]} needs a ttl in ms between 1 and ${MAX_TTL_MS}, got ${String(ttl)}`);
    }
    return { mode, ttl: BigInt(ttl) };
  }
  if (ttl !== undefined) throw badInput(`ttl is only allowed with PERSISTENT_WITH_TTL or PERSISTENT_SEQUENTIAL_WITH_TTL, not ${CreateMode[mode]}`);
  return { mode };
}
