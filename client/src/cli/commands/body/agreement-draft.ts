/** `rdx agreement draft`: the owning body drafts the agreement from an approved application. */
import { arg, defineCommand, reqString } from '../../command.js';
import { agreementLines, committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { readJsonFile } from '../../../sdk/inputs.js';
import type { TermsInput } from '../../../sdk/types.js';

export default defineCommand({
  path: ['agreement', 'draft'],
  roles: ['body'],
  summary: '起草协议 draft the agreement for this body’s approved demands (Z17, annex 4)',
  args: ['<applicationId>'],
  options: [
    {
      flags: '--terms-file <json>',
      description:
        '{ datasets[{datasetId, items}], purpose, serviceName, platform, validFrom, validUntil, dailyQuota, dataReturn }',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const terms = readJsonFile<TermsInput>(reqString(inv.opts, 'termsFile'), 'terms');
    const c = await ctx.ledger().agreement.draft({ applicationId: arg(inv, 0), terms });
    return {
      data: committedData('agreement', c),
      lines: [`${TERMS.agreement} ${c.value.id} 已起草 drafted`, ...agreementLines(c.value), txLine(c)],
    };
  },
});
