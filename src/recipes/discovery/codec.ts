/**
 * Curator's JSON instance format (JsonInstanceSerializer, in its default "compatible" mode),
 * written and read byte for byte the way Jackson does.
 * @module
 */
import { SERVICE_TYPES, type ServiceInstance, type ServiceType, type UriSpec } from './types.js';

/** An instance znode's data is not a valid instance. `path` names the znode. */
export class InvalidInstanceError extends Error {
  override name = 'InvalidInstanceError';

  /** @param path the znode whose data is bad; `reason` says what is wrong with it. */
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid service instance at ${path}: ${reason}`, options);
  }
}

/**
 * The instance as Curator writes it: compact JSON, fields in Curator's declaration order (name,
 * id, address, port, sslPort, payload, registrationTimeUTC, serviceType, uriSpec), nulls
 * written. `enabled` is written only when false: Curator's default serializer writes no
 * `enabled` at all and reads a missing one as true, and older Curator readers fail on the field
 * (CURATOR-394), so an enabled instance is byte for byte what Java writes. Never blocks.
 * @throws TypeError when the payload cannot be written as JSON (a BigInt, a cycle).
 */
export function encodeInstance(instance: ServiceInstance): Buffer {
  const wire: Record<string, unknown> = {
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port ?? null,
    sslPort: instance.sslPort ?? null,
    payload: instance.payload ?? null,
    registrationTimeUTC: instance.registrationTimeUTC,
    serviceType: instance.serviceType,
    uriSpec: instance.uriSpec == null ? null : { parts: instance.uriSpec.parts.map((p) => ({ value: p.value, variable: p.variable })) },
  };
  if (instance.enabled === false) wire.enabled = false;
  return Buffer.from(JSON.stringify(wire), 'utf8');
}

/** Reads one field of the parsed object, or throws {@link expected} when its type is wrong. */
type Field<T> = (value: unknown) => T;

/** Rejects a field's value: `what` says what it must be. */
function expected(what: string): never {
  throw new TypeError(what);
}

const text: Field<string> = (v) => {
  if (typeof v !== 'string') expected('a string');
  return v;
};
const portOrNull: Field<number | null> = (v) => {
  if (v == null) return null;
  if (!Number.isInteger(v) || (v as number) < -2147483648 || (v as number) > 2147483647) expected('an integer or null');
  return v as number;
};
const epochMs: Field<number> = (v) => {
  if (v === undefined) return 0; // Jackson leaves a missing long at 0
  if (!Number.isSafeInteger(v)) expected('an integer (ms since the epoch)');
  return v as number;
};
const serviceType: Field<ServiceType> = (v) => {
  if (v == null) return 'DYNAMIC'; // Curator's default
  if (!SERVICE_TYPES.includes(v as ServiceType)) expected(`one of ${SERVICE_TYPES.join(', ')}`);
  return v as ServiceType;
};
const uriSpec: Field<UriSpec | null> = (v) => {
  if (v == null) return null;
  const parts = (v as { parts?: unknown }).parts;
  if (typeof v !== 'object' || Array.isArray(v) || (parts != null && !Array.isArray(parts))) expected('null or {"parts":[...]}');
  return { parts: ((parts as unknown[] | null) ?? []).map(uriPart) };
};
const uriPart = (p: unknown) => {
  const { value, variable } = (p ?? {}) as { value?: unknown; variable?: unknown };
  if (typeof p !== 'object' || typeof value !== 'string' || typeof variable !== 'boolean') expected('parts of {"value":string,"variable":boolean}');
  return { value, variable };
};
const enabled: Field<boolean> = (v) => {
  if (v === undefined || v === null) return true; // compatible mode writes none: missing means enabled
  if (typeof v !== 'boolean') expected('a boolean');
  return v;
};

/** Runs one field reader, turning its reason into an InvalidInstanceError naming the field. */
function field<T>(path: string, obj: Record<string, unknown>, key: string, read: Field<T>): T {
  try {
    return read(obj[key]);
  } catch (e) {
    throw new InvalidInstanceError(path, `"${key}" must be ${(e as Error).message}, not ${JSON.stringify(obj[key]) ?? 'missing'}`);
  }
}

/**
 * Reads an instance znode's data as Curator's reader does: unknown fields are ignored (Jackson's
 * FAIL_ON_UNKNOWN_PROPERTIES=false), a missing `enabled` is true, a missing serviceType is
 * DYNAMIC; but the known fields must have their types (name, id and address strings, ports
 * integers or null, ...). The payload is kept as parsed, a Java `"@class"` included, so it
 * round-trips unchanged. Never blocks.
 * @throws InvalidInstanceError naming `path` for no data, data that is not a JSON object, or a
 * field of the wrong type.
 */
export function decodeInstance(data: Buffer | null, path: string): ServiceInstance {
  if (data == null || data.length === 0) throw new InvalidInstanceError(path, 'the znode holds no data');
  let obj: unknown;
  try {
    obj = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new InvalidInstanceError(path, `not JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InvalidInstanceError(path, 'not a JSON object');
  const o = obj as Record<string, unknown>;
  return {
    name: field(path, o, 'name', text),
    id: field(path, o, 'id', text),
    address: field(path, o, 'address', text),
    port: field(path, o, 'port', portOrNull),
    sslPort: field(path, o, 'sslPort', portOrNull),
    payload: o.payload ?? null,
    registrationTimeUTC: field(path, o, 'registrationTimeUTC', epochMs),
    serviceType: field(path, o, 'serviceType', serviceType),
    uriSpec: field(path, o, 'uriSpec', uriSpec),
    enabled: field(path, o, 'enabled', enabled),
  };
}
