/**
 * `rdx inbox`: the notifications of the enterprise (with its credentials) or of an opening body (`--as`, signed
 * with that Fabric identity); `--follow` keeps printing new ones as they come; `--mark-read <ids>` marks them
 * read.
 */
import { commaList, defineCommand, optString } from '../../command.js';
import { InputError } from '../../../sdk/errors.js';
import { NOTIFICATION_KINDS, type Notification } from '../../../sdk/notifications.js';
import type { InboxPage } from '../../../sdk/notifications-api.js';
import { forTerminal, jsonText } from '../../output.js';

/** How often --follow asks the gateway for new notifications. */
const FOLLOW_EVERY_MS = 2000;
/** Notifications per page (the gateway's largest). */
const PAGE = 200;

function line(n: Notification): string {
  const what = n.title || (NOTIFICATION_KINDS[n.kind]?.[1] ?? n.kind);
  const reason = typeof n.detail?.reason === 'string' ? ` — ${n.detail.reason}` : '';
  return `${n.at.slice(0, 19).replace('T', ' ')}  ${what}: ${n.subject.type} ${n.subject.id}${reason}  [${n.id}]`;
}

/** The line under a page: how many are unread, the cursor, and whether another page follows already. */
function pageFooter(page: InboxPage): string {
  const counts = `未读 unread: ${page.unread}; next: ${page.next}`;
  return page.more ? `${counts}\n更多 more follow: ask again with --after ${page.next}` : counts;
}

function cursor(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError('INVALID_ARGUMENT', `--after must be a cursor (a whole number), not ${raw}`);
  return n;
}

export default defineCommand({
  path: ['inbox'],
  roles: ['enterprise', 'body'],
  summary: '通知 notifications: what changed that concerns you (unread by default; --all, --follow)',
  options: [
    { flags: '--all', description: 'read ones too' },
    {
      flags: '--after <cursor>',
      description: 'only those after this cursor (the `next` of a previous answer)',
    },
    { flags: '--follow', description: 'keep printing new notifications as they come (Ctrl-C stops)' },
    { flags: '--mark-read <ids>', description: '已读 mark these notifications read (comma-separated ids)' },
  ],
  async run(ctx, { opts }) {
    const api = ctx.notifications();
    const toMark = commaList(optString(opts, 'markRead'));
    if (toMark) {
      if (toMark.length === 0) throw new InputError('INVALID_ARGUMENT', '--mark-read needs notification ids');
      const marked = await api.markRead(toMark);
      return { data: { marked }, lines: [`已读 marked read: ${marked}`] };
    }
    const unread = opts.all !== true;
    let after = cursor(optString(opts, 'after'));
    if (opts.follow !== true) {
      const page = await api.inbox({ after, limit: PAGE, unread });
      return {
        data: page,
        lines: page.data.length
          ? [...page.data.map(line), pageFooter(page)]
          : [`通知 notifications: 无 none${unread ? ' unread' : ''} (未读 unread: ${page.unread})`],
      };
    }
    // Following: each new notification as one line (JSON lines with --json), until interrupted.
    for (;;) {
      const page = await api.inbox({ after, limit: PAGE, unread });
      for (const n of page.data)
        ctx.out.io.stdout.write(`${ctx.json ? jsonText(n) : forTerminal(line(n))}\n`);
      after = page.next;
      if (page.more) continue;
      await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
    }
  },
});
