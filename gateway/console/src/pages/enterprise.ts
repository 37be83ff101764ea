/**
 * The enterprise's own view: its unread notifications at the top, its grants, its access log, and receipts it
 * verifies in the browser.
 */
import { api } from '../api.js';
import { inboxCard, unreadNotifications } from './inbox.js';
import { card, clear, fmtTime, h, mono, table } from '../dom.js';
import { t, tr } from '../i18n.js';
import type { Receipt } from '../merkle.js';
import { showReceipt } from '../receipt.js';
import { problemBox, stateBadge, type Page } from './common.js';

interface Grant {
  id: string;
  datasetId: string;
  body: string;
  items: string[];
  state: string;
  validFrom: string;
  validUntil: string;
  dailyQuota: number;
}

interface LogRecord {
  seq: number;
  time: string;
  requestId: string;
  method: string;
  path: string;
  decision: string;
  reason: string;
  rowCount: number;
  grantId?: string;
}

export const enterprisePage: Page = async (root) => {
  const [inbox, grants, log] = await Promise.all([
    unreadNotifications('/v1'),
    api<{ data: Grant[] }>('/v1/grants'),
    api<{ data: LogRecord[] }>('/v1/access-log?limit=50'),
  ]);
  const result = h('div', { class: 'receipt', 'data-testid': 'receipt' });
  const verify = async (requestId: string): Promise<void> => {
    clear(result);
    result.append(h('p', { class: 'muted' }, t('loading')));
    try {
      const { body } = await api<Receipt>(`/v1/audit/receipts/${encodeURIComponent(requestId)}`);
      await showReceipt(result, body, undefined, requestId);
    } catch (err) {
      clear(result);
      result.append(problemBox(err));
    }
    result.scrollIntoView({ block: 'nearest' });
  };
  root.append(
    h('h1', null, t('enterprise.title')),
    inboxCard(inbox, '/v1'),
    card(
      t('enterprise.grants'),
      grants.body.data.length
        ? table(
            [
              t('col.grant'),
              t('col.dataset'),
              t('col.body'),
              t('col.items'),
              t('col.validUntil'),
              t('col.state'),
            ],
            grants.body.data.map((g) => [
              mono(g.id),
              mono(g.datasetId),
              g.body,
              g.items.join(', '),
              g.validUntil,
              stateBadge(g.state),
            ]),
            'my-grants',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
    card(t('enterprise.receipt'), result),
    card(
      t('enterprise.log'),
      h('p', { class: 'muted' }, t('enterprise.logHint')),
      log.body.data.length
        ? table(
            [
              t('col.time'),
              t('col.request'),
              t('col.decision'),
              t('col.reason'),
              t('col.rows'),
              t('col.requestId'),
              t('col.actions'),
            ],
            log.body.data.map((r) => [
              fmtTime(r.time),
              h('span', null, r.method, ' ', mono(r.path)),
              h('span', { class: r.decision === 'allow' ? 'good' : 'bad' }, tr('decision', r.decision)),
              mono(r.reason),
              r.rowCount,
              mono(r.requestId),
              h(
                'button',
                {
                  type: 'button',
                  class: 'small',
                  'data-request': r.requestId,
                  onclick: () => void verify(r.requestId),
                },
                t('action.verify'),
              ),
            ]),
            'access-log',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
  );
};
