/** `rdx grant terminate`: the owning body or the bureau ends a grant (终止), e.g. a violation not rectified. */
import { arg, defineCommand, reqString } from '../../command.js';
import { grantChanged } from '../../format.js';
import { requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['grant', 'terminate'],
  roles: ['body', 'bureau'],
  summary: '终止 terminate a grant (e.g. a violation not rectified, Z39)',
  args: ['<id>'],
  options: [{ flags: '--note <text>', description: '理由 reason', required: true }],
  async run(ctx, inv) {
    const note = requireReason(reqString(inv.opts, 'note'), '--note');
    const c = await ctx.ledger().grant.terminate({ id: arg(inv, 0), note });
    return grantChanged(c);
  },
});
