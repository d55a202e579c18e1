/**
 * The named services (Curator's x-discovery layout) as the CLI prints them: a block for people
 * and the fields of a `--json` line. Shared by `zk-elect services` (once and live) and
 * `zk-elect status`.
 * @module
 */
import { sessionIdHex } from '../client/index.js';
import { DEFAULT_BASE_PATH, type ServiceInstance } from '../recipes/discovery/instance.js';
import { uriOf, type DirectoryInstance, type DirectoryView } from '../recipes/service-directory.js';
import { pathOption } from './args.js';

/** parseArgs option spec of the services' base path (for `services`, `register`, `status`). */
export const BASE_PATH_OPTIONS = {
  'base-path': { type: 'string' },
} as const;

/** Help line describing {@link BASE_PATH_OPTIONS}. */
export const BASE_PATH_HELP = `      --base-path <p>       named services' parent znode (default ${DEFAULT_BASE_PATH})`;

/** Reads `--base-path` (default {@link DEFAULT_BASE_PATH}). @throws UsageError for an invalid path. */
export function basePathFlag(values: Record<string, unknown>): string {
  return pathOption(values['base-path'] as string | undefined, 'base-path', DEFAULT_BASE_PATH);
}

/** `host:port`, `host` without a port. */
function endpoint(i: ServiceInstance): string {
  return i.port === null ? i.address : `${i.address}:${i.port}`;
}

/** An owner session as `0x` + 16 hex digits: `-` when unknown, `persistent` for 0. */
function owner(o: bigint | undefined): string {
  return o === undefined ? '-' : o === 0n ? 'persistent' : sessionIdHex(o);
}

/**
 * One instance as the fields of a JSON line: Curator's fields, its URI, and its owner session
 * as `0x` hex (null when not ephemeral or unknown). Never throws.
 */
export function instanceJson({ instance, owner: o }: DirectoryInstance): Record<string, unknown> {
  return { ...instance, uri: uriOf(instance), owner: o ? sessionIdHex(o) : null };
}

/** A view as the fields of a `--json` line: `{basePath, services: [{name, instances}]}`. Never throws. */
export function directoryJson(view: DirectoryView): Record<string, unknown> {
  return { basePath: view.basePath, services: view.services.map((s) => ({ name: s.name, instances: s.instances.map(instanceJson) })) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Formats a view for a person: `Services <basePath>:`, then each service with its instances
 * (id, address:port, URI, owner session, payload). Never throws.
 */
export function formatDirectory(view: DirectoryView): string {
  const lines = [`Services ${view.basePath}: ${view.services.length === 0 ? 'no named services' : plural(view.services.length, 'service')}`];
  for (const s of view.services) {
    lines.push(`  ${s.name}: ${s.instances.length === 0 ? 'no instances' : plural(s.instances.length, 'instance')}`);
    for (const entry of s.instances) {
      const i = entry.instance;
      const cells = [
        endpoint(i),
        `id ${i.id}`,
        i.sslPort !== null ? `ssl-port ${i.sslPort}` : '',
        uriOf(i) ?? '',
        `session ${owner(entry.owner)}`,
        i.enabled ? '' : 'DISABLED',
        i.payload !== null ? `payload ${JSON.stringify(i.payload)}` : '',
      ];
      lines.push(`    ${cells.filter(Boolean).join('  ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
