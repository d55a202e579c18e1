/**
 * A named-service instance in Apache Curator's x-discovery format: its type, its JSON codec, its
 * URI template, the checks on names and ids, and the defaults of a new instance. Everything a
 * program needs to speak the format is importable from here (or from `zk-elect`).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { parseUriSpec } from './uri-spec.js';
import { SERVICE_TYPES, type NewServiceInstance, type ServiceInstance, type UriSpec } from './types.js';

export { DEFAULT_BASE_PATH, SERVICE_TYPES, type NewServiceInstance, type ServiceInstance, type ServiceType, type UriSpec, type UriSpecPart } from './types.js';
export { decodeInstance, encodeInstance, InvalidInstanceError } from './codec.js';
export { buildUri, parseUriSpec, uriVariables } from './uri-spec.js';

/**
 * Checks that `value` can be one znode name: a non-empty string, not `.` or `..`, with no `/`
 * and no NUL. `what` names it in the message ("service name", "instance id"). Never blocks.
 * @throws TypeError saying what is wrong.
 */
function validateSegment(what: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string, not ${JSON.stringify(value) ?? 'undefined'}`);
  if (value === '.' || value === '..') throw new TypeError(`${what} ${JSON.stringify(value)} is not allowed: it is not a znode name`);
  if (value.includes('/')) throw new TypeError(`${what} ${JSON.stringify(value)} must not contain "/": it is one znode name under the base path`);
  if (value.includes('\u0000')) throw new TypeError(`${what} ${JSON.stringify(value)} must not contain NUL`);
}

/**
 * Checks a service name (one znode under the base path). Never blocks.
 * @throws TypeError for '', '.', '..', and names containing '/' or NUL.
 */
export function validateServiceName(name: string): void {
  validateSegment('service name', name);
}

/**
 * Checks an instance id (one znode under the service). Never blocks.
 * @throws TypeError for '', '.', '..', and ids containing '/' or NUL.
 */
export function validateInstanceId(id: string): void {
  validateSegment('instance id', id);
}

function validatePort(what: string, port: unknown): void {
  if (port != null && (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)) {
    throw new RangeError(`${what} must be an integer from 0 to 65535 or null, not ${JSON.stringify(port)}`);
  }
}

/** A copy of a uriSpec given as a template or as parts, checked. @throws TypeError for a bad template or bad parts. */
function toUriSpec(spec: string | UriSpec | null | undefined): UriSpec | null {
  if (spec == null) return null;
  if (typeof spec === 'string') return parseUriSpec(spec);
  if (!Array.isArray(spec.parts) || !spec.parts.every((p) => typeof p?.value === 'string' && typeof p?.variable === 'boolean')) {
    throw new TypeError('uriSpec must be a template string or {parts: [{value: string, variable: boolean}, ...]}');
  }
  return { parts: spec.parts.map((p) => ({ value: p.value, variable: p.variable })) };
}

/**
 * Checks an instance's fields that travel in the JSON, and that `name` and `id` are znode names.
 * Never blocks. @throws TypeError / RangeError saying which field is wrong.
 */
export function validateInstance(instance: ServiceInstance): void {
  validateServiceName(instance.name);
  validateInstanceId(instance.id);
  if (typeof instance.address !== 'string' || instance.address === '') throw new TypeError(`address must be a non-empty string, not ${JSON.stringify(instance.address)}`);
  validatePort('port', instance.port);
  validatePort('sslPort', instance.sslPort);
  if (!SERVICE_TYPES.includes(instance.serviceType)) throw new TypeError(`serviceType must be one of ${SERVICE_TYPES.join(', ')}, not ${JSON.stringify(instance.serviceType)}`);
  if (!Number.isSafeInteger(instance.registrationTimeUTC)) throw new TypeError('registrationTimeUTC must be an integer (ms since the epoch)');
  if (typeof instance.enabled !== 'boolean') throw new TypeError('enabled must be a boolean');
  toUriSpec(instance.uriSpec);
}

/**
 * The full instance for `spec`, with Curator's builder defaults: a random UUID id, null ports
 * and payload, DYNAMIC, registered now, enabled; a template uriSpec is parsed. Never blocks.
 * @throws TypeError / RangeError for a bad name, id, address, port, serviceType or uriSpec.
 */
export function buildInstance<P>(spec: NewServiceInstance<P>, now: () => number = Date.now): ServiceInstance<P> {
  const instance: ServiceInstance<P> = {
    name: spec.name,
    id: spec.id ?? randomUUID(),
    address: spec.address,
    port: spec.port ?? null,
    sslPort: spec.sslPort ?? null,
    payload: spec.payload ?? null,
    registrationTimeUTC: spec.registrationTimeUTC ?? now(),
    serviceType: spec.serviceType ?? 'DYNAMIC',
    uriSpec: toUriSpec(spec.uriSpec),
    enabled: spec.enabled ?? true,
  };
  validateInstance(instance);
  return instance;
}
