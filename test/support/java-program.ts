// Java programs the tests run: a JDK's javac and java, and test/interop/*.java compiled once
// per content into the per-user cache (a re-run starts the JVM at once; an edited source, or
// another class path, compiles anew).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, publishCacheEntry } from '../../src/testing/index.js';

/** test/interop in the source tree (the compiled tests live in dist/test). */
export const INTEROP_SOURCES = fileURLToPath(new URL('../../../test/interop/', import.meta.url));

/** Written last into a compiled class directory: one without it is left over from a killed javac. */
const COMPLETE_MARKER = '.complete';

/** A JDK's two programs. */
export interface Jdk {
  java: string;
  javac: string;
}

/**
 * The JDK to compile and run with: `$JAVA_HOME/bin` when JAVA_HOME is set, else `PATH`'s.
 * Blocks for one `javac -version`.
 * @throws Error saying how to install one when there is no javac (a JRE alone cannot compile).
 */
export async function findJdk(env: NodeJS.ProcessEnv = process.env): Promise<Jdk> {
  const bin = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin') : '';
  const jdk = { java: path.join(bin, 'java'), javac: path.join(bin, 'javac') };
  try {
    await run(jdk.javac, ['-version'], 30_000);
  } catch {
    throw new Error(
      `the Curator interop tests compile test/interop/*.java, but ${jdk.javac} cannot run (${env.JAVA_HOME ? 'JAVA_HOME/bin/javac' : 'no javac on PATH'}).\n` +
        'To fix it: sudo apt-get install -y default-jdk-headless (npm test\'s pretest does it when run as root), or install a JDK 11+ and set JAVA_HOME.',
    );
  }
  return jdk;
}

/**
 * Compiles the `*.java` of {@link INTEROP_SOURCES} against `classpath` (all of them, or only
 * the files called `only`, for a program that needs fewer jars than the others) and returns the
 * class directory, cached under `<cache>/java/interop-<hash of the sources, class path and javac>`.
 * Blocks for javac on a first call (a few seconds), for a directory read later. Safe for
 * concurrent processes (each compiles into its own sibling and renames it into place).
 * @throws Error with javac's output when the sources do not compile.
 */
export async function compileInterop(jdk: Jdk, classpath: readonly string[], only?: readonly string[]): Promise<string> {
  const names = (await readdir(INTEROP_SOURCES)).filter((n) => n.endsWith('.java') && (only === undefined || only.includes(n))).sort();
  const sources = names.map((n) => path.join(INTEROP_SOURCES, n));
  const hash = createHash('sha256').update(JSON.stringify([jdk.javac, classpath]));
  for (const file of sources) hash.update(file).update(await readFile(file));
  const dir = path.join(cacheRoot(), 'java', `interop-${hash.digest('hex').slice(0, 16)}`);
  const complete = async () => access(path.join(dir, COMPLETE_MARKER)).then(() => true, () => false);
  if (await complete()) return dir;
  const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(work, { recursive: true });
    // -implicit:none and -proc:none: only our sources' classes, no annotation processors from the jars.
    await run(jdk.javac, ['-proc:none', '-implicit:none', '-nowarn', '-d', work, '-cp', classpath.join(path.delimiter), ...sources], 120_000);
    await writeFile(path.join(work, COMPLETE_MARKER), `${names.join(' ')}\n`);
    await publishCacheEntry(work, dir, complete);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return dir;
}

/** Runs a program to completion. @throws Error with its output when it fails. */
function run(file: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      reject(new Error(`${path.basename(file)} failed: ${`${stdout}\n${stderr}`.trim() || err.message}`, { cause: err }));
    });
  });
}
