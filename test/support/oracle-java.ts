// The real ZooKeeper Java client in a JVM beside the test: test/interop/ZkOracle.java on the
// jars of the release the harness runs, driven with one operation per stdin line.
import path from 'node:path';
import { SupervisedChild, type ZooKeeperInstall } from '../../src/testing/index.js';
import { compileInterop, findJdk } from './java-program.js';
import { javaLine, type OracleOp } from './oracle-wire.js';

/**
 * Logging bindings of the server's class path: without them slf4j logs nothing (one warning on
 * stderr), where logback's default configuration would print every DEBUG line to stdout.
 */
const LOGGING_JAR = /^(logback-|slf4j-log4j|slf4j-reload4j|reload4j|log4j-1)/;

/** The JVM's command line minus the program's arguments. */
async function oracleCommand(install: ZooKeeperInstall): Promise<string[]> {
  const jdk = await findJdk();
  const jars = install.classpath.split(path.delimiter).filter((j) => !LOGGING_JAR.test(path.basename(j)));
  const classes = await compileInterop(jdk, jars, ['ZkOracle.java']);
  return [jdk.java, '-XX:TieredStopAtLevel=1', '-cp', [classes, ...jars].join(path.delimiter)];
}

/** The Java client, one session per sequence. */
export class JavaOracle {
  private constructor(private readonly child: SupervisedChild) {}

  /**
   * Starts the JVM on the client jars of `install` (the servers' release) and waits for it
   * to be ready (at most 60 s). Blocks for javac on a machine's first run.
   * @throws when there is no JDK, ZkOracle.java does not compile, or the JVM does not start.
   */
  static async start(install: ZooKeeperInstall): Promise<JavaOracle> {
    const [java, ...args] = await oracleCommand(install);
    const oracle = new JavaOracle(new SupervisedChild(java as string, [...args, 'ZkOracle'], { stdin: true }));
    try {
      await oracle.#lineAt(0, (l) => l === 'ready', 60_000);
    } catch (err) {
      oracle.child.kill('SIGKILL');
      throw err;
    }
    return oracle;
  }

  /** Opens a session to `connectString`; resolves with the lines printed for it. */
  connect(index: number, connectString: string, sessionTimeoutMs: number): Promise<string[]> {
    return this.#send(index, [index, 'connect', connectString, sessionTimeoutMs].join('\t'));
  }

  /** Runs one op; resolves with the lines printed for it: its events, then its result. */
  run(index: number, op: OracleOp): Promise<string[]> {
    return this.#send(index, javaLine(index, op));
  }

  /** Closes the session; resolves with the lines printed for it (the Closed events). */
  closeSession(index: number): Promise<string[]> {
    return this.#send(index, `${index}\tclose`);
  }

  /** Ends the JVM (its stdin closes; SIGKILL after 5 s). Never throws. */
  async stop(): Promise<void> {
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.child.exited;
    clearTimeout(timer);
  }

  async #send(index: number, line: string): Promise<string[]> {
    const from = this.child.lines.length;
    this.child.stdin?.write(`${line}\n`);
    const end = await this.#lineAt(from, (l) => l.startsWith(`R\t${index}\t`), 30_000);
    return this.child.lines.slice(from, end + 1).filter((l) => l.startsWith('E\t') || l.startsWith('R\t'));
  }

  /** The index of the first stdout line from `from` on that `match` accepts, printed or to come. */
  #lineAt(from: number, match: (line: string) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const found = () => this.child.lines.findIndex((l, i) => i >= from && match(l));
      const done = (fn: () => void) => (clearTimeout(timer), unsubscribe(), fn());
      const timer = setTimeout(() => done(() => reject(new Error(`ZkOracle printed no awaited line in ${timeoutMs} ms; stderr: ${this.child.stderr.join('\n')}`))), timeoutMs);
      const unsubscribe = this.child.onLine(() => {
        const i = found();
        if (i >= 0) done(() => resolve(i));
      });
      void this.child.exited.then(() => setImmediate(() => done(() => reject(new Error(`ZkOracle exited; stderr: ${this.child.stderr.join('\n')}`)))));
      const i = found();
      if (i >= 0) done(() => resolve(i));
    });
  }
}
