/**
 * Ctrl-C and SIGTERM: the first asks for a graceful shutdown, a second one exits at once.
 * @module
 */
import { EXIT } from './errors.js';

/**
 * Calls `onSignal` once on the first SIGINT or SIGTERM (graceful shutdown). A second signal
 * while shutting down exits at once with {@link EXIT.INTERRUPTED}, for a stuck shutdown.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`zk-elect: ${signal} again, exiting without a graceful shutdown\n`);
      process.exit(EXIT.INTERRUPTED);
    }
    received = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => (process.off('SIGINT', handler), process.off('SIGTERM', handler));
}
