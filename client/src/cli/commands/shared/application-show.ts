/** `rdx application show`: an application and where it stands (the enterprise through the gateway, others with --as). */
import { arg, defineCommand } from '../../command.js';
import { applicationLines } from '../../format.js';

export default defineCommand({
  path: ['application', 'show'],
  roles: ['enterprise', 'body', 'bureau', 'regulator'],
  summary: '需求申请 show an application and its reviews',
  args: ['<id>'],
  async run(ctx, inv) {
    const id = arg(inv, 0);
    const app = ctx.identityName
      ? await ctx.ledger().application.get(id)
      : await ctx.enterprise().application(id);
    return { data: app, lines: applicationLines(app) };
  },
});
