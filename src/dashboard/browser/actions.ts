/**
 * The demo's buttons: a click posts the button's action to `/api/<action>`, its buttons stay
 * disabled until the answer, and the answer (or the error) shows in a toast.
 * @module
 */
import { $ } from './dom.js';
import { render } from './render.js';
import { state } from './state.js';
import { actionKey } from './widgets.js';

let toastTimer: number | undefined;

/** Shows `text` in the toast for a few seconds (longer, and red, for an error). */
function toast(text: string | undefined, isError: boolean): void {
  const t = $('toast');
  t.textContent = text ?? '';
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = isError ? 'error' : ''; }, isError ? 6000 : 3500);
}

/** Posts `action` with `payload` and toasts the answer. Never rejects: failures are toasted. */
async function post(action: string, payload: object): Promise<void> {
  const key = actionKey(action, payload);
  state.busy[key] = true;
  if (state.snap) render(state.snap);
  try {
    const res = await fetch('/api/' + action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const body = (await res.json().catch(() => ({ error: res.status + ' ' + res.statusText }))) as { message?: string; error?: string };
    toast(res.ok ? body.message : body.error, !res.ok);
  } catch (err) {
    toast('The dashboard did not answer: ' + (err as Error).message, true);
  } finally {
    delete state.busy[key];
    if (state.snap) render(state.snap);
  }
}

/** Makes every `button[data-action]`, present or drawn later, post its action when clicked. */
export function handleActionClicks(): void {
  document.addEventListener('click', (ev) => {
    const target = ev.target;
    const b = target instanceof Element ? target.closest<HTMLButtonElement>('button[data-action]') : null;
    if (b && !b.disabled) void post(b.getAttribute('data-action') ?? '', JSON.parse(b.getAttribute('data-payload') || '{}') as object);
  });
}
