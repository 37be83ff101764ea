/** `rdx complaint status`: where a complaint filed through the platform stands, shown with its receipt. */
import { arg, defineCommand, reqString } from '../../command.js';
import { fields } from '../../output.js';
import { decisionLabel, stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['complaint', 'status'],
  roles: ['anyone'],
  summary: '办理进度 where a complaint filed through the platform stands (needs its receipt)',
  args: ['<id>'],
  options: [
    { flags: '--receipt <receipt>', description: '回执 the receipt given at filing', required: true },
  ],
  async run(ctx, inv) {
    const s = await ctx.publicGateway().complaintStatus(arg(inv, 0), reqString(inv.opts, 'receipt'));
    return {
      data: s,
      lines: fields([
        [TERMS.complaint, s.id],
        ['状态 state', stateLabel(s.state)],
        ['类别 category', s.category],
        [TERMS.dataset, s.datasetId],
        ['期限 due', s.due],
        ['结果 outcome', s.outcome ? `${decisionLabel(s.outcome.decision)} (${s.outcome.at})` : undefined],
        ['告知 notified', s.notifiedOn],
      ]).map((l) => `  ${l}`),
    };
  },
});
