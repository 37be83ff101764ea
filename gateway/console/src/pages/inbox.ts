/** A party's inbox at the top of its page: its unread notifications, marked read one by one or all at once. */
import { api } from '../api.js';
import { card, clear, fmtTime, h, mono, table } from '../dom.js';
import { lang, t } from '../i18n.js';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  subject: { type: string; id: string; state?: string };
  at: string;
  detail?: { reason?: string };
}

/** How many unread notifications the card shows at once, oldest first. */
const SHOWN = 100;

/** A page of the party's unread notifications, and whether more are waiting behind it. */
export interface UnreadPage {
  data: Notification[];
  more: boolean;
  unread: number;
}

/** The party's oldest unread notifications, as many as the card shows. `prefix` as {@link inboxCard}'s. */
export async function unreadNotifications(prefix: '/v1' | '/v1/admin'): Promise<UnreadPage> {
  return (await api<UnreadPage>(`${prefix}/inbox?unread=true&limit=${SHOWN}`)).body;
}

/**
 * The unread notifications, each with a button that marks it read; and one for all. `prefix` is the party's
 * door: `/v1` for an enterprise, `/v1/admin` for an opening body. When more are unread than the card shows, it
 * says how many, and marking all read brings the next ones in (or says none are left).
 */
export function inboxCard(first: UnreadPage, prefix: '/v1' | '/v1/admin'): HTMLElement {
  const markRead = async (ids: string[]): Promise<void> => {
    await api(`${prefix}/inbox/read`, { method: 'POST', json: { ids } });
    for (const id of ids) document.querySelector(`[data-notification="${id}"]`)?.closest('tr')?.remove();
  };
  // The title is zh-CN then English: show the half of the console's language.
  const say = (n: Notification): string => {
    const [zh = n.title, ...en] = n.title.split(' ');
    return lang() === 'en' && en.length ? en.join(' ') : zh;
  };
  const list = h('div', null);
  const show = (page: UnreadPage): void => {
    clear(list);
    if (page.data.length === 0) {
      list.append(h('p', { class: 'muted', 'data-testid': 'inbox-empty' }, t('none')));
      return;
    }
    // The card again from the gateway: the next unread ones if more were waiting, else "none".
    const markAll = async (): Promise<void> => {
      await markRead(page.data.map((n) => n.id));
      show(await unreadNotifications(prefix));
    };
    list.append(
      page.more
        ? h(
            'p',
            { class: 'muted', 'data-testid': 'inbox-more' },
            t('inbox.more', { shown: page.data.length, unread: page.unread }),
          )
        : '',
      table(
        [t('col.time'), t('col.notification'), t('col.subject'), t('col.actions')],
        page.data.map((n) => [
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
        { type: 'button', 'data-testid': 'mark-all-read', onclick: () => void markAll() },
        t('action.markAllRead'),
      ),
    );
  };
  show(first);
  return card(
    t('inbox.title'),
    h('p', { class: 'muted' }, t(prefix === '/v1' ? 'inbox.hint' : 'inbox.hintBody')),
    list,
  );
}
