/** `rdx agreement accept`: the enterprise signs the agreement's termsHash with its key. */
import { arg, defineCommand, optString } from '../../command.js';
import { agreementLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['agreement', 'accept'],
  roles: ['enterprise'],
  summary: '签署协议 sign the agreement (its termsHash) with the enterprise key; in force once both signed',
  args: ['<id>'],
  options: [
    {
      flags: '--expect-hash <termsHash>',
      description: 'refuse unless the terms still have this hash (as shown by agreement show)',
    },
  ],
  async run(ctx, inv) {
    const w = await ctx.enterprise(true).signAgreement(arg(inv, 0), optString(inv.opts, 'expectHash'));
    return {
      data: { txId: w.tx_id, blockNumber: w.block, agreement: w.data },
      lines: [
        `${TERMS.agreement} ${w.data.id} 已签署 signed → ${stateLabel(w.data.state)}`,
        ...agreementLines(w.data),
        txLine({ txId: w.tx_id, blockNumber: w.block }),
      ],
    };
  },
});
