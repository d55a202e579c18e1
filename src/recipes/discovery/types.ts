/**
 * The shapes of Apache Curator's x-discovery instance, field for field, and its constants. They
 * are re-exported by `instance.ts`, which is where users import them from.
 * @module
 */

/**
 * How an instance's znode lives (Curator's `ServiceType`): `DYNAMIC` is EPHEMERAL (gone with the
 * session: the default), `DYNAMIC_SEQUENTIAL` is EPHEMERAL_SEQUENTIAL (the znode name gets
 * ZooKeeper's 10-digit suffix; the JSON `id` keeps the id as given), `STATIC` and `PERMANENT`
 * are PERSISTENT (`PERMANENT` is also left in place by `ServiceDiscovery.close()`).
 */
export type ServiceType = 'DYNAMIC' | 'DYNAMIC_SEQUENTIAL' | 'STATIC' | 'PERMANENT';

/** Every {@link ServiceType}, in Curator's declaration order. */
export const SERVICE_TYPES: readonly ServiceType[] = ['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'STATIC', 'PERMANENT'];

/** One token of a URI template: a literal, or the name of a variable (`{port}` → `port`). */
export interface UriSpecPart {
  value: string;
  variable: boolean;
}

/** A parsed URI template, as Curator writes it into the JSON (`{"parts":[...]}`). */
export interface UriSpec {
  parts: UriSpecPart[];
}

/**
 * One instance, field for field Curator's JSON (JsonInstanceSerializer). `enabled` is always
 * present here; on the wire it is written only when false (see `encodeInstance`).
 */
export interface ServiceInstance<P = unknown> {
  /** The service name: the znode `<basePath>/<name>`. */
  name: string;
  /** The instance id (a random UUID by default): the znode name, before any sequential suffix. */
  id: string;
  address: string;
  port: number | null;
  sslPort: number | null;
  /** Any JSON value; a payload written by Java keeps its `"@class"` property as it was. */
  payload: P | null;
  /** When it was registered, in ms since the epoch. */
  registrationTimeUTC: number;
  serviceType: ServiceType;
  uriSpec: UriSpec | null;
  /** False takes the instance out of providers' choices (Curator's `enabled`). */
  enabled: boolean;
}

/**
 * What `registerService` takes: `name` and `address` are required; the rest is defaulted
 * (`id` = a random UUID, ports null, `payload` null, `serviceType` DYNAMIC,
 * `registrationTimeUTC` now, `enabled` true). `uriSpec` may be a template string
 * (`'{scheme}://{address}:{port}'`) or parsed parts.
 */
export interface NewServiceInstance<P = unknown> {
  name: string;
  address: string;
  id?: string;
  port?: number | null;
  sslPort?: number | null;
  payload?: P | null;
  serviceType?: ServiceType;
  uriSpec?: string | UriSpec | null;
  enabled?: boolean;
  registrationTimeUTC?: number;
}

/** The base path Spring Cloud Zookeeper and Dubbo use, and the default here (Curator has none). */
export const DEFAULT_BASE_PATH = '/services';
