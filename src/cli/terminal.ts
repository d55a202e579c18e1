/**
 * The terminal side of `zk-elect demo` and `zk-elect dashboard`: a boxed URL banner, a
 * concise coloured log of the timeline, `--open`, and running until Ctrl-C / SIGTERM.
 * @module
 */
import { spawn } from 'node:child_process';
import { onShutdownSignal } from './signals.js';
import type { RunningDashboard } from '../dashboard/app.js';
import { formatMs } from '../dashboard/narrator.js';
import type { TimelineEntry, TimelineKind } from '../dashboard/types.js';

type Paint = (code: string, text: string) => string;

function painter(stream: NodeJS.WriteStream): Paint {
  const on = !!stream.isTTY && !process.env.NO_COLOR;
  return (code, text) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
}

const STYLE: Record<TimelineKind, { icon: string; color: string }> = {
  election: { icon: '★', color: '32' },
  failover: { icon: '⇢', color: '1;32' },
  action: { icon: '▶', color: '35' },
  node: { icon: '·', color: '0' },
  server: { icon: '◆', color: '34' },
  warning: { icon: '!', color: '33' },
  info: { icon: '·', color: '2' },
};

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * Returns a function that prints one timeline entry as one line (chain-repair details of kind
 * `info` are left to the page, to keep the terminal concise). Never throws.
 */
export function entryPrinter(stream: NodeJS.WriteStream = process.stdout): (entry: TimelineEntry) => void {
  const paint = painter(stream);
  return (e) => {
    if (e.kind === 'info') return;
    const { icon, color } = STYLE[e.kind];
    const duration = e.durationMs !== undefined ? `  ${paint('1;32', formatMs(e.durationMs))}` : '';
    stream.write(`${paint('2', clock(e.time))}  ${paint(color, `${icon} ${e.text}`)}${duration}\n`);
  };
}

/** Prints the boxed banner with the page's address and how to stop. Never throws. */
export function printBanner(title: string, url: string, lines: string[], stream: NodeJS.WriteStream = process.stdout): void {
  const paint = painter(stream);
  const rows = [title, '', `Dashboard:  ${url}`, ...lines];
  const width = Math.max(...rows.map((r) => [...r].length)) + 4;
  const pad = (r: string) => r + ' '.repeat(width - 4 - [...r].length);
  stream.write(`\n  ┌${'─'.repeat(width - 2)}┐\n`);
  for (const r of rows) {
    const text = r.startsWith('Dashboard:') ? pad(r).replace(url, paint('1;36;4', url)) : r === title ? paint('1', pad(r)) : pad(r);
    stream.write(`  │ ${text} │\n`);
  }
  stream.write(`  └${'─'.repeat(width - 2)}┘\n\n`);
}

/**
 * Tries to open `url` in the desktop's browser (`xdg-open`, `open`, `start`). Without a
 * desktop (no DISPLAY / WAYLAND_DISPLAY on Linux) it does nothing. Never throws, never waits.
 * @returns false when there was no desktop to ask.
 */
export function openInBrowser(url: string): boolean {
  const linuxDesktop = !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (process.platform === 'linux' && !linuxDesktop) return false;
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * Logs every new timeline entry of `app` until SIGINT or SIGTERM, then tears `app` down.
 * Blocks until the teardown is done. A second signal exits at once (see onShutdownSignal).
 */
export async function runUntilSignal(app: RunningDashboard, print: (e: TimelineEntry) => void, what = 'the dashboard'): Promise<NodeJS.Signals> {
  app.model.on('entry', print);
  let remove = () => undefined as unknown;
  // The handlers stay installed during the teardown, so that a second Ctrl-C still exits at once.
  const signal = await new Promise<NodeJS.Signals>((resolve) => (remove = onShutdownSignal(resolve)));
  app.model.off('entry', print);
  process.stdout.write(`\n${signal}: stopping ${what}…\n`);
  await app.close();
  remove();
  return signal;
}
