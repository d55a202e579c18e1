/**
 * Curator's URI templates (`UriSpec`): `{scheme}://{address}:{port}/api` parsed into literal and
 * variable parts, and built into a URI from an instance's fields.
 * @module
 */
import type { ServiceInstance, UriSpec, UriSpecPart } from './types.js';

/**
 * Parses a template into parts as Curator does: text between `{` and `}` is a variable (its
 * name trimmed of spaces), the rest literals; empty tokens (`{}`) yield no part. A literal brace
 * is written as the variable `{[}` (→ `{`) or `{]}` (→ `}`). Never blocks.
 * @throws TypeError naming the template for a `{` inside a variable, a `}` with no `{`, an
 * unclosed variable, or a template that is not a string.
 */
export function parseUriSpec(template: string): UriSpec {
  if (typeof template !== 'string') throw new TypeError('uriSpec: the template must be a string');
  const parts: UriSpecPart[] = [];
  let inVariable = false;
  let token = '';
  const flush = () => {
    const value = inVariable ? token.trim() : token;
    // Curator tokenizes on the braces and never sees an empty token; a blank variable does yield a part ('').
    if (token !== '') parts.push({ value, variable: inVariable });
    token = '';
  };
  for (const ch of template) {
    if (ch === '{' || ch === '}') {
      const opening = ch === '{';
      if (opening === inVariable) throw new TypeError(`uriSpec ${JSON.stringify(template)}: ${opening ? '"{" inside a variable' : '"}" without "{"'}`);
      flush();
      inVariable = opening;
    } else token += ch;
  }
  if (inVariable) throw new TypeError(`uriSpec ${JSON.stringify(template)}: a variable is not closed (expected "}")`);
  flush();
  return { parts };
}

/**
 * The variables Curator defines for an instance: `{scheme}` (`https` when sslPort is set, else
 * `http`), `{name}`, `{id}`, `{address}`, `{port}`, `{ssl-port}`, `{registration-time-utc}`,
 * `{service-type}` (lower case, as Curator writes it), and `{[}` / `{]}` for literal braces.
 * A null field reads as ''. Never throws.
 */
export function uriVariables(instance: ServiceInstance): Record<string, string> {
  return {
    '[': '{',
    ']': '}',
    scheme: instance.sslPort != null ? 'https' : 'http',
    name: instance.name ?? '',
    id: instance.id ?? '',
    address: instance.address ?? '',
    port: instance.port == null ? '' : String(instance.port),
    'ssl-port': instance.sslPort == null ? '' : String(instance.sslPort),
    'registration-time-utc': String(instance.registrationTimeUTC ?? ''),
    'service-type': instance.serviceType ? instance.serviceType.toLowerCase() : '',
  };
}

/**
 * Builds the instance's URI from its uriSpec (an instance with none yields '', as in Curator).
 * `variables` add to or override the instance's (see {@link uriVariables}). A variable defined
 * by neither is left out (replaced by ''), which is what Curator does (it only logs it at
 * debug level): a template written for more variables still yields a URI. Never blocks.
 * @throws TypeError when the instance's uriSpec is not a list of parts.
 */
export function buildUri(instance: ServiceInstance, variables: Record<string, string> = {}): string {
  const spec = instance.uriSpec;
  if (spec == null) return '';
  if (!Array.isArray(spec.parts)) throw new TypeError(`buildUri: the uriSpec of ${instance.name}/${instance.id} has no parts`);
  const values = { ...uriVariables(instance), ...variables };
  return spec.parts.map((p) => (p.variable ? (Object.hasOwn(values, p.value) ? values[p.value] : '') : p.value)).join('');
}
