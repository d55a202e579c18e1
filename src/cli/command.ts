/**
 * The frame of every `zk-elect` command. A command module exports
 * `run(argv: string[]): Promise<number>`; it returns an {@link EXIT} code and never calls
 * `process.exit` itself. The usual shape:
 *
 * ```ts
 * export function run(argv: string[]): Promise<number> {
 *   return runCommand(argv, OPTIONS, USAGE, async ({ values }, ctx) => {
 *     ctx.connectString = resolveConnectString(values.zookeeper); // named if it is unreachable
 *     ...
 *     return EXIT.OK;
 *   });
 * }
 * ```
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import { parseCommandArgs, type ParsedCommandArgs } from './args.js';
import { EXIT, type ErrorContext } from './errors.js';
import { reportError } from './output.js';

/**
 * The frame of every command's `run`: parses `argv` ({@link parseCommandArgs}), prints `usage`
 * for `--help`, runs `body`, and reports whatever it throws ({@link reportError}), in JSON when
 * the command has a `--json` flag and it was given. `body` fills in `ctx.connectString` once it
 * knows it, so an unreachable ensemble is named. Blocks as long as `body`. Never throws.
 */
export async function runCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
  body: (args: ParsedCommandArgs<O>, ctx: ErrorContext) => Promise<number>,
  allowPositionals = false,
): Promise<number> {
  // Before parsing succeeds, --json on the command line still asks for a JSON error.
  const ctx: ErrorContext = { usage, json: 'json' in options && argv.includes('--json') };
  try {
    const args = parseCommandArgs(argv, options, usage, allowPositionals);
    const values = args.values as { help?: boolean; json?: boolean };
    if (values.help) return printHelp(usage);
    if ('json' in options) ctx.json = values.json === true;
    return await body(args, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}

/** Prints a command's help text on stdout and returns {@link EXIT.OK}. */
export function printHelp(usage: string): number {
  process.stdout.write(usage.endsWith('\n') ? usage : usage + '\n');
  return EXIT.OK;
}
