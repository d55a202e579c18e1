/**
 * The chaos workload, shared by both kinds of candidate process: while it leads, append
 * records (its epoch and a counter) as sequential znodes under the log, one at a time, each
 * write stamped as `attempt`, then `ok` or `fail`, as a history line on stdout (see history.ts).
 * How a record is fenced is the caller's: `LeaderElection.fencedMulti` in candidate.ts, a
 * `check` of `$ZK_ELECT_NODE` in run-command.ts.
 * @module
 */
import { CreateMode, type Op, type OpResult } from '../../client/index.js';
import { formatEntry, now, type ElectionEventName, type WriteEntry } from './history.js';

/** The process's name in the history (`c1`, …). */
const who = process.argv[2] ?? 'c';

/** Prints an election event of this process as a history line. Never throws. */
export function printEvent(ev: ElectionEventName, extra: { epoch?: string; node?: string; reason?: string } = {}): void {
  process.stdout.write(formatEntry({ t: now(), who, pid: process.pid, ev, ...extra }) + '\n');
}

function printWrite(w: Omit<WriteEntry, 't' | 'who' | 'pid' | 'ev'>): void {
  process.stdout.write(formatEntry({ t: now(), who, pid: process.pid, ev: 'write', ...w }) + '\n');
}

/** How {@link RecordWriter} writes and when it stops. */
export interface RecordWriterOptions {
  /** The log's parent znode. */
  logPath: string;
  /** Pause between two writes (ms): keeps the history readable. */
  intervalMs: number;
  /** The writer's own belief that it leads, checked before each write; the checker holds it against everyone else's. */
  leading: () => boolean;
  /** The current fencing epoch (decimal). */
  epoch: () => string;
  /** Commits `ops` fenced by this leadership; rejects when the fence (or anything else) fails. */
  fencedMulti: (ops: Op[]) => Promise<OpResult[]>;
}

/** Appends records while `leading()`; {@link RecordWriter.kick} starts it again after it stopped. */
export class RecordWriter {
  #writing = false;
  #closed = false;
  #counter = 0;

  constructor(readonly o: RecordWriterOptions) {}

  /** Starts writing unless already writing or closed. Returns at once; never throws. */
  kick(): void {
    if (this.#writing || this.#closed) return;
    this.#writing = true;
    void this.#loop().finally(() => (this.#writing = false));
  }

  /** No write starts after this (one under way still completes and is stamped). */
  close(): void {
    this.#closed = true;
  }

  async #loop(): Promise<void> {
    const { logPath, intervalMs, leading, epoch, fencedMulti } = this.o;
    while (leading() && !this.#closed) {
      const e = epoch();
      const n = ++this.#counter;
      printWrite({ phase: 'attempt', n, epoch: e });
      try {
        const data = JSON.stringify({ who, pid: process.pid, n, epoch: e });
        const [res] = await fencedMulti([{ op: 'create', path: `${logPath}/r-`, data, mode: CreateMode.PERSISTENT_SEQUENTIAL }]);
        printWrite({ phase: 'ok', n, epoch: e, ...(res?.type === 'create' ? { path: res.path } : {}) });
      } catch (err) {
        const x = err as { code?: unknown; name?: string };
        printWrite({ phase: 'fail', n, epoch: e, code: String(x.code ?? x.name ?? 'error') });
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
