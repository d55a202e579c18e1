/**
 * `zk-elect bench`: the front door of the benchmark, which measures election, failover and
 * client throughput against the systems people would otherwise pick (Apache Curator, the
 * ZooKeeper Java client, kazoo, node-zookeeper-client). The benchmark is its own program in
 * the repository's `bench/` directory, with its own flags and help text; it is not part of the
 * published package, so this command only finds the built program of a source checkout and
 * runs it with the user's arguments.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from '../errors.js';
import { reportError } from '../output.js';

/**
 * The built benchmark program, `dist/bench/main.js` under the package root (this module is
 * `dist/src/cli/commands/bench.js`). Only computes the path; it exists in a built source checkout.
 */
export function benchProgram(): string {
  const packageRoot = fileURLToPath(new URL('../../../../', import.meta.url));
  return path.join(packageRoot, 'dist', 'bench', 'main.js');
}

/**
 * Runs `file` with `argv` in a Node child sharing our stdin, stdout and stderr, and resolves
 * with its exit code (128 + the signal's number when a signal ended it). SIGINT and SIGTERM
 * sent to this process are passed on, so the child shuts down its servers and peers itself.
 * Blocks until the child exits. @throws Error when it cannot be started.
 */
function runProgram(file: string, argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = () => (process.off('SIGINT', forward), process.off('SIGTERM', forward));
    child.once('error', (err) => (done(), reject(err)));
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * Runs `zk-elect bench` with its arguments (all of them, `--help` included, are the benchmark
 * program's). Blocks for the whole benchmark (seconds for one small scenario, about 10 minutes
 * for `all`). Resolves with the benchmark's exit code, or {@link EXIT.UNAVAILABLE} without a
 * source checkout; never throws.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    const program = benchProgram();
    if (!existsSync(program)) {
      throw new CliError(
        `zk-elect bench needs a source checkout: the benchmark lives in the repository's bench/ directory, which the published package does not include (no ${program}).`,
        EXIT.UNAVAILABLE,
        'Clone the repository, run `npm install && npm run build`, then `npx zk-elect bench all`.',
      );
    }
    return await runProgram(program, argv);
  } catch (err) {
    return reportError(err);
  }
}
