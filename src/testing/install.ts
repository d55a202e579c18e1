/**
 * Locating a ZooKeeper server installation and a Java runtime, so the test harness can start
 * `QuorumPeerMain` directly (no wrapper scripts: they read system-wide config and log to /var/log).
 * @module
 */
import { access, readdir, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';

/** Where a usable ZooKeeper server lives and how to launch its JVM. */
export interface ZooKeeperInstall {
  /** Root of the installation (`ZOOKEEPER_HOME`, or `/usr/share/zookeeper` for Debian's package). */
  home: string;
  /** Absolute path of the `java` executable to run. */
  java: string;
  /** Java class path (entries joined with `path.delimiter`) holding the server and its dependencies. */
  classpath: string;
  /** Server version taken from the jar's file name, e.g. `3.8.0`, when it could be determined. */
  version?: string;
}

const HOW_TO_FIX = [
  'To fix it, do one of:',
  '  - Debian/Ubuntu: sudo apt-get install -y zookeeper',
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
 * Finds a ZooKeeper server installation and a Java runtime.
 *
 * Search order: `$ZOOKEEPER_HOME` (Apache binary tarball layout, `lib/*.jar`), then Debian's
 * `zookeeper` package (`/usr/share/java/zookeeper.jar`). Java is `$JAVA_HOME/bin/java`, else
 * `java` on `PATH`. Only touches the file system (no processes are started).
 *
 * @param env environment to read (`ZOOKEEPER_HOME`, `JAVA_HOME`, `PATH`); defaults to `process.env`.
 * @throws {ZooKeeperNotFoundError} no installation found, or `ZOOKEEPER_HOME` is not a binary tarball.
 * @throws {JavaNotFoundError} the jars exist but no `java` executable does.
 */
export async function findZooKeeper(env: NodeJS.ProcessEnv = process.env): Promise<ZooKeeperInstall> {
  const found = env.ZOOKEEPER_HOME ? await fromZooKeeperHome(env.ZOOKEEPER_HOME) : await fromDebian();
  if (!found) {
    throw new ZooKeeperNotFoundError(
      `No ZooKeeper server installation found (ZOOKEEPER_HOME is not set and ${DEBIAN_JARS}/zookeeper.jar does not exist).\n${HOW_TO_FIX}`,
    );
  }
  return { ...found, java: await findJava(env) };
}

/** An Apache binary tarball: `lib/zookeeper-X.Y.Z.jar` plus dependencies (3.4 kept the main jar at the root). */
async function fromZooKeeperHome(home: string): Promise<Omit<ZooKeeperInstall, 'java'>> {
  const jars = [...(await listJars(path.join(home, 'lib'))), ...(await listJars(home))];
  const version = jars.map(versionOfJar).find((v) => v !== undefined);
  if (version === undefined) {
    throw new ZooKeeperNotFoundError(
      `ZOOKEEPER_HOME=${home} does not look like an Apache ZooKeeper binary distribution ` +
        `(no lib/zookeeper-<version>.jar). Source tarballs (apache-zookeeper-X.Y.Z.tar.gz without -bin) do not work.\n${HOW_TO_FIX}`,
    );
  }
  return { home, classpath: jars.join(path.delimiter), version };
}

/** Debian/Ubuntu's `zookeeper` package, or undefined when it is not installed. */
async function fromDebian(): Promise<Omit<ZooKeeperInstall, 'java'> | undefined> {
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
