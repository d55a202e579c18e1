/**
 * The demo's node processes: each one is `zk-elect node --json` in its own process, so a kill
 * is a real crash. The fleet reads their JSON event lines and can signal them.
 * @module
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { NodeView } from './types.js';
import { parseNodeEvent, type NodeEvent } from '../process/node-events.js';
import { SupervisedChild } from '../process/supervised.js';

/** Events of a {@link Fleet}. */
export interface FleetEvents {
  /** A process was started. */
  spawned: [node: NodeView];
  /** A process printed an event (its view is already updated). */
  event: [node: NodeView, event: NodeEvent];
  /** A process is gone. */
  exited: [node: NodeView];
}

/** Options of a {@link Fleet}. */
export interface FleetOptions {
  connectString: string;
  /** Extra flags for every node (e.g. a session timeout). */
  extraArgs?: readonly string[];
  /**
   * The node command without its flags. Default: this build's `zk-elect node`, i.e.
   * `[process.execPath, <dist>/src/cli/main.js, 'node']`.
   */
  command?: readonly string[];
}

/** A bad request about a node (unknown id, already gone); `status` is the HTTP status to answer. */
export class FleetError extends Error {
  override name = 'FleetError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Member {
  view: NodeView;
  child: SupervisedChild;
  exited: Promise<void>;
}

const MAIN_JS = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** The default node command of {@link FleetOptions.command}. */
export const NODE_COMMAND: readonly string[] = [process.execPath, MAIN_JS, 'node'];

/** Starts, tracks and signals node processes. */
export class Fleet extends EventEmitter<FleetEvents> {
  private readonly members = new Map<string, Member>();
  private counter = 0;

  /**
   * Starts nothing until {@link add}. Each node is a {@link SupervisedChild}: a crash of this
   * process (uncaught error, process.exit, SIGKILL) leaves no node behind.
   */
  constructor(private readonly options: FleetOptions) {
    super();
  }

  /**
   * Starts one more node and returns its view at once (state `starting`); its events follow.
   * @throws Error if the process cannot be spawned.
   */
  add(): NodeView {
    const [file, ...pre] = this.options.command ?? NODE_COMMAND;
    const id = `node-${++this.counter}`;
    const args = [...pre, '--zookeeper', this.options.connectString, '--json', '--port', '0', '--id', id, ...(this.options.extraArgs ?? [])];
    const child = new SupervisedChild(file!, args);
    const view: NodeView = { id, pid: child.pid, state: 'starting' };
    const member: Member = { view, child, exited: child.exited.then(({ code, signal }) => this.onExit(member, code, signal)) };
    child.onLine((line) => this.onLine(member, line));
    this.members.set(view.id, member);
    this.emit('spawned', { ...view });
    return { ...view };
  }

  /** Every node ever started, in launch order (copies). */
  list(): NodeView[] {
    return [...this.members.values()].map((m) => ({ ...m.view }));
  }

  /** The node called `id`, if any (a copy). */
  find(id: string): NodeView | undefined {
    const m = this.members.get(id);
    return m ? { ...m.view } : undefined;
  }

  /** Number of nodes whose process still runs. */
  get alive(): number {
    return [...this.members.values()].filter((m) => m.view.state !== 'exited').length;
  }

  /**
   * Sends `signal` to node `id` and returns the time it was sent. Never blocks.
   * @throws FleetError 404 for an unknown node, 409 for one that has exited or was already signalled.
   */
  signal(id: string, signal: 'SIGKILL' | 'SIGTERM'): number {
    const m = this.members.get(id);
    if (!m) throw new FleetError(`no node called ${JSON.stringify(id)}; the nodes are ${[...this.members.keys()].join(', ') || 'none'}`, 404);
    if (m.view.state === 'exited') throw new FleetError(`${id} has already exited (${m.view.exit})`, 409);
    if (m.view.signal === 'SIGKILL' || (m.view.signal === 'SIGTERM' && signal === 'SIGTERM')) {
      throw new FleetError(`${id} was already sent ${m.view.signal}; it is going away`, 409);
    }
    const at = Date.now();
    m.child.kill(signal);
    Object.assign(m.view, { killedAt: at, signal });
    return at;
  }

  /**
   * Resolves once node `id` has taken part in an election (elected or following).
   * @throws FleetError: 500 if it exits first (with its last stderr line), 504 after `timeoutMs`, 404 for an unknown id.
   */
  whenReady(id: string, timeoutMs: number): Promise<void> {
    const m = this.members.get(id);
    if (!m) return Promise.reject(new FleetError(`no node called ${id}`, 404));
    return new Promise((resolve, reject) => {
      const check = () => {
        if (m.view.role === 'leader' || m.view.role === 'follower') return done(), resolve();
        if (m.view.state === 'exited') return done(), reject(new FleetError(`${id} ${m.view.exit ?? 'exited'} before joining the election`, 500));
      };
      const timer = setTimeout(() => (done(), reject(new FleetError(`${id} did not join the election within ${timeoutMs} ms${lastLine(m)}`, 504))), timeoutMs);
      const done = () => (clearTimeout(timer), this.off('event', check), this.off('exited', check));
      this.on('event', check);
      this.on('exited', check);
      check();
    });
  }

  /**
   * Stops every node: SIGTERM (a graceful leave), then SIGKILL after `graceMs`.
   * Blocks until every process is gone. Never throws.
   */
  async close(graceMs = 3000): Promise<void> {
    const live = [...this.members.values()].filter((m) => m.view.state !== 'exited');
    await Promise.all(live.map((m) => m.child.stop(graceMs).then(() => m.exited)));
  }

  private onLine(m: Member, line: string): void {
    const ev = parseNodeEvent(line);
    if (!ev) return;
    const v = m.view;
    if (v.state === 'starting') v.state = 'running';
    if (ev.event === 'listening') v.address = ev.address;
    if (ev.node) v.znode = ev.node;
    v.role = ev.role;
    this.emit('event', { ...v }, ev);
  }

  private onExit(m: Member, code: number | null, signal: NodeJS.Signals | null): void {
    m.view.state = 'exited';
    m.view.exit = (signal ? `killed by ${signal}` : `exited with code ${code}`) + (code ? lastLine(m) : '');
    this.emit('exited', { ...m.view });
  }
}

function lastLine(m: Member): string {
  const line = m.child.stderr.filter((l) => l.trim()).at(-1);
  return line ? `: ${line.trim()}` : '';
}
