/**
 * `rdx agreement show`: an agreement with its terms and termsHash. The enterprise reads its own through the
 * gateway; with --as, bodies, the bureau and regulators read it on the ledger.
 */
import { arg, defineCommand } from '../../command.js';
import { agreementLines } from '../../format.js';

export default defineCommand({
  path: ['agreement', 'show'],
  roles: ['enterprise', 'body', 'bureau', 'regulator'],
  summary: '开放利用协议 show an agreement: terms, termsHash, signatures, grants',
  args: ['<id>'],
  async run(ctx, inv) {
    const id = arg(inv, 0);
    const agreement = ctx.identityName
      ? await ctx.ledger().agreement.get(id)
      : await ctx.enterprise().agreement(id);
    return { data: agreement, lines: agreementLines(agreement) };
  },
});
