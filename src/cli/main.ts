#!/usr/bin/env node
/**
 * The `zk-elect` command: dispatches `zk-elect <command> [flags]` to `./commands/<command>.js`,
 * whose `run(argv)` resolves with the exit code.
 * @module
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from './errors.js';
import { reportError } from './output.js';
import { DEFAULT_ZOOKEEPER_VERSION } from '../testing/install.js';

/** A command module: `run` parses its own flags and resolves with the process exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

/** Every command, in the order `--help` lists them. Modules load lazily, only when used. */
export const COMMANDS: Readonly<Record<string, string>> = {
  node: 'run a node: volunteer for leadership, register in the service registry, serve /status and /metrics',
  status: "print an election's chain of candidates and the service registry, once",
  watch: 'like status, re-printed on every change until Ctrl-C',
  services: 'list the named services (Curator x-discovery) and their instances; --watch to follow',
  run: 'run a command only while this process leads an election: one copy across hosts, never two',
  register: 'register a named-service instance until Ctrl-C, or as long as a command runs',
  demo: 'start a local ZooKeeper and a fleet of nodes to watch elections happen',
  dashboard: 'a live web view of an election',
  bench: 'measure election and failover times',
};

const USAGE = `Usage: zk-elect <command> [flags]     (zk-elect <command> --help for its flags)

Leader election on Apache ZooKeeper: every node volunteers, the smallest candidate leads,
each other candidate watches only its predecessor.

Commands:
${Object.entries(COMMANDS)
  .map(([name, text]) => `  ${name.padEnd(10)} ${text}`)
  .join('\n')}

Environment:
  ZK_CONNECT   default ZooKeeper connect string (else 127.0.0.1:2181)
  ZK_VERSION   the ZooKeeper release \`demo\` and \`bench\` start locally: X.Y.Z from Maven
               Central (default ${DEFAULT_ZOOKEEPER_VERSION}) or debian

Exit codes:
  0  success, or graceful shutdown after Ctrl-C / SIGTERM
  1  unexpected error
  2  bad command line (unknown command or flag, bad value, bad connect string)
  3  ZooKeeper unreachable
  4  local resource unavailable (e.g. --port in use)
  5  ZooKeeper refused this client (credentials, SASL required, untrusted TLS certificate)
  130 second Ctrl-C during shutdown
  run and register -- COMMAND exit with the command's code (128 + N for signal N);
  126 COMMAND not executable, 127 COMMAND not found
`;

function version(): string {
  try {
    // dist/src/cli/main.js -> package.json three levels up (src/cli/main.ts when run from source maps).
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Loads a command's module on first use. The specifier is computed, so tsc does not resolve
 * the command modules at compile time and a build that lacks one still starts (and says so).
 * @throws CliError when the module is missing from this build; its import errors otherwise.
 */
async function load(name: string): Promise<CommandModule> {
  const specifier = `./commands/${name}.js`;
  try {
    return (await import(specifier)) as CommandModule;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Only the command's own module missing; a missing import inside it is a real bug.
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`commands/${name}.js`)) {
      throw new CliError(`the "${name}" command is not available in this build`, EXIT.UNEXPECTED);
    }
    throw err;
  }
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code.
 * Blocks as long as the command runs (`node` and `watch` until Ctrl-C). Never throws.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0])) return main([rest[0], '--help']);
    // Asked for: stdout and success. Missing command: a mistake, so stderr and exit 2.
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return EXIT.OK;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`zk-elect: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  try {
    const command = await load(name);
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}

/** True when this file is the program (run directly or through the npm `bin` symlink). */
function isProgram(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Run only as the program, not when imported (e.g. by tests that want COMMANDS).
if (isProgram()) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Everything is closed by now; if a stray handle still holds the loop, do not hang the shell.
  setTimeout(() => process.exit(code), 1000).unref();
}
