/**
 * What a `zk-elect run` candidate publishes in its candidate znode: its address (the `--data`
 * text) and the state of the command it runs, as one small JSON object. The run command
 * (cli/commands/run.ts) writes it on each change of its command's state; `zk-elect status`,
 * `watch` and the dashboard read it, so anyone can see which host runs the job and since when.
 * It lives beside the child-process module because both the CLI and the dashboard depend on it
 * (neither on the other), like node-events.ts.
 *
 * Changing the data of a candidate node is safe for the election: its successor's watch fires
 * once and it re-reads the chain; fencing checks the node's existence, not its version.
 * @module
 */

/** The state of a `run` candidate's command. */
export type RunChildState =
  /** Not the leader: the command is not running. */
  | 'waiting'
  /** The leader, and its command runs. */
  | 'running'
  /** Its command is being stopped (leadership in doubt or gone, or `run` was signalled). */
  | 'stopping'
  /** The leader, with its command stopped while leadership was in doubt: it starts again once the doubt clears. */
  | 'stopped';

/** The command part of a `run` candidate's data. */
export interface RunCandidateState {
  /** The command and its arguments, as given after `--`. */
  command: string[];
  child: RunChildState;
  /** The command's pid (and process group id), while it runs or is being stopped. */
  pid?: number;
  /** When `child` last changed (ms since the epoch, by the candidate's clock). */
  since: number;
}

/** A `run` candidate's data, decoded. */
export interface RunCandidateData {
  /** The candidate's address: `--data`, by default `<hostname>:<pid>`. */
  address: string;
  run: RunCandidateState;
}

const STATES: ReadonlySet<string> = new Set<RunChildState>(['waiting', 'running', 'stopping', 'stopped']);

// Uint8Array and the text codecs rather than Buffer: the dashboard's page compiles against
// these types too, without Node's.
const utf8 = new TextDecoder();

/** The bytes of a `run` candidate's data. Never throws. */
export function encodeRunCandidate(data: RunCandidateData): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(data));
}

/**
 * Decodes a candidate's data when it is a `run` candidate's, else undefined (a `zk-elect node`
 * or a library candidate with any other data). Never throws.
 */
export function parseRunCandidate(data: Uint8Array | null): RunCandidateData | undefined {
  // Cheap test first: most candidates' data is an address, not JSON.
  if (!data || data[0] !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
  return isRunCandidate(value) ? value : undefined;
}

function isRunCandidate(v: unknown): v is RunCandidateData {
  if (typeof v !== 'object' || v === null) return false;
  const { address, run } = v as Partial<RunCandidateData>;
  if (typeof address !== 'string' || typeof run !== 'object' || run === null) return false;
  return (
    Array.isArray(run.command) &&
    run.command.every((a) => typeof a === 'string') &&
    STATES.has(run.child as string) &&
    typeof run.since === 'number' &&
    (run.pid === undefined || typeof run.pid === 'number')
  );
}

/** A candidate's address as text: a `run` candidate's `address`, else its data as UTF-8. Never throws. */
export function candidateAddress(data: Uint8Array | null): string {
  return parseRunCandidate(data)?.address ?? (data ? utf8.decode(data) : '');
}
