/**
 * Locating a ZooKeeper server release and a Java runtime, so the test harness can start
 * `QuorumPeerMain` directly (no wrapper scripts: they read system-wide config and log to /var/log).
 *
 * A release comes from one of three places: Maven Central (any `X.Y.Z`, resolved once into the
 * per-user cache), an Apache binary tarball (`ZOOKEEPER_HOME`), or Debian's `zookeeper` package
 * (`debian`). The version a caller asks for is the version it gets, or an error: never another.
 * @module
 */
import { access, readdir, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { cacheRoot } from './cache.js';
import { MavenResolveError, resolveMavenJars, type MavenArtifact } from './maven.js';

/** Where a usable ZooKeeper server lives and how to launch its JVM. */
export interface ZooKeeperInstall {
  /** Root of the installation: the cache directory, `ZOOKEEPER_HOME`, or `/usr/share/zookeeper`. */
  home: string;
  /** Absolute path of the `java` executable to run. */
  java: string;
  /** Java class path (entries joined with `path.delimiter`) holding the server and its dependencies. */
  classpath: string;
  /** Server version taken from the jar's file name, e.g. `3.8.0`, when it could be determined. */
  version?: string;
  /** Where the release came from. */
  source?: 'maven' | 'zookeeper-home' | 'debian';
}

/**
 * The newest release of each line that resolves from Maven Central with its dependencies.
 * (3.8.7 is published, but its parent POM is not served, so Maven cannot resolve it; 3.9.6's
 * dependencies are not served either.)
 */
export const NEWEST_ZOOKEEPER = { '3.8': '3.8.6', '3.9': '3.9.5' } as const;

/**
 * The release the harness runs when neither `ZK_VERSION`, `ZOOKEEPER_HOME` nor a `version`
 * option says otherwise: the newest 3.9 release.
 */
export const DEFAULT_ZOOKEEPER_VERSION = NEWEST_ZOOKEEPER['3.9'];

/**
 * The releases `npm run test:compat` runs the integration tests against, oldest first:
 * the last release of each line from 3.5 to 3.7, 3.7.1, the newest 3.8 and 3.9,
 * and Debian 12's package (3.8.0).
 */
export const TESTED_ZOOKEEPER_VERSIONS: readonly string[] = ['3.5.10', '3.6.4', '3.7.1', '3.7.2', NEWEST_ZOOKEEPER['3.8'], NEWEST_ZOOKEEPER['3.9'], 'debian'];

const HOW_TO_FIX = [
  'To fix it, do one of:',
  '  - install Maven (sudo apt-get install -y maven) so releases resolve from Maven Central;',
  '    ZK_VERSION=X.Y.Z picks one (default ' + DEFAULT_ZOOKEEPER_VERSION + ')',
  '  - Debian/Ubuntu: sudo apt-get install -y zookeeper, and set ZK_VERSION=debian',
  '  - download an Apache ZooKeeper *binary* tarball (apache-zookeeper-X.Y.Z-bin.tar.gz), unpack it',
  '    and set ZOOKEEPER_HOME to the unpacked directory (the one containing lib/)',
  '  - or point zk-elect at an existing ensemble: ZK_CONNECT=host:2181[,host2:2181...]',
].join('\n');

/**
 * Thrown when no ZooKeeper server (or no Java to run it) can be found. The message says
 * what is missing and how to fix it; catch this class to skip integration tests.
 */
export class ZooKeeperNotFoundError extends Error {
  override name = 'ZooKeeperNotFoundError';
}

/** Thrown when ZooKeeper jars were found but no `java` executable; a {@link ZooKeeperNotFoundError}. */
export class JavaNotFoundError extends ZooKeeperNotFoundError {
  override name = 'JavaNotFoundError';
}

/** How to provide a release that Maven could not. */
function otherSources(version: string): string {
  return [
    `To provide ZooKeeper ${version} another way: unpack apache-zookeeper-${version}-bin.tar.gz and set ZOOKEEPER_HOME to it;`,
    'or run another release (ZK_VERSION=X.Y.Z, or ZK_VERSION=debian for Debian\'s zookeeper package);',
    'or point zk-elect at an existing ensemble: ZK_CONNECT=host:2181[,host2:2181...]',
  ].join('\n');
}

/** Debian's package puts the jars here; the manifest of zookeeper.jar lists most dependencies. */
const DEBIAN_HOME = '/usr/share/zookeeper';
const DEBIAN_JARS = '/usr/share/java';
/**
 * Jars Debian's zookeeper.jar manifest leaves out but the server needs:
 * netty-codec for the Netty connection factory (TLS fails with NoClassDefFoundError
 * io/netty/handler/codec/ByteToMessageDecoder without it), and an slf4j binding plus log4j 1.2
 * so the server logs to our file instead of slf4j's silent no-op logger.
 */
const DEBIAN_EXTRA_JARS = ['netty-codec.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar'];

/**
 * Finds the ZooKeeper server release to run, and a Java runtime.
 *
 * The release asked for is `version`, else `$ZK_VERSION`; it is either `X.Y.Z` or `debian`.
 * - `debian`: Debian's `zookeeper` package (`/usr/share/java/zookeeper.jar`).
 * - `X.Y.Z`: `$ZOOKEEPER_HOME` when it holds exactly that release, else Maven Central through
 *   `mvn`, resolved once into `<cache>/zookeeper/X.Y.Z/` (see {@link cacheRoot}). The first
 *   resolution blocks while Maven downloads (typically 5–30 s) and says so on stderr.
 * - nothing asked: `$ZOOKEEPER_HOME` if set, else {@link DEFAULT_ZOOKEEPER_VERSION} from Maven.
 *
 * Java is `$JAVA_HOME/bin/java`, else `java` on `PATH`.
 *
 * @param env environment to read (`ZK_VERSION`, `ZOOKEEPER_HOME`, `JAVA_HOME`, `PATH`,
 *   `ZK_ELECT_CACHE`); defaults to `process.env`.
 * @throws {ZooKeeperNotFoundError} the release cannot be had: the message names the version,
 *   what was tried and how to provide it.
 * @throws {JavaNotFoundError} the release was found but no `java` executable was.
 */
export async function findZooKeeper(env: NodeJS.ProcessEnv = process.env, version?: string): Promise<ZooKeeperInstall> {
  const wanted = version ?? (env.ZK_VERSION?.trim() || undefined);
  const found = await locateRelease(wanted, env);
  return { ...found, java: await findJava(env) };
}

type Located = Omit<ZooKeeperInstall, 'java'>;

async function locateRelease(wanted: string | undefined, env: NodeJS.ProcessEnv): Promise<Located> {
  if (wanted === 'debian') {
    const debian = await fromDebian();
    if (debian) return debian;
    throw new ZooKeeperNotFoundError(`ZK_VERSION=debian asks for Debian's zookeeper package, but ${DEBIAN_JARS}/zookeeper.jar does not exist.\n${HOW_TO_FIX}`);
  }
  if (wanted === undefined && env.ZOOKEEPER_HOME) return fromZooKeeperHome(env.ZOOKEEPER_HOME);
  const release = wanted ?? DEFAULT_ZOOKEEPER_VERSION;
  if (!RELEASE.test(release)) {
    throw new ZooKeeperNotFoundError(`ZooKeeper version ${JSON.stringify(release)} is not a release: use X.Y.Z (e.g. 3.7.1) or debian.`);
  }
  if (env.ZOOKEEPER_HOME) {
    const home = await fromZooKeeperHome(env.ZOOKEEPER_HOME);
    if (home.version === release) return home;
  }
  return fromMaven(release, env);
}

const RELEASE = /^\d+\.\d+\.\d+$/;

/** A release from Maven Central, with the logging binding its server needs to write our log file. */
async function fromMaven(version: string, env: NodeJS.ProcessEnv): Promise<Located> {
  const home = path.join(cacheRoot(env), 'zookeeper', version);
  const what = `ZooKeeper ${version}`;
  let jars: string[];
  try {
    jars = await resolveMavenJars(home, serverArtifacts(version), what, env, () =>
      process.stderr.write(`zk-elect: resolving ${what} from Maven Central into ${home} (once) ...\n`),
    );
  } catch (err) {
    if (!(err instanceof MavenResolveError)) throw err;
    throw new ZooKeeperNotFoundError(`${err.message}\n${otherSources(version)}`, { cause: err });
  }
  const found = jars.map(versionOfJar).find((v) => v !== undefined);
  if (found !== version) throw new ZooKeeperNotFoundError(`${home} should hold ${what} but its jars say ${found ?? 'nothing'}; delete it to resolve again.`);
  return { home, classpath: jars.join(path.delimiter), version, source: 'maven' };
}

/**
 * The server artifact plus what its POM leaves to the binary tarball:
 * - an slf4j binding: the POMs bring only slf4j-api before 3.8 and in 3.9 (3.8 brings logback),
 *   and without one the server logs nothing, which would leave a failed start without its cause;
 * - from 3.6 on, the `provided` jars the server loads at start: Dropwizard metrics for the
 *   default metrics provider (else NoClassDefFoundError com/codahale/metrics/Reservoir) and
 *   snappy-java for snapshot streams (else org/xerial/snappy/SnappyInputStream).
 */
function serverArtifacts(version: string): MavenArtifact[] {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const older = major < 3 || (major === 3 && minor < 6);
  const artifacts: MavenArtifact[] = [{ groupId: 'org.apache.zookeeper', artifactId: 'zookeeper', version }];
  if (!older) {
    artifacts.push({ groupId: 'io.dropwizard.metrics', artifactId: 'metrics-core', version: '4.1.12.1' });
    artifacts.push({ groupId: 'org.xerial.snappy', artifactId: 'snappy-java', version: '1.1.10.5' });
  }
  if (major === 3 && minor < 8) artifacts.push({ groupId: 'org.slf4j', artifactId: 'slf4j-log4j12', version: '1.7.36' });
  else if (!(major === 3 && minor === 8)) artifacts.push({ groupId: 'ch.qos.logback', artifactId: 'logback-classic', version: '1.3.15' });
  return artifacts;
}

/** An Apache binary tarball: `lib/zookeeper-X.Y.Z.jar` plus dependencies (3.4 kept the main jar at the root). */
async function fromZooKeeperHome(home: string): Promise<Located> {
  const jars = [...(await listJars(path.join(home, 'lib'))), ...(await listJars(home))];
  const version = jars.map(versionOfJar).find((v) => v !== undefined);
  if (version === undefined) {
    throw new ZooKeeperNotFoundError(
      `ZOOKEEPER_HOME=${home} does not look like an Apache ZooKeeper binary distribution ` +
        `(no lib/zookeeper-<version>.jar). Source tarballs (apache-zookeeper-X.Y.Z.tar.gz without -bin) do not work.\n${HOW_TO_FIX}`,
    );
  }
  return { home, classpath: jars.join(path.delimiter), version, source: 'zookeeper-home' };
}

/** Debian/Ubuntu's `zookeeper` package, or undefined when it is not installed. */
async function fromDebian(): Promise<Located | undefined> {
  const mainJar = path.join(DEBIAN_JARS, 'zookeeper.jar');
  if (!(await isFile(mainJar))) return undefined;
  const extras: string[] = [];
  for (const name of DEBIAN_EXTRA_JARS) {
    const jar = path.join(DEBIAN_JARS, name);
    if (await isFile(jar)) extras.push(jar);
  }
  const version = (await listJars(DEBIAN_JARS)).map(versionOfJar).find((v) => v !== undefined);
  return {
    home: DEBIAN_HOME,
    classpath: [mainJar, ...extras].join(path.delimiter),
    ...(version !== undefined ? { version } : {}),
    source: 'debian',
  };
}

/** `$JAVA_HOME/bin/java` if executable, else the first `java` on PATH. */
async function findJava(env: NodeJS.ProcessEnv): Promise<string> {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  const candidates = [
    ...(env.JAVA_HOME ? [path.join(env.JAVA_HOME, 'bin', exe)] : []),
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, exe)),
  ];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return candidate;
  }
  throw new JavaNotFoundError(
    'ZooKeeper was found but no Java runtime: `java` is not on PATH and JAVA_HOME/bin/java does not exist.\n' +
      'To fix it: sudo apt-get install -y default-jre-headless (Debian/Ubuntu; `zookeeper` pulls it in), ' +
      'or install a JDK 11+ and set JAVA_HOME.\n' +
      'Or point zk-elect at an existing ensemble: ZK_CONNECT=host:2181',
  );
}

/** `zookeeper-3.8.0.jar` → `3.8.0`; other jars (zookeeper-jute-…, zookeeper-recipes-…) → undefined. */
function versionOfJar(jar: string): string | undefined {
  return /^zookeeper-(\d+\.\d+\.\d+)\.jar$/.exec(path.basename(jar))?.[1];
}

/** Absolute paths of the `*.jar` files directly inside `dir`, sorted; empty if `dir` is missing. */
async function listJars(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => n.endsWith('.jar')).sort().map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return await isFile(file);
  } catch {
    return false;
  }
}
