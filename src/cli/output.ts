/**
 * What the commands print: JSON lines for scripts, timestamped sentences for people, and the
 * {@link Reporter} that picks one of the two.
 * @module
 */
import { describeError, type ErrorContext } from './errors.js';

/** Writes one event as one JSON line; see {@link jsonLinePrinter}. */
export type JsonLinePrinter = (event: string, fields?: Record<string, unknown>) => void;

/**
 * Returns a printer of `{"event", "time", ...fields}` lines (time: ms since the epoch).
 * BigInts are written as decimal strings and `undefined` fields are left out, so every line
 * parses with `JSON.parse`. Never blocks (the stream buffers); never throws.
 */
export function jsonLinePrinter(stream: NodeJS.WritableStream = process.stdout): JsonLinePrinter {
  return (event, fields = {}) => {
    const line = JSON.stringify({ event, time: Date.now(), ...fields }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    stream.write(line + '\n');
  };
}

/** The local wall-clock time as `HH:MM:SS.mmm`, for lines a person reads. */
export function clockTime(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Tells what happens, either to a person (timestamped sentences on stdout) or to a script
 * (one JSON line per event on stdout, see {@link jsonLinePrinter}). In JSON mode nothing but
 * event lines reaches stdout. Never blocks; never throws.
 */
export class Reporter {
  private readonly json: JsonLinePrinter;

  /**
   * @param jsonMode print JSON lines instead of sentences.
   * @param context fields added to every JSON line (e.g. the node's role and znode name).
   * @param label a name shown on every line (`id` in JSON, `[label]` in text).
   */
  constructor(
    readonly jsonMode: boolean,
    private readonly context: () => Record<string, unknown> = () => ({}),
    private readonly label?: string,
  ) {
    this.json = jsonLinePrinter(process.stdout);
  }

  /**
   * Reports `event`: in JSON mode as `{event, time, id?, ...context, ...fields}`, otherwise as
   * `text` (each of its lines timestamped), on stderr when `toStderr` is set.
   */
  event(event: string, fields: Record<string, unknown>, text: string, toStderr = false): void {
    if (this.jsonMode) {
      if (toStderr) jsonLinePrinter(process.stderr)(event, { id: this.label, ...this.context(), ...fields });
      else this.json(event, { id: this.label, ...this.context(), ...fields });
      return;
    }
    const stamp = clockTime();
    const prefix = this.label ? `${stamp} [${this.label}] ` : `${stamp} `;
    const lines = text.split('\n').map((l) => prefix + l).join('\n') + '\n';
    (toStderr ? process.stderr : process.stdout).write(lines);
  }

  /** Reports an error that the program survives (on stderr; `error` lines in JSON mode). */
  error(err: unknown): void {
    const f = describeError(err);
    this.event('error', { message: f.message }, `error: ${f.message}${f.unexpected && err instanceof Error && err.stack ? `\n${err.stack}` : ''}`, true);
  }
}

/**
 * Prints `err` for a person on stderr (or as one `{"event":"error",...}` line on stderr in
 * JSON mode) and returns its exit code. Stacks only for unexpected errors. Never throws.
 */
export function reportError(err: unknown, context: ErrorContext = {}): number {
  const f = describeError(err, context);
  if (context.json) {
    jsonLinePrinter(process.stderr)('error', { message: f.message, hint: f.hint, exitCode: f.exitCode, ...(f.unexpected ? { stack: (err as Error)?.stack } : {}) });
  } else {
    process.stderr.write(`zk-elect: ${f.message}\n`);
    if (f.hint) process.stderr.write(`${f.hint.endsWith('\n') ? f.hint : f.hint + '\n'}`);
    if (f.unexpected && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  return f.exitCode;
}
