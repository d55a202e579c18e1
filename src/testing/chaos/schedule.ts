/**
 * The seeded fault schedule of a chaos run: the same seed, count, kinds and session timeout give
 * the same list of faults. Targets that depend on the run's state ("the current leader") are
 * named here and resolved when the fault is injected.
 * @module
 */
import { Prng } from './prng.js';

/** A fault that one step injects. */
export type StepKind =
  | 'kill-candidate'
  | 'pause-short'
  | 'pause-long'
  | 'cut-all'
  | 'cut-one'
  | 'latency'
  | 'stall'
  | 'server-restart'
  | 'leader-kill'
  | 'isolate-one'
  | 'isolate-two';

/** Every kind of fault a schedule may hold: one step, or several steps at once (`overlap`). */
export type FaultKind = StepKind | 'overlap';

/** Every step kind, in the order the report lists them. */
export const STEP_KINDS: readonly StepKind[] = [
  'kill-candidate',
  'pause-short',
  'pause-long',
  'cut-all',
  'cut-one',
  'latency',
  'stall',
  'server-restart',
  'leader-kill',
  'isolate-one',
  'isolate-two',
];

/** Steps acting on a server or the servers' network (at most one of them per overlap). */
export const SERVER_STEPS: ReadonlySet<StepKind> = new Set(['server-restart', 'leader-kill', 'isolate-one', 'isolate-two']);

/** One injected fault: held for `holdMs`, then healed. */
export interface FaultStep {
  kind: StepKind;
  /** The candidate acted on: `'leader'` (whoever leads at injection, else any) or an index. */
  candidate?: 'leader' | number;
  /** Server ids acted on (1-based), where the kind needs them. */
  servers?: number[];
  /** The latency (ms, each way) of `latency`, the stall length (ms) of `stall`. */
  param?: number;
  /** How long after the step's start it is injected (ms; overlaps stagger their steps). */
  offsetMs: number;
  holdMs: number;
}

/** One entry of the schedule. */
export interface ScheduledFault {
  index: number;
  kind: FaultKind;
  steps: FaultStep[];
}

/** What a schedule is drawn from. */
export interface ScheduleOptions {
  seed: number;
  faults: number;
  /** The kinds allowed (e.g. without peer faults when the harness lacks them). Default all. */
  kinds?: readonly FaultKind[];
  sessionTimeoutMs: number;
  candidates: number;
  servers: number;
}

/**
 * Relative frequencies: cheap faults more often, the slow ones (server restarts) less. Holds
 * are in session timeouts (T): a long pause 1.3–2 T (past the expiry, which the server rounds up
 * to its tick), a short one 0.15–0.45 T (shorter than the client's 2/3 T read timeout).
 */
const WEIGHTS: Readonly<Record<FaultKind, number>> = {
  'kill-candidate': 3,
  'pause-short': 2,
  'pause-long': 2,
  'cut-all': 3,
  'cut-one': 2,
  latency: 2,
  stall: 2,
  'server-restart': 1,
  'leader-kill': 1,
  'isolate-one': 1,
  'isolate-two': 1,
  overlap: 2,
};

/**
 * Draws `faults` faults from `seed`. Deterministic: no clock or environment is read.
 * @throws RangeError when no kind is allowed or the counts are not positive integers.
 */
export function makeSchedule(o: ScheduleOptions): ScheduledFault[] {
  const kinds = o.kinds ?? (Object.keys(WEIGHTS) as FaultKind[]);
  if (kinds.length === 0) throw new RangeError('no fault kind allowed');
  if (!Number.isInteger(o.faults) || o.faults < 0) throw new RangeError(`faults must be an integer >= 0, got ${o.faults}`);
  const rng = new Prng(o.seed);
  const weights = Object.fromEntries(kinds.map((k) => [k, WEIGHTS[k]])) as Record<FaultKind, number>;
  const stepKinds = kinds.filter((k): k is StepKind => k !== 'overlap');
  const out: ScheduledFault[] = [];
  for (let index = 0; index < o.faults; index++) {
    let kind = rng.weighted(weights);
    if (kind === 'overlap' && stepKinds.length < 2) kind = stepKinds[0] ?? kind;
    if (kind !== 'overlap') {
      out.push({ index, kind, steps: [drawStep(rng, kind, o, 0)] });
      continue;
    }
    const steps: FaultStep[] = [];
    const count = rng.int(2, 3);
    while (steps.length < count) {
      const k = rng.pick(stepKinds);
      if (SERVER_STEPS.has(k) && steps.some((s) => SERVER_STEPS.has(s.kind))) continue;
      steps.push(drawStep(rng, k, o, steps.length === 0 ? 0 : rng.int(0, Math.round(o.sessionTimeoutMs / 2))));
    }
    out.push({ index, kind, steps });
  }
  return out;
}

/** One step of `kind`, with its targets and times drawn from `rng`. */
function drawStep(rng: Prng, kind: StepKind, o: ScheduleOptions, offsetMs: number): FaultStep {
  const T = o.sessionTimeoutMs;
  const span = (lo: number, hi: number) => rng.int(Math.round(lo * T), Math.round(hi * T));
  // Faults on a candidate hit the leader most of the time: that is where safety is at stake.
  const candidate = (): 'leader' | number => (rng.next() < 0.7 ? 'leader' : rng.int(0, o.candidates - 1));
  const server = () => rng.int(1, o.servers);
  switch (kind) {
    case 'kill-candidate':
      return { kind, candidate: candidate(), offsetMs, holdMs: span(0.2, 1) };
    case 'pause-short':
      return { kind, candidate: candidate(), offsetMs, holdMs: span(0.15, 0.45) };
    case 'pause-long':
      return { kind, candidate: candidate(), offsetMs, holdMs: span(1.3, 2) };
    case 'cut-all':
      return { kind, candidate: candidate(), offsetMs, holdMs: span(0.3, 1.5) };
    case 'cut-one':
      return { kind, candidate: candidate(), servers: [server()], offsetMs, holdMs: span(0.5, 1.5) };
    case 'latency':
      return { kind, candidate: candidate(), param: rng.int(20, Math.round(T / 5)), offsetMs, holdMs: span(0.5, 1.5) };
    case 'stall': {
      const param = span(0.2, 1.2);
      return { kind, candidate: candidate(), param, offsetMs, holdMs: param };
    }
    case 'server-restart':
      return { kind, servers: [server()], offsetMs, holdMs: span(0.1, 0.6) };
    case 'leader-kill':
      return { kind, offsetMs, holdMs: span(0.1, 0.6) };
    case 'isolate-one':
      return { kind, servers: [server()], offsetMs, holdMs: span(0.5, 1.5) };
    case 'isolate-two': {
      const a = server();
      const b = (a % o.servers) + 1;
      return { kind, servers: [a, b], offsetMs, holdMs: span(0.5, 1.5) };
    }
  }
}
