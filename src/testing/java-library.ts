/**
 * Java libraries from Maven Central for the JVM programs that run beside zk-elect (the
 * benchmarks' Curator and Java-client peers, the Curator interop tests): a library's runtime
 * class path, plus the slf4j no-op binding that keeps its logger from printing warnings.
 * @module
 */
import path from 'node:path';
import { cacheRoot } from './cache.js';
import { resolveMavenJars, type MavenArtifact } from './maven.js';

/** Options of {@link resolveJavaLibrary}. */
export interface JavaLibraryOptions {
  /** The environment Maven runs with (`PATH` finds `mvn`); `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Called before each Maven run, i.e. only for what is not cached yet: say why the next seconds are slow. */
  onResolve?: (what: string, dir: string) => void;
}

/**
 * Returns the runtime class path of `artifacts` (resolved into `dir`, see
 * {@link resolveMavenJars}), followed by the slf4j-nop jar matching the slf4j-api those bring
 * (resolved once into its own `maven/slf4j-nop-<version>` entry of the cache; none when no
 * slf4j-api came). Blocks for as long as Maven takes on a first call (typically 10–30 s); later
 * calls only list the cache.
 * @param what names the library in messages, e.g. `Apache Curator 5.9.0`.
 * @throws {MavenResolveError} `mvn` is missing or Maven Central cannot be reached.
 */
export async function resolveJavaLibrary(dir: string, artifacts: readonly MavenArtifact[], what: string, options: JavaLibraryOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const jars = await resolveMavenJars(dir, artifacts, what, env, () => options.onResolve?.(what, dir));
  const slf4jVersion = jarVersion(jars, 'slf4j-api');
  if (!slf4jVersion) return jars;
  const nopDir = path.join(cacheRoot(env), 'maven', `slf4j-nop-${slf4jVersion}`);
  const nopWhat = `slf4j-nop ${slf4jVersion}`;
  const nop = await resolveMavenJars(nopDir, [{ groupId: 'org.slf4j', artifactId: 'slf4j-nop', version: slf4jVersion }], nopWhat, env, () => options.onResolve?.(nopWhat, nopDir));
  // Only the binding itself: its own slf4j-api is the one already on the class path.
  return [...jars, ...nop.filter((j) => path.basename(j).startsWith('slf4j-nop-'))];
}

/**
 * The version in the file name of the jar called `name` among `jars`: `name-1.2.3.jar` → `1.2.3`
 * (`zookeeper` does not match `zookeeper-jute-…`); undefined when there is none. Pure.
 */
export function jarVersion(jars: readonly string[], name: string): string | undefined {
  const re = new RegExp(`^${name.replace(/[.]/g, '\\.')}-(\\d[\\w.]*)\\.jar$`);
  return jars.map((j) => re.exec(path.basename(j))?.[1]).find((v) => v !== undefined);
}
