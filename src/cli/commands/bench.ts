/**
 * `zk-elect bench`: measures election, failover and client throughput against the systems
 * people would otherwise pick (Apache Curator, the ZooKeeper Java client, kazoo,
 * node-zookeeper-client), on the same server in the same run. This module parses the command
 * line; the scenarios, the peer programs and the report live in the repository's `bench/`
 * directory (a source checkout: they are not part of the published package).
 * @module
 */
import type { BenchOptions } from '../../../bench/lib/options.js';
import type { PeerName, ScenarioName } from '../../../bench/lib/types.js';
import { CliError, EXIT, UsageError, intOption, resolveConnectString, runCommand } from '../common.js';

const SCENARIO_NAMES = ['failover', 'floor', 'herd', 'scale', 'crash', 'ops', 'all'] as const;
const PEER_NAMES: readonly PeerName[] = ['curator', 'java', 'kazoo', 'nzc'];
const OPS_CLIENTS = ['zk-elect', 'nzc', 'java'] as const;

const USAGE = `Usage: zk-elect bench <scenario>[,<scenario>...] [flags]

Measures leader election on ZooKeeper against what people would otherwise pick — Apache
Curator LeaderLatch, the ZooKeeper Java client, kazoo, node-zookeeper-client (the newest
releases from Maven Central and PyPI, else Debian's packages; the report names the versions) —
on the same server in the same run. Needs a source checkout (the bench/ directory, built).

Scenarios:
  failover  N candidates; the leader leaves; time until its successor says "I am leader"
  floor     closeSession to a second client's NodeDeleted notification (no recipe): the floor
  herd      watch notifications and requests per failover at 1,000 candidates, and the naive
            "everyone watches the leader" recipe for contrast (server mntr cross-check)
  scale     1,000 and 5,000 candidates joining: time to one leader, heap per candidate
  crash     SIGKILL a real \`zk-elect node\` leader: time to a new leader vs the session timeout
  ops       pipelined getData/create: zk-elect vs node-zookeeper-client vs the Java client
  all       everything, zk-elect and every peer, one fresh local ZooKeeper; prints the table
            with ratios and targets and writes bench/results/latest.{json,md} and failover.svg
  A list (e.g. floor,failover) runs those scenarios the way \`all\` does, without writing files.

Flags:
  -z, --zookeeper <cs>       use this ensemble instead of a fresh local ZooKeeper
      --json                 the last stdout line is one JSON object with every figure
      --peers <list>         also run these peers: all, none, or a list of curator,java,kazoo,nzc
                             (default: all for \`all\`, none otherwise)
      --candidates <list>    failover candidates per process (default 10,100)
      --rounds <n>           failover/floor rounds (default 200)
      --chunks <n>           with peers or a list: run those rounds in n parts per implementation,
                             interleaved in rotating order, so machine drift is shared (default 4)
      --warmup <n>           un-timed warm-up rounds first (default 20)
      --close <how>          how zk-elect's leader leaves: election (election.close(), the API;
                             the default), session (closeSession only, like the peers), or both
                             (the default for \`all\`)
      --session-timeout <ms> candidates' session timeout (default 30000)
      --pause <ms>           pause between rounds (default 5)
      --herd-candidates <n>  (default 1000)          --herd-rounds <n>   (default 20)
      --herd-idle <ms>       idle time that measures the ping rate (default 2000)
      --scale <list>         populations (default 1000,5000)   --join-concurrency <n> (default 100)
      --crash-rounds <n>     (default 5)             --crash-session-timeout <ms> (default 4000)
      --crash-processes <n>  \`zk-elect node\` processes in line (default 3)
      --ops <n>              pipelined getData calls per run (default 100000)
      --creates <n>          pipelined creates per run (default 20000)
      --window <n>           requests in flight (default 1000)
      --ops-runs <n>         runs per client, median reported (default 3)
      --ops-warmup <n>       warm-up getData calls per client (default 5000)
      --ops-sweep <list>     getData again at these windows, one run per client with half
                             the calls: the most the server gives any client (default
                             100,300,3000; none to skip)
      --ops-clients <list>   zk-elect,nzc,java (default all three)
      --server-jit <full|c1> local server: full tiered JIT (default), or c1 = the test
                             harness's TestingServer (-XX:TieredStopAtLevel=1)
      --tick-time <ms>       local server tickTime (default 2000)
      --zk-version <x.y.z>   the local server's ZooKeeper release, from Maven Central (once, into
                             the cache), or debian for Debian's package (default $ZK_VERSION, else 3.9.5)
      --out <dir>            write latest.json, latest.md and failover.svg there
                             (\`all\` writes to bench/results/ by default)
      --quick                tiny sizes, for a smoke run (\`all\` then writes no files without --out)
      --server-pid <pid>     the pid of a local --zookeeper server: ops then reports its CPU per request
  -h, --help                 show this help

Example: zk-elect bench all        (about 10 minutes on 2 cores)
         zk-elect bench failover --candidates 10 --rounds 50 --peers curator
`;

const OPTIONS = {
  zookeeper: { type: 'string', short: 'z' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  peers: { type: 'string' },
  candidates: { type: 'string' },
  rounds: { type: 'string' },
  chunks: { type: 'string' },
  warmup: { type: 'string' },
  close: { type: 'string' },
  'session-timeout': { type: 'string' },
  pause: { type: 'string' },
  'herd-candidates': { type: 'string' },
  'herd-rounds': { type: 'string' },
  'herd-idle': { type: 'string' },
  scale: { type: 'string' },
  'join-concurrency': { type: 'string' },
  'crash-rounds': { type: 'string' },
  'crash-session-timeout': { type: 'string' },
  'crash-processes': { type: 'string' },
  ops: { type: 'string' },
  creates: { type: 'string' },
  window: { type: 'string' },
  'ops-runs': { type: 'string' },
  'ops-warmup': { type: 'string' },
  'ops-sweep': { type: 'string' },
  'ops-clients': { type: 'string' },
  'server-jit': { type: 'string' },
  'tick-time': { type: 'string' },
  'zk-version': { type: 'string' },
  out: { type: 'string' },
  quick: { type: 'boolean' },
  'server-pid': { type: 'string' },
} as const;

/** The bench/ modules this command runs; loaded lazily so a missing bench/ is a clear message. */
interface BenchModules {
  runBench(opts: BenchOptions): Promise<number>;
  DEFAULTS: Omit<BenchOptions, 'target' | 'scenarios' | 'json' | 'peers' | 'quick'>;
  QUICK: Partial<BenchOptions>;
}

async function loadBench(): Promise<BenchModules> {
  // Computed specifiers: dist/src/cli/commands/bench.js -> dist/bench/*.js of a source checkout.
  const main = '../../../bench/main.js';
  const options = '../../../bench/lib/options.js';
  try {
    const [m, o] = await Promise.all([import(main) as Promise<Pick<BenchModules, 'runBench'>>, import(options) as Promise<Pick<BenchModules, 'DEFAULTS' | 'QUICK'>>]);
    return { runBench: m.runBench, DEFAULTS: o.DEFAULTS, QUICK: o.QUICK };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /bench\/(main|lib\/options)\.js/.test(String(e.message))) {
      throw new CliError('zk-elect bench needs a source checkout: the benchmark lives in the repository\'s bench/ directory, which the published package does not include.', EXIT.UNAVAILABLE, 'Clone the repository, run `npm install && npm run build`, then `npx zk-elect bench all`.');
    }
    throw err;
  }
}

/** A comma-separated list of positive integers. */
function intList(value: string | undefined, flag: string, fallback: number[], min: number): number[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`--${flag} needs at least one number`);
  return parts.map((p) => intOption(p.replace(/_/g, ''), flag, 0, min));
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function listOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T[]): T[] {
  if (value === undefined) return fallback;
  if (value === 'all') return [...allowed];
  if (value === 'none' || value === '') return [];
  const items = value.split(',').map((s) => s.trim());
  for (const i of items) if (!allowed.includes(i as T)) throw new UsageError(`--${flag}: unknown ${JSON.stringify(i)} (use all, none, or ${allowed.join(',')})`);
  return [...new Set(items as T[])];
}

/** A ZooKeeper release such as 3.9.5, or `debian` (what the test harness's TestingServer takes). */
function releaseOption(value: string | undefined, flag: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^(\d+\.\d+\.\d+|debian)$/.test(value)) throw new UsageError(`--${flag} must be a release such as ${fallback}, or debian; got ${JSON.stringify(value)}`);
  return value;
}

/** Turns flags into BenchOptions. @throws UsageError naming the offending flag. */
function toOptions(target: string, scenarios: ScenarioName[], v: Record<string, string | boolean | undefined>, m: BenchModules): BenchOptions {
  const s = (k: string) => v[k] as string | undefined;
  const d = { ...m.DEFAULTS, ...(v.quick ? m.QUICK : {}) };
  const int = (k: string, fallback: number, min = 1) => intOption(s(k)?.replace(/_/g, ''), k, fallback, min);
  // \`all\` measures both ways zk-elect's leader can leave, so the report can show the difference.
  const close = oneOf(s('close'), 'close', ['election', 'session', 'both'] as const, target === 'all' ? 'both' : (d.close[0] ?? 'election'));
  return {
    target,
    scenarios,
    zookeeper: s('zookeeper') !== undefined ? resolveConnectString(s('zookeeper')) : undefined,
    json: v.json === true,
    peers: listOf(s('peers'), 'peers', PEER_NAMES, target === 'all' ? [...PEER_NAMES] : []),
    candidates: intList(s('candidates'), 'candidates', d.candidates, 2),
    rounds: int('rounds', d.rounds),
    chunks: int('chunks', d.chunks),
    warmup: int('warmup', d.warmup, 0),
    close: close === 'both' ? ['election', 'session'] : [close],
    sessionTimeout: int('session-timeout', d.sessionTimeout),
    pauseMs: int('pause', d.pauseMs, 0),
    herdCandidates: int('herd-candidates', d.herdCandidates, 2),
    herdRounds: int('herd-rounds', d.herdRounds),
    herdIdleMs: int('herd-idle', d.herdIdleMs, 0),
    scale: intList(s('scale'), 'scale', d.scale, 1),
    joinConcurrency: int('join-concurrency', d.joinConcurrency),
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
    serverJit: oneOf(s('server-jit'), 'server-jit', ['full', 'c1'] as const, d.serverJit),
    tickTime: int('tick-time', d.tickTime),
    zkVersion: releaseOption(s('zk-version'), 'zk-version', d.zkVersion),
    serverPid: s('server-pid') !== undefined ? int('server-pid', 0) : undefined,
    quick: v.quick === true,
    out: s('out'),
  };
}

/**
 * Runs `zk-elect bench` with its flags. Blocks for the whole benchmark (seconds for one small
 * scenario, about 10 minutes for \`all\`). Resolves with the exit code; never throws.
 */
export function run(argv: string[]): Promise<number> {
  return runCommand(argv, OPTIONS, USAGE, async ({ values, positionals }, ctx) => {
    const [target, ...extra] = positionals;
    if (target === undefined) throw new UsageError(`which scenario? one of ${SCENARIO_NAMES.join(', ')}`, USAGE);
    const names = target.split(',').map((n) => n.trim());
    for (const n of names) if (!SCENARIO_NAMES.includes(n as (typeof SCENARIO_NAMES)[number])) throw new UsageError(`unknown scenario ${JSON.stringify(n)} (one of ${SCENARIO_NAMES.join(', ')})`, USAGE);
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`, USAGE);
    const scenarios = names.includes('all') ? SCENARIO_NAMES.filter((n) => n !== 'all') : names;
    const modules = await loadBench();
    const opts = toOptions(target, scenarios as ScenarioName[], values, modules);
    ctx.connectString = opts.zookeeper;
    return modules.runBench(opts);
  }, true);
}
