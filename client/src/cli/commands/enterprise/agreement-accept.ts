/** `rdx agreement accept`: the enterprise signs the agreement's termsHash with its key. */
import { arg, defineCommand, optString } from '../../command.js';
import { agreementLines, relayedResult } from '../../format.js';
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
    return relayedResult('agreement', w, [
      `${TERMS.agreement} ${w.data.id} 已签署 signed → ${stateLabel(w.data.state)}`,
      ...agreementLines(w.data),
    ]);
  },
});
