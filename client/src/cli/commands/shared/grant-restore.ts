/** `rdx grant restore`: the owning body reopens a suspended grant (恢复开放 / 处理后再开放). */
import { arg, defineCommand, optString } from '../../command.js';
import { grantChanged } from '../../format.js';

export default defineCommand({
  path: ['grant', 'restore'],
  roles: ['body'],
  summary: '恢复开放 restore a suspended grant (after rectification or processing)',
  args: ['<id>'],
  options: [{ flags: '--note <text>', description: '说明 note' }],
  async run(ctx, inv) {
    const c = await ctx.ledger().grant.restore({ id: arg(inv, 0), note: optString(inv.opts, 'note') });
    return grantChanged(c);
  },
});
