/** `rdx grant show`: one grant as the ledger holds it. */
import { arg, defineCommand } from '../../command.js';
import { grantLines } from '../../format.js';

export default defineCommand({
  path: ['grant', 'show'],
  roles: ['bureau', 'body', 'regulator'],
  summary: '授权 show a grant',
  args: ['<id>'],
  async run(ctx, inv) {
    const grant = await ctx.ledger().grant.get(arg(inv, 0));
    return { data: grant, lines: grantLines(grant) };
  },
});
