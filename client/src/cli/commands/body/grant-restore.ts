/** `rdx grant restore`: the owning body reopens a suspended grant (恢复开放 / 处理后再开放). */
import { arg, defineCommand, optString } from '../../command.js';
import { committedData, grantLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['grant', 'restore'],
  roles: ['body'],
  summary: '恢复开放 restore a suspended grant (after rectification or processing)',
  args: ['<id>'],
  options: [{ flags: '--note <text>', description: '说明 note' }],
  async run(ctx, inv) {
    const c = await ctx.ledger().grant.restore({ id: arg(inv, 0), note: optString(inv.opts, 'note') });
    return {
      data: committedData('grant', c),
      lines: [
        `${TERMS.grant} ${c.value.id} → ${stateLabel(c.value.state)}`,
        ...grantLines(c.value),
        txLine(c),
      ],
    };
  },
});
