/** `rdx complaint notify`: records how and when the complainant was told the outcome (L17). */
import { arg, defineCommand, optString, reqString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { chinaToday, sha256OfFile } from '../../../sdk/inputs.js';
import type { NotificationChannel } from '../../../sdk/types.js';

export default defineCommand({
  path: ['complaint', 'notify'],
  roles: ['body'],
  summary: '告知 record that the complainant was notified of the outcome',
  args: ['<id>'],
  options: [
    {
      flags: '--channel <channel>',
      description: '方式 channel',
      choices: ['phone', 'letter', 'email', 'sms', 'in-person', 'platform'],
      required: true,
    },
    { flags: '--on <date>', description: '告知日期 date notified, YYYY-MM-DD (default today)' },
    {
      flags: '--summary-file <file>',
      description: '告知内容 what was said (kept off-chain; its SHA-256 is recorded)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const c = await ctx.ledger().complaint.recordNotification({
      id: arg(inv, 0),
      channel: reqString(inv.opts, 'channel') as NotificationChannel,
      notifiedOn: optString(inv.opts, 'on') ?? chinaToday(),
      summaryHash: sha256OfFile(reqString(inv.opts, 'summaryFile'), 'summary'),
    });
    return {
      data: committedData('complaint', c),
      lines: [
        `${TERMS.complaint} ${c.value.id}: 已告知 notified by ${c.value.notification?.channel ?? '?'} on ${c.value.notification?.notifiedOn ?? '?'}`,
        txLine(c),
      ],
    };
  },
});
