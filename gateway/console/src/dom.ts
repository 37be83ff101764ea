/** A few DOM helpers: elements from data (never from HTML strings), tables, times. */
import { lang } from './i18n.js';

export type Child = Node | string | number | null | undefined | false | Child[];
type Attr = string | number | boolean | undefined | ((e: Event) => void);

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) for (const c of child) append(parent, c);
  else
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
}

/** `h('a', { href: '#/x', class: 'link' }, 'text')`: attributes, `on…` listeners, then children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, Attr> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function table(headers: string[], rows: Child[][], testid?: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': testid },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            r.map((c) => h('td', null, c)),
          ),
        ),
      ),
    ),
  );
}

/** A time in Lishui (China Standard Time), in the console's language. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang() === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
  });
}

/** A hash or id in monospace; long ones keep their full value in the tooltip. */
export function mono(value: string | null | undefined, short = false): HTMLElement {
  const v = value ?? '–';
  return h(
    'code',
    { class: 'mono', title: v },
    short && v.length > 20 ? `${v.slice(0, 10)}…${v.slice(-8)}` : v,
  );
}

export function card(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), children);
}

export function link(href: string, text: Child, attrs: Record<string, Attr> = {}): HTMLAnchorElement {
  return h('a', { href, ...attrs }, text);
}
