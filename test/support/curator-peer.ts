// Apache Curator's x-discovery in a JVM beside the test: test/interop/CuratorDiscovery.java on
// the real library from Maven Central, driven with one JSON command per stdin line.
import path from 'node:path';
import { cacheRoot, resolveJavaLibrary, SupervisedChild } from '../../src/testing/index.js';
import { compileInterop, findJdk } from './java-program.js';

/** The curator-x-discovery release the interop tests run against (the benchmarks' Curator too). */
export const CURATOR_DISCOVERY_VERSION = '5.9.0';

/** An instance as Curator's getters return it, plus the URI its uriSpec builds. */
export interface CuratorInstance {
  name: string;
  id: string;
  address: string;
  port: number | null;
  sslPort: number | null;
  payload: unknown;
  /** The Java class the payload was read as. */
  payloadClass: string | null;
  registrationTimeUTC: number;
  serviceType: string;
  enabled: boolean;
  /** `buildUriSpec()`, null when the instance has no uriSpec. */
  uri: string | null;
}

/** A line the Java program prints: a reply (`seq`), `ready`, or a ServiceCache change (`cache`). */
interface PeerLine {
  seq?: number;
  ok?: boolean;
  error?: string;
  event?: 'ready' | 'cache';
  name?: string;
  instance?: CuratorInstance | null;
  instances?: CuratorInstance[];
  all?: CuratorInstance[];
}

/** What `register` takes: Curator's builder fields, uriSpec as a template. */
export interface CuratorRegistration {
  name: string;
  address: string;
  port?: number;
  sslPort?: number;
  id?: string;
  payload?: Record<string, unknown>;
  uriSpec?: string;
}

/** Where curator-x-discovery's resolution is cached. */
const libraryDir = () => path.join(cacheRoot(), 'maven', `curator-x-discovery-${CURATOR_DISCOVERY_VERSION}`);

let prepared: Promise<string[]> | undefined;

/**
 * The JVM's command line minus the program's arguments: curator-x-discovery with its runtime
 * dependencies (curator-recipes, jackson-databind, the ZooKeeper client) and slf4j-nop,
 * resolved from Maven Central once into the cache, and test/interop compiled against them.
 * Blocks for Maven and javac on a machine's first run (see the README), for a few file reads
 * later; once per process.
 * @throws Error (MavenResolveError, or the JDK's) saying what is missing and how to install it.
 */
export function curatorCommand(): Promise<string[]> {
  prepared ??= (async () => {
    const jdk = await findJdk();
    const jars = await resolveJavaLibrary(
      libraryDir(),
      [{ groupId: 'org.apache.curator', artifactId: 'curator-x-discovery', version: CURATOR_DISCOVERY_VERSION }],
      `Apache Curator x-discovery ${CURATOR_DISCOVERY_VERSION}`,
      { onResolve: (what, dir) => process.stderr.write(`zk-elect tests: resolving ${what} from Maven Central into ${dir} (once) ...\n`) },
    );
    const classes = await compileInterop(jdk, jars);
    // C1 only: the program runs for seconds, where C2's warm-up costs more than it saves.
    return [jdk.java, '-XX:TieredStopAtLevel=1', '-cp', [classes, ...jars].join(path.delimiter)];
  })();
  prepared.catch(() => (prepared = undefined)); // a failure is not cached: a later call tries again
  return prepared;
}

/** One Curator ServiceDiscovery in its own JVM. */
export class CuratorPeer {
  #seq = 0;

  private constructor(readonly child: SupervisedChild<PeerLine>) {}

  /**
   * Starts the JVM with a ServiceDiscovery on `basePath` whose payloads are read as
   * `payloadClass` (Curator's builder class). Blocks until it is ready (at most 60 s).
   * @throws when Curator cannot be had (see {@link curatorCommand}) or the JVM does not start.
   */
  static async start(connectString: string, basePath: string, payloadClass = 'java.util.Map'): Promise<CuratorPeer> {
    const [java, ...args] = await curatorCommand();
    const child = new SupervisedChild<PeerLine>(java as string, [...args, 'CuratorDiscovery', connectString, basePath, payloadClass], { stdin: true });
    try {
      await child.next((l) => l.event === 'ready', { timeoutMs: 60_000, what: "Curator's ServiceDiscovery to start" });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return new CuratorPeer(child);
  }

  /** Curator's registerService; resolves with the instance as registered. */
  async register(instance: CuratorRegistration): Promise<CuratorInstance> {
    return (await this.#call('register', { instance })).instance as CuratorInstance;
  }

  /** Curator's queryForInstances(name). */
  async query(name: string): Promise<CuratorInstance[]> {
    return (await this.#call('query', { name })).instances ?? [];
  }

  /** A fresh Curator ServiceProvider (default strategy, round-robin): its getInstance() and getAllInstances(). */
  async provide(name: string): Promise<{ instance: CuratorInstance | null; all: CuratorInstance[] }> {
    const r = await this.#call('provide', { name });
    return { instance: r.instance ?? null, all: r.all ?? [] };
  }

  /** Starts a Curator ServiceCache on `name`; resolves with its first snapshot. Each later change is a {@link CuratorPeer.nextCache} event. */
  async watch(name: string): Promise<CuratorInstance[]> {
    return (await this.#call('watch', { name })).instances ?? [];
  }

  /** How many lines the JVM has printed so far: pass it to {@link CuratorPeer.nextCache} to look only at later changes. */
  get mark(): number {
    return this.child.events.length;
  }

  /**
   * The first ServiceCache change of `name` printed from line `from` on whose instances satisfy
   * `match`, already printed or still to come.
   * @throws after `timeoutMs`, or if the JVM exits first.
   */
  async nextCache(name: string, match: (instances: CuratorInstance[]) => boolean, options: { from: number; timeoutMs: number; what: string }): Promise<CuratorInstance[]> {
    const line = await this.child.next((l) => l.event === 'cache' && l.name === name && match(l.instances ?? []), options);
    return line.instances ?? [];
  }

  /** Curator's unregisterService of the instance `id` of `name` (nothing when it is not registered). */
  async unregister(name: string, id: string): Promise<void> {
    await this.#call('unregister', { name, id });
  }

  /** Asks the JVM to close Curator (which unregisters what it registered) and exit; SIGKILL after 10 s. Never throws. */
  async close(): Promise<void> {
    this.child.stdin?.end(`${JSON.stringify({ op: 'quit' })}\n`);
    // Not stop(): its SIGTERM would end the JVM before Curator closes its session.
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.child.exited;
    clearTimeout(timer);
  }

  /** Sends one command; resolves with its reply. @throws the Java exception's text on `ok: false`. */
  async #call(op: string, fields: object): Promise<PeerLine> {
    const seq = ++this.#seq;
    this.child.stdin?.write(`${JSON.stringify({ seq, op, ...fields })}\n`);
    const reply = await this.child.next((l) => l.seq === seq, { timeoutMs: 30_000, what: `Curator's reply to ${op}` });
    if (!reply.ok) throw new Error(`Curator ${op}: ${reply.error}`);
    return reply;
  }
}
