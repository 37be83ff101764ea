import { expect } from 'chai';
import type { CliContext } from '../../context.js';
import type { InboxPage } from '../../../sdk/notifications-api.js';
import type { Notification } from '../../../sdk/notifications.js';
import inbox from './inbox.js';

const note = (id: string): Notification => ({
  id,
  kind: 'grant.suspended',
  title: '授权已暂停 grant suspended',
  recipient: 'enterprise:91331100MA2A0000XX',
  subject: { type: 'grant', id: `grant-${id}` },
  at: '2026-12-01T08:00:00.000Z',
});

/** Runs `rdx inbox` with these options against an inbox that answers `page`; returns what it printed and asked. */
async function printed(page: InboxPage, opts: Record<string, unknown> = {}) {
  const asked: unknown[] = [];
  const ctx = {
    notifications: () => ({
      inbox: (q: unknown) => {
        asked.push(q);
        return Promise.resolve(page);
      },
    }),
  } as unknown as CliContext;
  const result = await inbox.run(ctx, { args: [], opts });
  return { lines: result?.lines ?? [], asked };
}

describe('rdx inbox', () => {
  it('says when another page follows, and with which cursor to ask for it', async () => {
    const { lines, asked } = await printed(
      { data: [note('n1'), note('n2')], next: 2, more: true, unread: 5 },
      { all: true },
    );
    expect(asked).to.deep.equal([{ after: undefined, limit: 200, unread: false }]);
    expect(lines.slice(0, 2).join('\n')).to.include('grant-n1').and.include('grant-n2');
    expect(lines.at(-1)).to.equal('未读 unread: 5; next: 2\n更多 more follow: ask again with --after 2');
  });

  it('on the last page it says no more, and an empty page says none', async () => {
    const last = await printed({ data: [note('n3')], next: 3, more: false, unread: 1 }, { after: '2' });
    expect(last.asked).to.deep.equal([{ after: 2, limit: 200, unread: true }]);
    expect(last.lines.at(-1)).to.equal('未读 unread: 1; next: 3');
    const none = await printed({ data: [], next: 3, more: false, unread: 0 });
    expect(none.lines).to.deep.equal(['通知 notifications: 无 none unread (未读 unread: 0)']);
  });

  it('refuses a cursor that is not a whole number', async () => {
    const err = await printed({ data: [], next: 0, more: false, unread: 0 }, { after: '-1' }).catch(
      (e: Error) => e,
    );
    expect(err).to.be.an('error').with.property('message').that.includes('--after must be a cursor');
  });

  /** What `rdx inbox --follow` printed of one page holding `n` (JSON lines with `json`), the gateway then gone. */
  async function followed(n: Notification, json: boolean): Promise<string> {
    const c = { data: '' };
    const ctx = {
      json,
      out: { io: { stdout: { write: (s: string) => (c.data += s) } } },
      // One page, then the gateway goes away: following ends there.
      notifications: () => {
        let asked = 0;
        return {
          inbox: () =>
            asked++ === 0
              ? Promise.resolve({ data: [n], next: 4, more: true, unread: 1 })
              : Promise.reject(new Error('gone')),
        };
      },
    } as unknown as CliContext;
    await inbox.run(ctx, { args: [], opts: { follow: true } }).catch(() => undefined);
    return c.data;
  }

  it('a title with escape sequences is printed written out, not run by the terminal', async () => {
    const hostile = { ...note('n4'), title: 'ok\u001b[2K\u001b]52;c;ZXZpbA==\u0007' };
    expect(await followed(hostile, false)).to.include('ok\\x1b[2K\\x1b]52;c;ZXZpbA==\\x07');
  });

  it('following as JSON lines, the same notification, with nothing a terminal acts on', async () => {
    const hostile = { ...note('n5'), title: '退款至 \u202e0987654321\u202c \u009b31m' };
    const out = await followed(hostile, true);
    expect(JSON.parse(out)).to.deep.equal(hostile);
    expect(out).not.to.match(/[\u0080-\u009f\u202a-\u202e]/);
  });
});
