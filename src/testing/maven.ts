/**
 * Jars from Maven Central, resolved once through the ordinary `mvn` client into a per-user
 * cache. The harness uses it for ZooKeeper server releases; the benchmarks for Curator and the
 * Java client. Nothing here starts a JVM other than Maven itself.
 * @module
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publishCacheEntry } from './cache.js';

/** A Maven artifact: `groupId:artifactId:version`. */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

/** Thrown when a set of jars cannot be resolved; the message says what was tried and how to fix it. */
export class MavenResolveError extends Error {
  override name = 'MavenResolveError';
}

/**
 * Written last into a resolved directory, holding the artifact list it was resolved for: a
 * directory without it, or resolved for another list (an older zk-elect's), is not trusted.
 */
const COMPLETE_MARKER = '.complete';
/** A first resolution downloads Maven's own plugins too; give it room on a slow mirror. */
const MVN_TIMEOUT_MS = 10 * 60_000;

/**
 * Returns the runtime class path (absolute jar paths, sorted) of `artifacts` and their runtime
 * dependencies, cached in `dir/lib`. The first call runs `mvn dependency:copy-dependencies` on a
 * generated POM (blocks for as long as Maven downloads, typically 5–30 s); later calls only list
 * the directory.
 *
 * Safe for concurrent processes: each resolves into its own temporary sibling of `dir` and
 * renames it into place; the loser of a race discards its copy and uses the winner's.
 *
 * @param what names the jars in error messages, e.g. `ZooKeeper 3.7.1`.
 * @param env the environment Maven runs with (`PATH` finds `mvn`); `process.env` by default.
 * @param onResolve called once before Maven runs, i.e. only when nothing is cached: a caller
 *   can say why the next seconds are slow.
 * @throws {MavenResolveError} `mvn` is missing, or Maven could not resolve an artifact (its
 *   `[ERROR]` lines are in the message).
 */
export async function resolveMavenJars(
  dir: string,
  artifacts: readonly MavenArtifact[],
  what: string,
  env: NodeJS.ProcessEnv = process.env,
  onResolve?: () => void,
): Promise<string[]> {
  const stamp = JSON.stringify(artifacts);
  const cached = await listResolved(dir, stamp);
  if (cached) return cached;
  onResolve?.();
  await mkdir(path.dirname(dir), { recursive: true });
  const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(work, { recursive: true });
    await writeFile(path.join(work, 'pom.xml'), renderPom(artifacts));
    await runMaven(work, what, dir, env);
    await writeFile(path.join(work, 'lib', COMPLETE_MARKER), `${stamp}\n`);
    await rename(path.join(work, 'lib'), path.join(work, 'resolved'));
    await publish(work, dir, stamp);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const resolved = await listResolved(dir, stamp);
  if (!resolved) throw new MavenResolveError(`${what}: ${dir} was resolved but holds no jars`);
  return resolved;
}

/** Moves `work/resolved` to `dir/lib`. If another process published first, its copy stands. */
async function publish(work: string, dir: string, stamp: string): Promise<void> {
  const staged = path.join(work, 'staged');
  await mkdir(staged);
  await rename(path.join(work, 'resolved'), path.join(staged, 'lib'));
  await publishCacheEntry(staged, dir, async () => (await listResolved(dir, stamp)) !== undefined);
}

/** The jars of a complete resolution of `stamp` in `dir/lib`, or undefined when there is none. */
async function listResolved(dir: string, stamp: string): Promise<string[] | undefined> {
  const lib = path.join(dir, 'lib');
  try {
    if ((await readFile(path.join(lib, COMPLETE_MARKER), 'utf8')).trim() !== stamp) return undefined;
    const names = await readdir(lib);
    const jars = names.filter((n) => n.endsWith('.jar')).sort().map((n) => path.join(lib, n));
    return jars.length > 0 ? jars : undefined;
  } catch {
    return undefined;
  }
}

/** A POM that only declares dependencies; Maven copies them and their runtime closure. */
function renderPom(artifacts: readonly MavenArtifact[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const deps = artifacts
    .map(
      (a) =>
        `    <dependency><groupId>${esc(a.groupId)}</groupId><artifactId>${esc(a.artifactId)}</artifactId>` +
        `<version>${esc(a.version)}</version></dependency>`,
    )
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>zk-elect.cache</groupId>
  <artifactId>resolve</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

function runMaven(work: string, what: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const args = ['-B', '-q', 'dependency:copy-dependencies', '-DoutputDirectory=lib', '-DincludeScope=runtime'];
  return new Promise((resolve, reject) => {
    execFile('mvn', args, { cwd: work, env, timeout: MVN_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      const tried = `Tried: mvn ${args.join(' ')} for ${what}, into ${dir}.`;
      if (code === 'ENOENT') {
        return reject(
          new MavenResolveError(
            `${what} must be resolved from Maven Central, but \`mvn\` is not on PATH. ${tried}\n` +
              'To fix it: sudo apt-get install -y maven (Debian/Ubuntu), or install Apache Maven and put mvn on PATH.',
          ),
        );
      }
      // Maven's first [ERROR] line names the artifact; the rest is advice about Maven itself.
      const first = `${stdout}\n${stderr}`
        .split('\n')
        .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
        .find((l) => l.startsWith('[ERROR]') && l.length > '[ERROR]'.length + 1);
      const detail = first ?? err.message;
      reject(new MavenResolveError(`${what} could not be resolved from Maven Central.\n${detail}\n${tried}`, { cause: err }));
    });
  });
}
