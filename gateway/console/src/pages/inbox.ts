/** A party's inbox at the top of its page: its unread notifications, marked read one by one or all at once. */
import { api } from '../api.js';
import { card, fmtTime, h, mono, table } from '../dom.js';
import { lang, t } from '../i18n.js';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  subject: { type: string; id: string; state?: string };
  at: string;
  detail?: { reason?: string };
}

/**
 * The unread notifications, each with a button that marks it read; and one for all. `prefix` is the party's
 * door: `/v1` for an enterprise, `/v1/admin` for an opening body.
 */
export function inboxCard(items: Notification[], prefix: '/v1' | '/v1/admin'): HTMLElement {
  const markRead = async (ids: string[]): Promise<void> => {
    await api(`${prefix}/inbox/read`, { method: 'POST', json: { ids } });
    for (const id of ids) document.querySelector(`[data-notification="${id}"]`)?.closest('tr')?.remove();
  };
  // The title is zh-CN then English: show the half of the console's language.
  const say = (n: Notification): string => {
    const [zh = n.title, ...en] = n.title.split(' ');
    return lang() === 'en' && en.length ? en.join(' ') : zh;
  };
  return card(
    t('inbox.title'),
    h('p', { class: 'muted' }, t(prefix === '/v1' ? 'inbox.hint' : 'inbox.hintBody')),
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
