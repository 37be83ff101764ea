/**
 * Complaints and opinions (Z21, Z35) as a card: the regulator's dashboard lists every body's open ones, an opening
 * body's desk its own. Open ones come soonest due first and a late one is marked; who complained and what they
 * wrote are never here (they stay in the owning body's collection on the ledger).
 */
import { card, fmtTime, h, mono, table } from '../dom.js';
import { t, tr } from '../i18n.js';

export interface ComplaintRow {
  id: string;
  body: string;
  datasetId: string;
  grantId: string | null;
  enterprise: string | null;
  category: string | null;
  filedThrough: string | null;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  due: string;
  overdue: boolean;
  suspendedGrants: number;
}

/**
 * `more`: the gateway read only the open ones due soonest; the rest are said to be there, not left out silently
 * (a regulator counting the rows would otherwise take the list for the whole backlog).
 */
export function complaintsCard(rows: ComplaintRow[], withBody: boolean, more: boolean): HTMLElement {
  return card(
    t('complaints.title'),
    h('p', { class: 'muted' }, t('complaints.hint')),
    more
      ? h(
          'p',
          { class: 'bad', 'data-testid': 'complaints-more' },
          t('complaints.more', { shown: rows.length }),
        )
      : null,
    rows.length
      ? table(
          [
            t('col.complaint'),
            t('col.category'),
            ...(withBody ? [t('col.body')] : []),
            t('col.dataset'),
            t('col.enterprise'),
            t('col.filed'),
            t('col.due'),
            t('col.suspended'),
          ],
          rows.map((c) => [
            mono(c.id),
            c.category ? tr('category', c.category) : '—',
            ...(withBody ? [c.body] : []),
            mono(c.datasetId),
            c.enterprise ?? '—',
            `${fmtTime(c.filedAt)}${c.filedThrough ? ` · ${tr('through', c.filedThrough)}` : ''}`,
            c.overdue
              ? h(
                  'span',
                  { class: 'bad', 'data-testid': 'complaint-overdue' },
                  `${c.due} ${t('complaints.late')}`,
                )
              : c.due,
            String(c.suspendedGrants),
          ]),
          'complaints',
        )
      : h('p', { class: 'muted', 'data-testid': 'complaints-none' }, t('none')),
  );
}
