/**
 * The enterprise's own view: its unread notifications at the top, its grants, its access log, and receipts it
 * verifies in the browser.
 */
import { api } from '../api.js';
import { card, clear, fmtTime, h, mono, table } from '../dom.js';
import { lang, t, tr } from '../i18n.js';
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

interface Notification {
  id: string;
  kind: string;
  title: string;
  subject: { type: string; id: string; state?: string };
  at: string;
  detail?: { reason?: string };
}

/** The unread notifications, each with a button that marks it read; and one for all. */
function inboxCard(items: Notification[]): HTMLElement {
  const markRead = async (ids: string[]): Promise<void> => {
    await api('/v1/inbox/read', { method: 'POST', json: { ids } });
    for (const id of ids) document.querySelector(`[data-notification="${id}"]`)?.closest('tr')?.remove();
  };
  // The title is zh-CN then English: show the half of the console's language.
  const say = (n: Notification): string => {
    const [zh = n.title, ...en] = n.title.split(' ');
    return lang() === 'en' && en.length ? en.join(' ') : zh;
  };
  return card(
    t('enterprise.inbox'),
    h('p', { class: 'muted' }, t('enterprise.inboxHint')),
    items.length
      ? h(
          'div',
          null,
          table(
            [t('col.time'), t('col.notification'), t('col.subject'), t('col.actions')],
            items.map((n) => [
              fmtTime(n.at),
              h('span', { 'data-kind': n.kind }, say(n), n.detail?.reason ? ` — ${n.detail.reason}` : ''),
              h('span', null, n.subject.type, ' ', mono(n.subject.id)),
              h(
                'button',
                {
                  type: 'button',
                  class: 'small',
                  'data-notification': n.id,
                  onclick: () => void markRead([n.id]),
                },
                t('action.markRead'),
              ),
            ]),
            'inbox',
          ),
          h(
            'button',
            {
              type: 'button',
              'data-testid': 'mark-all-read',
              onclick: () => void markRead(items.map((n) => n.id)),
            },
            t('action.markAllRead'),
          ),
        )
      : h('p', { class: 'muted', 'data-testid': 'inbox-empty' }, t('none')),
  );
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
    api<{ data: Notification[] }>('/v1/inbox?unread=true&limit=100'),
    api<{ data: Grant[] }>('/v1/grants'),
    api<{ data: LogRecord[] }>('/v1/access-log?limit=50'),
  ]);
  const result = h('div', { class: 'receipt', 'data-testid': 'receipt' });
  const verify = async (requestId: string): Promise<void> => {
    clear(result);
    result.append(h('p', { class: 'muted' }, t('loading')));
    try {
      const { body } = await api<Receipt>(`/v1/audit/receipts/${encodeURIComponent(requestId)}`);
      await showReceipt(result, body);
    } catch (err) {
      clear(result);
      result.append(problemBox(err));
    }
    result.scrollIntoView({ block: 'nearest' });
  };
  root.append(
    h('h1', null, t('enterprise.title')),
    inboxCard(inbox.body.data),
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
