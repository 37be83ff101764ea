/**
 * `rdx agreement approve-renewal` and `decline-renewal`: the owning body answers the enterprise's renewal
 * request — approved, the agreement and its live grants run to the date asked at once; declined, with a reason.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { agreementLines, committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';

export const approveRenewal = defineCommand({
  path: ['agreement', 'approve-renewal'],
  roles: ['body'],
  summary: '同意续签 approve the enterprise’s renewal request (renewed at once)',
  args: ['<id>'],
  async run(ctx, inv) {
    const c = await ctx.ledger().agreement.approveRenewalRequest(arg(inv, 0));
    return {
      data: committedData('agreement', c),
      lines: [
        `${TERMS.agreement} ${c.value.id}: 已续期 renewed to ${c.value.terms.validUntil}`,
        ...agreementLines(c.value),
        txLine(c),
      ],
    };
  },
});

export const declineRenewal = defineCommand({
  path: ['agreement', 'decline-renewal'],
  roles: ['body'],
  summary: '不同意续签 decline the enterprise’s renewal request, with a reason',
  args: ['<id>'],
  options: [{ flags: '--reason <text>', description: '理由 why', required: true }],
  async run(ctx, inv) {
    const c = await ctx
      .ledger()
      .agreement.declineRenewalRequest({ id: arg(inv, 0), reason: reqString(inv.opts, 'reason') });
    return {
      data: committedData('agreement', c),
      lines: [`${TERMS.agreement} ${c.value.id}: 续签申请未获同意 renewal declined`, txLine(c)],
    };
  },
});
