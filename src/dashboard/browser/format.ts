/**
 * How the page writes durations and times: `17 ms` / `1.52 s`, `3.4 s ago`, `14:03:07.250`.
 * @module
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `17 ms` below a second, else `1.52 s`. */
export function fmtMs(ms: number): string {
  return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s';
}

/** `3.4 s ago` below a minute, else `2 min ago`. */
export function fmtAgo(ms: number): string {
  return ms < 60000 ? (ms / 1000).toFixed(1) + ' s ago' : Math.floor(ms / 60000) + ' min ago';
}

/** The local time of day of epoch ms `t`, to the millisecond. */
export function fmtTime(t: number): string {
  const d = new Date(t);
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
}
