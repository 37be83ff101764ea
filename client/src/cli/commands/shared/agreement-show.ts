/**
 * `rdx agreement show`: an agreement with every term and its termsHash, once the hash is found to be of those
 * terms. The enterprise reads its own through the gateway; with --as, bodies, the bureau and regulators read it
 * on the ledger.
 */
import { arg, defineCommand } from '../../command.js';
import { agreementLines } from '../../format.js';
import { checkTermsAsRead } from '../../../sdk/agreement-terms.js';

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
    // The hash shown is the one a party signs (`agreement accept --expect-hash`): it must be of the terms shown.
    checkTermsAsRead(agreement, 'not shown: whoever answered changed them');
    return { data: agreement, lines: agreementLines(agreement) };
  },
});
