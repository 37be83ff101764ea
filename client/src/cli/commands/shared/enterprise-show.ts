/** `rdx enterprise show`: an enterprise and its rating. */
import { arg, defineCommand } from '../../command.js';
import { enterpriseLines } from '../../format.js';

export default defineCommand({
  path: ['enterprise', 'show'],
  roles: ['bureau', 'body', 'regulator'],
  summary: '利用主体 show an enterprise and its rating',
  args: ['<creditCode>'],
  async run(ctx, inv) {
    const enterprise = await ctx.ledger().enterprise.get(arg(inv, 0));
    return { data: enterprise, lines: enterpriseLines(enterprise) };
  },
});
