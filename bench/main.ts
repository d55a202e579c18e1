/**
 * The benchmark program, `node dist/bench/main.js <scenario>[,<scenario>...] [flags]`: what
 * `zk-elect bench` runs (src/cli/commands/bench.ts starts it as a child with the user's
 * arguments), and what the orchestrator starts again for each of zk-elect's child runs, with
 * the options as one JSON argument (bench/lib/parse-options.ts). Exits with the run's code
 * (see bench/lib/errors.ts).
 *
 * Runs one scenario of zk-elect alone in this process; a list, `--peers` or `all` is
 * orchestrated (bench/orchestrate.ts): each implementation in its own child process against one
 * server. `all` runs every scenario of zk-elect and of every peer against one fresh local
 * ZooKeeper, prints a table with ratios and targets, and writes bench/results/latest.{json,md}
 * plus an SVG chart.
 * @module
 */
import { reportFailure, EXIT } from './lib/errors.js';
import { parseBenchArgs } from './lib/parse-options.js';
import { USAGE } from './lib/usage.js';
import { runBench } from './run.js';

/** Runs the program with `argv` (without node and the script); resolves with the exit code. Never throws. */
async function main(argv: string[]): Promise<number> {
  // Before parsing succeeds, --json on the command line still asks for a JSON error.
  let json = argv.includes('--json');
  try {
    const args = parseBenchArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return EXIT.OK;
    }
    json = args.options.json;
    return await runBench(args.options);
  } catch (err) {
    return reportFailure(err, json);
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; if a stray handle still holds the loop, do not hang the caller.
setTimeout(() => process.exit(code), 1000).unref();
