/**
 * `rdx agreement request-renewal`: the enterprise asks the owning body to renew before the agreement ends
 * (annex 4 三(三): 由利用主体在有效期到期前发起申请); the body approves or declines.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';

export default defineCommand({
  path: ['agreement', 'request-renewal'],
  roles: ['enterprise'],
  summary: '续签申请 ask the opening body to renew the agreement to a new date, before it ends',
  args: ['<id>'],
  options: [
    { flags: '--valid-until <date>', description: '新的有效期 new last day, YYYY-MM-DD', required: true },
  ],
  async run(ctx, inv) {
    const w = await ctx
      .enterprise(true)
      .requestRenewal({ agreementId: arg(inv, 0), validUntil: reqString(inv.opts, 'validUntil') });
    return relayedResult('agreement', w, [
      `${TERMS.agreement} ${w.data.id}: 续签申请已提交 renewal asked to ${w.data.renewalRequest?.validUntil ?? '?'}`,
    ]);
  },
});
