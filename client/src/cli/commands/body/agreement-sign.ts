/** `rdx agreement sign`: the owning body signs, pinning the terms it read by their hash. */
import { arg, defineCommand, optString } from '../../command.js';
import { agreementLines, committedData, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { checkTermsToSign } from '../../../sdk/agreement-terms.js';

export default defineCommand({
  path: ['agreement', 'sign'],
  roles: ['body'],
  summary: '签署协议 sign the agreement as the opening body (in force once the enterprise signed too)',
  args: ['<id>'],
  options: [
    {
      flags: '--expect-hash <termsHash>',
      description: 'refuse unless the terms still have this hash (as read earlier)',
    },
  ],
  async run(ctx, inv) {
    const ledger = ctx.ledger();
    const current = await ledger.agreement.get(arg(inv, 0));
    checkTermsToSign(current, optString(inv.opts, 'expectHash'));
    const c = await ledger.agreement.signAsBody({ id: current.id, termsHash: current.termsHash });
    return {
      data: committedData('agreement', c),
      lines: [
        `${TERMS.agreement} ${c.value.id} 已签署 signed → ${stateLabel(c.value.state)}`,
        ...agreementLines(c.value),
        txLine(c),
      ],
    };
  },
});
