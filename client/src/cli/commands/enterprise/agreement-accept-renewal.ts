/** `rdx agreement accept-renewal`: the enterprise accepts the renewal the body proposed. */
import { arg, defineCommand, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';

export default defineCommand({
  path: ['agreement', 'accept-renewal'],
  roles: ['enterprise'],
  summary: '续期 accept a proposed renewal (the grants run to the new date)',
  args: ['<id>'],
  options: [
    { flags: '--valid-until <date>', description: 'the proposed new last day, YYYY-MM-DD', required: true },
  ],
  async run(ctx, inv) {
    const w = await ctx
      .enterprise(true)
      .acceptRenewal({ agreementId: arg(inv, 0), validUntil: reqString(inv.opts, 'validUntil') });
    return relayedResult('agreement', w, [
      `${TERMS.agreement} ${w.data.id}: 已续期 renewed to ${w.data.terms.validUntil}`,
    ]);
  },
});
