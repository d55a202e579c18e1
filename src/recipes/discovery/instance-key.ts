/**
 * How the provider tells instances apart: by service name and id, never by object identity
 * (every read of the cache makes new objects for the same instance).
 * @module
 */

/** A string equal for two instances exactly when their names and ids are equal. Pure. */
export function instanceKey(instance: { name: string; id: string }): string {
  // JSON keeps the pair unambiguous whatever characters a name or an id holds.
  return JSON.stringify([instance.name, instance.id]);
}

/** Whether `a` and `b` are the same instance (same name and id). Pure. */
export function sameInstance(a: { name: string; id: string }, b: { name: string; id: string }): boolean {
  return a.name === b.name && a.id === b.id;
}
