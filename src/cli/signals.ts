/**
 * Ctrl-C and SIGTERM: the first asks for a graceful shutdown, a second one exits at once.
 * @module
 */
import { EXIT } from './errors.js';

/** The signals that ask a command to shut down unless it says otherwise. */
const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Calls `onSignal` once on the first of `signals` (default SIGINT, SIGTERM: a graceful
 * shutdown). A second signal while shutting down exits at once with {@link EXIT.INTERRUPTED},
 * for a stuck shutdown. Returns a function that removes the handlers.
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void, signals: readonly NodeJS.Signals[] = SHUTDOWN_SIGNALS): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`zk-elect: ${signal} again, exiting without a graceful shutdown\n`);
      process.exit(EXIT.INTERRUPTED);
    }
    received = true;
    onSignal(signal);
  };
  for (const s of signals) process.on(s, handler);
  return () => signals.forEach((s) => process.off(s, handler));
}
