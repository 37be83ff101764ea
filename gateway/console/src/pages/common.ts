/** Pieces several pages share. */
import { ApiError } from '../api.js';
import { h, link } from '../dom.js';
import { t, tr } from '../i18n.js';

export type Page = (root: HTMLElement, params: URLSearchParams) => Promise<void>;

export function stateBadge(state: unknown): HTMLElement {
  return h('span', { class: `badge state-${String(state).toLowerCase()}` }, tr('state', state));
}

export function problemBox(err: unknown): HTMLElement {
  const detail =
    err instanceof ApiError
      ? `${err.status} ${err.code} — ${err.detail}`
      : err instanceof Error
        ? err.message
        : String(err);
  return h('p', { class: 'problem', role: 'alert', 'data-testid': 'problem' }, t('error', { detail }));
}

export function timelineLink(
  kind: 'enterprise' | 'dataset' | 'grant',
  id: string,
  text: string = t('action.timeline'),
): HTMLAnchorElement {
  return link(`#/regulator/timeline?${kind}=${encodeURIComponent(id)}`, text);
}

export function statsLink(grantId: string): HTMLAnchorElement {
  return link(`#/regulator/grant?id=${encodeURIComponent(grantId)}`, t('action.stats'));
}

/** Key figures as a definition list. */
export function figures(rows: [string, Node | string | number][]): HTMLElement {
  return h(
    'dl',
    { class: 'figures' },
    rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

/**
 * Stacked bars (allowed below, denied on top), one per bucket; heights are set through the CSSOM, which the
 * console's Content-Security-Policy allows (no inline style attributes).
 */
export function bars(buckets: { label: string; allow: number; deny: number }[], testid: string): HTMLElement {
  const max = Math.max(1, ...buckets.map((b) => b.allow + b.deny));
  const chart = h('div', { class: 'bars', 'data-testid': testid, role: 'img' });
  buckets.forEach((b, i) => {
    const allow = h('div', { class: 'seg allow', title: `${b.label}: ${t('col.allow')} ${b.allow}` });
    const deny = h('div', { class: 'seg deny', title: `${b.label}: ${t('col.deny')} ${b.deny}` });
    allow.style.height = `${(b.allow / max) * 100}%`;
    deny.style.height = `${(b.deny / max) * 100}%`;
    const every = Math.max(1, Math.ceil(buckets.length / 8));
    chart.append(
      h(
        'div',
        { class: 'bar', title: `${b.label}: ${b.allow} / ${b.deny}` },
        h('div', { class: 'stack' }, deny, allow),
        h('div', { class: 'tick' }, i % every === 0 || i === buckets.length - 1 ? b.label : ''),
      ),
    );
  });
  return h(
    'div',
    null,
    chart,
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key allow' }),
      t('col.allow'),
      ' ',
      h('span', { class: 'key deny' }),
      t('col.deny'),
    ),
  );
}
