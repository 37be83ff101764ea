/**
 * An opening body's own page (issue 13), for a person logged in with one of the body's console accounts: its
 * unread notifications at the top, then the misuse signals on its grants, its open complaints, the reviews it owes
 * (soonest due first, late ones marked), its other overdue duties, its datasets, its live grants with their calls
 * per day, the latest security-incident reports and data returns under its agreements, and its usage reports
 * beside the calls the gateway served. All of it read from /v1/admin/* with the account's token; whatever changes
 * something is done with the body's Fabric identity (rdx … --as), never from here.
 */
import { api } from '../api.js';
import { card, clear, fmtTime, h, mono, table } from '../dom.js';
import { t, tr } from '../i18n.js';
import { bars, problemBox, stateBadge, type Page } from './common.js';
import { inboxCard, unreadNotifications } from './inbox.js';
import { signalsCard, type MisuseSignal } from './signals.js';
import { complaintsCard, type ComplaintRow } from './complaints.js';

interface Home {
  body: string;
  reviews: {
    applicationId: string;
    step: string;
    due: string;
    workingDaysLeft?: number;
    workingDaysOverdue?: number;
  }[];
  overdue: { type: string; id: string; step: string; due: string; workingDaysOverdue?: number }[];
  signals: MisuseSignal[];
  complaints: ComplaintRow[];
  /** More are open than the desk lists (the 200 due soonest). */
  complaintsMore: boolean;
  datasets: {
    id: string;
    name: string;
    openAttribute: string;
    listing: string;
    version: string | null;
    liveGrants: number;
  }[];
  reports: {
    id: string;
    kind: string;
    agreementId: string;
    creditCode: string;
    enterprise: string | null;
    at: string;
    severity?: string;
  }[];
  grants: {
    id: string;
    creditCode: string;
    enterprise: string | null;
    datasetId: string;
    state: string;
    validUntil: string;
    dailyQuota: number;
  }[];
}

interface Reconciliation {
  data: {
    reportId: string;
    enterpriseName?: string;
    creditCode: string;
    period: string;
    reported: number;
    served?: number;
    difference?: number;
  }[];
}

interface GrantStats {
  days: { day: string; allow: number; deny: number }[];
  allow: number;
  deny: number;
}

/** Calls per day of one grant over 30 days, shown under the grants table. */
async function showUsage(into: HTMLElement, grantId: string): Promise<void> {
  clear(into);
  into.append(h('p', { class: 'muted' }, t('loading')));
  try {
    const { body } = await api<GrantStats>(`/v1/admin/grants/${encodeURIComponent(grantId)}/stats?days=30`);
    clear(into);
    into.append(
      h('h3', null, t('body.usageOf', { grant: grantId, allow: body.allow, deny: body.deny })),
      bars(
        body.days.map((d) => ({ label: d.day.slice(5), allow: d.allow, deny: d.deny })),
        'grant-usage',
      ),
    );
  } catch (err) {
    clear(into);
    into.append(problemBox(err));
  }
  into.scrollIntoView({ block: 'nearest' });
}

export const bodyPage: Page = async (root) => {
  const [home, inbox, reconciliation] = await Promise.all([
    api<Home>('/v1/admin/home'),
    unreadNotifications('/v1/admin'),
    api<Reconciliation>('/v1/admin/usage-reconciliation'),
  ]);
  const d = home.body;
  const usage = h('div', { class: 'usage', 'data-testid': 'usage' });
  root.append(
    h('h1', null, t('body.title', { body: d.body })),
    inboxCard(inbox, '/v1/admin'),
    signalsCard(d.signals, false),
    complaintsCard(d.complaints, false, d.complaintsMore),
    card(
      t('body.reviews'),
      h('p', { class: 'muted' }, t('body.reviewsHint')),
      d.reviews.length
        ? table(
            [t('col.application'), t('col.step'), t('col.due'), t('col.workingDays')],
            d.reviews.map((r) => [
              mono(r.applicationId),
              tr('step', r.step),
              r.due,
              r.workingDaysOverdue !== undefined
                ? h('span', { class: 'bad' }, t('body.late', { n: r.workingDaysOverdue }))
                : t('body.left', { n: r.workingDaysLeft ?? 0 }),
            ]),
            'reviews',
          )
        : h('p', { class: 'muted', 'data-testid': 'reviews-none' }, t('none')),
    ),
    card(
      t('body.overdue'),
      d.overdue.length
        ? table(
            [t('col.type'), t('col.id'), t('col.step'), t('col.due')],
            d.overdue.map((o) => [
              tr('obj', o.type),
              mono(o.id),
              tr('step', o.step),
              o.workingDaysOverdue !== undefined ? `${o.due} (+${o.workingDaysOverdue})` : o.due,
            ]),
            'body-overdue',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
    card(
      t('body.datasets'),
      d.datasets.length
        ? table(
            [t('col.dataset'), t('col.name'), t('col.openAttribute'), t('col.version'), t('col.liveGrants')],
            d.datasets.map((x) => [
              mono(x.id),
              x.name,
              tr('attr', x.openAttribute),
              x.version ?? '—',
              x.liveGrants,
            ]),
            'body-datasets',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
    card(
      t('body.grants'),
      d.grants.length
        ? table(
            [
              t('col.grant'),
              t('col.enterprise'),
              t('col.dataset'),
              t('col.validUntil'),
              t('col.state'),
              t('col.actions'),
            ],
            d.grants.map((g) => [
              mono(g.id),
              g.enterprise ?? g.creditCode,
              mono(g.datasetId),
              g.validUntil,
              stateBadge(g.state),
              h(
                'button',
                {
                  type: 'button',
                  class: 'small',
                  'data-usage': g.id,
                  onclick: () => void showUsage(usage, g.id),
                },
                t('action.stats'),
              ),
            ]),
            'body-grants',
          )
        : h('p', { class: 'muted' }, t('none')),
      usage,
    ),
    card(
      t('body.reports'),
      d.reports.length
        ? table(
            [t('col.time'), t('col.type'), t('col.enterprise'), t('col.agreement'), t('col.severity')],
            d.reports.map((r) => [
              fmtTime(r.at),
              tr('duty', r.kind),
              r.enterprise ?? r.creditCode,
              mono(r.agreementId),
              r.severity ? tr('severity', r.severity) : '—',
            ]),
            'body-reports',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
    card(
      t('performance.reconciliation'),
      reconciliation.body.data.length
        ? table(
            [
              t('col.enterprise'),
              t('performance.period'),
              t('performance.reported'),
              t('performance.served'),
              t('performance.difference'),
            ],
            reconciliation.body.data.map((r) => [
              r.enterpriseName || r.creditCode,
              r.period,
              r.reported,
              r.served ?? '—',
              r.difference ?? '—',
            ]),
            'body-reconciliation',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
  );
};
