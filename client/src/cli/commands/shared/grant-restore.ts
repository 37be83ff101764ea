/**
 * `rdx grant restore`: the party that suspended a grant reopens it (恢复开放 / 处理后再开放): the owning body, or
 * the bureau — only the bureau lifts what it suspended for a complaint, violation or rectification (Z39).
 */
import { arg, defineCommand, optString } from '../../command.js';
import { grantChanged } from '../../format.js';

export default defineCommand({
  path: ['grant', 'restore'],
  roles: ['body', 'bureau'],
  summary: '恢复开放 restore a suspended grant (after rectification or processing; by whoever suspended it)',
  args: ['<id>'],
  options: [{ flags: '--note <text>', description: '说明 note' }],
  async run(ctx, inv) {
    const c = await ctx.ledger().grant.restore({ id: arg(inv, 0), note: optString(inv.opts, 'note') });
    return grantChanged(c);
  },
});
