/**
 * `npm run chaos -- --seed S --faults N [--candidates C] [--run-candidates R] [--session-timeout MS] [--bound MS]`:
 * a chaos run from the command line. Prints the report (table, seed, violations with their
 * history slices) on stdout and progress on stderr. Exit 0 without violations, 1 with any,
 * 2 for bad flags, 130 on Ctrl-C (after stopping and deleting everything it started).
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatEntry } from './history.js';
import { runChaos } from './runner.js';

const USAGE = `Usage: npm run chaos -- --seed S --faults N [flags]
  --seed <n>             seeds the fault schedule (default: random, printed)
  --faults <n>           faults to inject (default 50)
  --candidates <n>       candidate processes (default 5)
  --run-candidates <n>   how many of them are zk-elect run candidates (default 2), whose
                         command writes while run leads; the others are LeaderElection programs
  --session-timeout <ms> the candidates' session timeout (default 1500)
  --bound <ms>           liveness: a leader within session timeout + this after a heal (default 4000)
  --history <file>       also write the merged history there, one JSON line per entry
  --quiet                no progress lines on stderr`;

function intFlag(values: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new TypeError(`--${name} must be an integer >= ${min}, got ${String(raw)}`);
  return n;
}

async function main(): Promise<number> {
  let flags: { seed: number; faults: number; candidates: number; runCandidates: number; T: number; bound: number; history?: string; quiet: boolean };
  try {
    const { values } = parseArgs({
      options: {
        seed: { type: 'string' },
        faults: { type: 'string' },
        candidates: { type: 'string' },
        'run-candidates': { type: 'string' },
        'session-timeout': { type: 'string' },
        bound: { type: 'string' },
        history: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) return console.log(USAGE), 0;
    flags = {
      seed: intFlag(values, 'seed', Math.floor(Math.random() * 2 ** 31), 0),
      faults: intFlag(values, 'faults', 50, 0),
      candidates: intFlag(values, 'candidates', 5, 2),
      runCandidates: intFlag(values, 'run-candidates', 2, 0),
      T: intFlag(values, 'session-timeout', 1500, 500),
      bound: intFlag(values, 'bound', 4000, 0),
      quiet: values.quiet === true,
      ...(values.history ? { history: values.history } : {}),
    };
    if (flags.runCandidates > flags.candidates) throw new TypeError(`--run-candidates (${flags.runCandidates}) cannot exceed --candidates (${flags.candidates})`);
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const abort = new AbortController();
  // Ctrl-C or SIGTERM: stop the run; runChaos stops and deletes everything before it rejects.
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (!flags.quiet) console.error(`chaos: seed ${flags.seed}, ${flags.faults} faults`);
  try {
    const report = await runChaos({
      seed: flags.seed,
      faults: flags.faults,
      candidates: flags.candidates,
      runCandidates: flags.runCandidates,
      sessionTimeoutMs: flags.T,
      livenessBoundMs: flags.bound,
      signal: abort.signal,
      ...(flags.quiet ? {} : { onProgress: (line: string) => console.error(`chaos: ${line}`) }),
    });
    console.log(report.text);
    if (flags.history) {
      await writeFile(flags.history, report.history.map(formatEntry).join('\n') + '\n');
    }
    return report.ok ? 0 : 1;
  } catch (err) {
    if (abort.signal.aborted) {
      console.error('chaos: interrupted; everything it started is stopped');
      return 130;
    }
    console.error(`chaos: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

process.exitCode = await main();
