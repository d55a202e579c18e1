/**
 * The command line of the benchmark program (bench/main.ts) turned into {@link BenchOptions}:
 * `<scenario>[,<scenario>...] [flags]` as a person types it (through `zk-elect bench`), or
 * `--options-json <json>`, the one argument the orchestrator gives the child runs it starts,
 * so a flag is never re-serialised on the way.
 * @module
 */
import { parseArgs } from 'node:util';
import { parseConnectString } from 'zk-elect';
import { BenchUsageError } from './errors.js';
import { CLOSE_MODES, DEFAULTS, FLAGS, QUICK, SERVER_JITS, type BenchOptions } from './options.js';
import { OPS_CLIENTS, PEERS, SCENARIOS, type ScenarioName } from './types.js';

/**
 * The scenarios that can run again on a quorum (`--quorum`): the latency comparisons, and
 * `scale`'s multi-process fleet. herd's mntr cross-check reads one server.
 */
const QUORUM_SCENARIOS: ScenarioName[] = ['floor', 'failover', 'scale'];

/** What can be asked for: one scenario, or `all`. */
const TARGETS = [...SCENARIOS, 'all'] as const;

/** The flag that carries a child run's options as JSON (see {@link childArgs}). */
const OPTIONS_JSON = '--options-json';

/** What the command line asks for: the help text, or a run. */
export type BenchArgs = { help: true } | { help: false; options: BenchOptions };

/**
 * Parses the benchmark's command line (without node and the script). Never blocks.
 * @throws BenchUsageError naming the offending flag or scenario.
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  if (argv[0] === OPTIONS_JSON) return { help: false, options: fromJson(argv[1]) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: true });
  } catch (err) {
    // parseArgs messages already name the flag; the advice after the first sentence is about `--`.
    throw new BenchUsageError((err as Error).message.split('. To specify')[0] ?? String(err));
  }
  if (parsed.values.help) return { help: true };
  const [target, ...extra] = parsed.positionals;
  if (target === undefined) throw new BenchUsageError(`which scenario? one of ${TARGETS.join(', ')}`);
  const names = target.split(',').map((n) => n.trim());
  for (const n of names) if (!isOneOf(n, TARGETS)) throw new BenchUsageError(`unknown scenario ${JSON.stringify(n)} (one of ${TARGETS.join(', ')})`);
  if (extra.length) throw new BenchUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const scenarios = names.includes('all') ? [...SCENARIOS] : (names as ScenarioName[]);
  return { help: false, options: toOptions(target, scenarios, parsed.values) };
}

/** The arguments that make a child benchmark program run exactly `options`. */
export function childArgs(options: BenchOptions): string[] {
  return [OPTIONS_JSON, JSON.stringify(options)];
}

function fromJson(text: string | undefined): BenchOptions {
  try {
    return JSON.parse(text ?? '') as BenchOptions;
  } catch (err) {
    throw new BenchUsageError(`${OPTIONS_JSON} needs the options as JSON: ${(err as Error).message}`);
  }
}

type FlagValues = Record<string, string | boolean | undefined>;

/** Turns flags into BenchOptions. @throws BenchUsageError naming the offending flag. */
function toOptions(target: string, scenarios: ScenarioName[], v: FlagValues): BenchOptions {
  const s = (k: string) => v[k] as string | undefined;
  const d = { ...DEFAULTS, ...(v.quick ? QUICK : {}) };
  const int = (k: string, fallback: number, min = 1) => intValue(s(k), k, fallback, min);
  // `all` measures both ways zk-elect's leader can leave, so the report can show the difference.
  const close = oneOf(s('close'), 'close', [...CLOSE_MODES, 'both'], target === 'all' ? 'both' : (d.close[0] ?? 'election'));
  const zookeeper = s('zookeeper');
  const servers = Number(oneOf(s('servers'), 'servers', ['1', '3', '5'], String(d.servers)));
  if (zookeeper !== undefined && s('servers') !== undefined) throw new BenchUsageError('--servers starts local servers; it cannot go with --zookeeper');
  // `all` repeats the latency scenarios on a quorum, unless the whole run is on one already.
  const quorumDefault = target === 'all' && zookeeper === undefined && servers === 1 ? QUORUM_SCENARIOS.filter((q) => scenarios.includes(q)) : [];
  const quorum = listOf(s('quorum'), 'quorum', QUORUM_SCENARIOS, quorumDefault);
  if (quorum.length && (zookeeper !== undefined || servers > 1) && s('quorum') !== undefined) throw new BenchUsageError('--quorum starts a fresh local quorum after a standalone run; it cannot go with --zookeeper or --servers 3');
  return {
    target,
    scenarios,
    servers,
    quorum,
    zookeeper: zookeeper !== undefined ? connectString(zookeeper) : undefined,
    json: v.json === true,
    peers: listOf(s('peers'), 'peers', PEERS, target === 'all' ? [...PEERS] : []),
    candidates: intList(s('candidates'), 'candidates', d.candidates, 2),
    rounds: int('rounds', d.rounds),
    chunks: int('chunks', d.chunks),
    warmup: int('warmup', d.warmup, 0),
    close: close === 'both' ? [...CLOSE_MODES] : [close],
    sessionTimeout: int('session-timeout', d.sessionTimeout),
    pauseMs: int('pause', d.pauseMs, 0),
    herdCandidates: int('herd-candidates', d.herdCandidates, 2),
    herdRounds: int('herd-rounds', d.herdRounds),
    herdIdleMs: int('herd-idle', d.herdIdleMs, 0),
    scale: intList(s('scale'), 'scale', d.scale, 1),
    joinConcurrency: int('join-concurrency', d.joinConcurrency),
    scaleFleet: s('scale-fleet') === 'none' ? 0 : int('scale-fleet', d.scaleFleet, 0),
    scaleProcesses: int('scale-processes', d.scaleProcesses),
    scaleRounds: int('scale-rounds', d.scaleRounds),
    crashRounds: int('crash-rounds', d.crashRounds),
    crashSessionTimeout: int('crash-session-timeout', d.crashSessionTimeout),
    crashProcesses: int('crash-processes', d.crashProcesses, 2),
    ops: int('ops', d.ops, 0),
    creates: int('creates', d.creates, 0),
    window: int('window', d.window),
    opsRuns: int('ops-runs', d.opsRuns),
    opsWarmup: int('ops-warmup', d.opsWarmup, 0),
    opsSweep: s('ops-sweep') === 'none' ? [] : intList(s('ops-sweep'), 'ops-sweep', d.opsSweep, 1),
    opsClients: listOf(s('ops-clients'), 'ops-clients', OPS_CLIENTS, d.opsClients),
    serverJit: oneOf(s('server-jit'), 'server-jit', SERVER_JITS, d.serverJit),
    tickTime: int('tick-time', d.tickTime),
    zkVersion: release(s('zk-version'), 'zk-version', d.zkVersion),
    serverPid: s('server-pid') !== undefined ? int('server-pid', 0) : undefined,
    quick: v.quick === true,
    out: s('out'),
  };
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** An integer of at least `min` (`_` as a digit separator is fine), or `fallback` when absent. */
function intValue(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const digits = value.replace(/_/g, '');
  const n = Number(digits);
  if (!/^-?\d+$/.test(digits.trim()) || !Number.isSafeInteger(n) || n < min) throw new BenchUsageError(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(digits)}`);
  return n;
}

/** A comma-separated list of integers of at least `min`. */
function intList(value: string | undefined, flag: string, fallback: number[], min: number): number[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new BenchUsageError(`--${flag} needs at least one number`);
  return parts.map((p) => intValue(p, flag, 0, min));
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!isOneOf(value, allowed)) throw new BenchUsageError(`--${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/** `all`, `none`, or a comma-separated list of `allowed` names (each once). */
function listOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T[]): T[] {
  if (value === undefined) return fallback;
  if (value === 'all') return [...allowed];
  if (value === 'none' || value === '') return [];
  const items = value.split(',').map((i) => i.trim());
  for (const i of items) if (!isOneOf(i, allowed)) throw new BenchUsageError(`--${flag}: unknown ${JSON.stringify(i)} (use all, none, or ${allowed.join(',')})`);
  return [...new Set(items as T[])];
}

/** A ZooKeeper release such as 3.9.5, or `debian` (what the test harness's TestingServer takes). */
function release(value: string | undefined, flag: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^(\d+\.\d+\.\d+|debian)$/.test(value)) throw new BenchUsageError(`--${flag} must be a release such as ${fallback}, or debian; got ${JSON.stringify(value)}`);
  return value;
}

/** `--zookeeper`, checked without connecting. */
function connectString(value: string): string {
  try {
    parseConnectString(value);
  } catch (err) {
    throw new BenchUsageError(`bad ZooKeeper connect string in --zookeeper: ${(err as Error).message}`);
  }
  return value;
}
