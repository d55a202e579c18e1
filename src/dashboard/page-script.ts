/**
 * The dashboard page's script: the browser modules of `src/dashboard/browser/`, compiled by
 * `tsc -p tsconfig.browser.json` (DOM types, no Node types) next to this file, under
 * `browser/`. The page loads `main.js` from {@link PAGE_SCRIPT_PATH}; the server serves the
 * files from memory.
 * @module
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The URL path the page's modules are served under; the page imports `main.js` from it. */
export const PAGE_SCRIPT_PATH = '/page/';

const BROWSER_DIR = fileURLToPath(new URL('./browser/', import.meta.url));
const SERVED = /^[a-z][a-z0-9-]*\.js(\.map)?$/;
let loaded: Promise<ReadonlyMap<string, string>> | undefined;

/**
 * The compiled browser modules (and their source maps), by file name. Reads them once per
 * process; later calls share the first read. Blocks for a directory read.
 *
 * @throws {Error} if they were not built (the message says how to build them).
 */
export function loadPageScripts(): Promise<ReadonlyMap<string, string>> {
  loaded ??= readScripts().catch((err: unknown) => {
    loaded = undefined; // a later build can still be picked up
    throw err;
  });
  return loaded;
}

async function readScripts(): Promise<ReadonlyMap<string, string>> {
  const names = await readdir(BROWSER_DIR).catch(() => [] as string[]);
  const files = names.filter((n) => SERVED.test(n));
  if (!files.includes('main.js')) {
    throw new Error(`the dashboard's page script is not built (no ${BROWSER_DIR}main.js): run npm run build, which compiles it with tsc -p tsconfig.browser.json`);
  }
  return new Map(await Promise.all(files.map(async (n) => [n, await readFile(`${BROWSER_DIR}${n}`, 'utf8')] as const)));
}
