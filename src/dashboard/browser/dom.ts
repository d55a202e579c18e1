/**
 * Building the page's elements: a lookup by id and a small `createElement` with attributes
 * and children, so the panels are drawn as plain DOM without a framework.
 * @module
 */

/** A child of {@link el}: a node or text; `null`, `undefined` and `false` are left out. */
export type Child = Node | string | null | undefined | false;

/** Attributes of {@link el}; `null`, `undefined` and `false` values are left out. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/**
 * The page element with `id`. Never blocks.
 * @throws {Error} if the page has none: the page and this script are out of step.
 */
export function $(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the dashboard page has no #${id}`);
  return found;
}

/**
 * A new `tag` element. `class` sets the class name, `text` the text content, `disabled: true`
 * disables it; any other attribute is set as a string. Never blocks or throws.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = String(v);
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'disabled') e.toggleAttribute('disabled', true);
    else e.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}
