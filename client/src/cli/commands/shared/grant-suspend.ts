/** `rdx grant suspend`: the owning body or the bureau suspends a grant; every gateway stops serving it at once. */
import { arg, defineCommand, reqString } from '../../command.js';
import { grantChanged } from '../../format.js';
import { requireReason } from '../../../sdk/inputs.js';
import type { SuspendReason } from '../../../sdk/types.js';

export default defineCommand({
  path: ['grant', 'suspend'],
  roles: ['body', 'bureau'],
  summary: '中止 suspend a grant: access stops on every gateway within a second',
  args: ['<id>'],
  options: [
    {
      flags: '--reason <reason>',
      description: '原因 reason',
      choices: ['complaint', 'violation', 'rectification', 'rating'],
      required: true,
    },
    { flags: '--note <text>', description: '说明 what happened', required: true },
  ],
  async run(ctx, inv) {
    const note = requireReason(reqString(inv.opts, 'note'), '--note');
    const c = await ctx
      .ledger()
      .grant.suspend({ id: arg(inv, 0), reason: reqString(inv.opts, 'reason') as SuspendReason, note });
    return grantChanged(c);
  },
});
