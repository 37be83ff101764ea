/**
 * `rdx complaints`: complaints and opinions (no complainants): every one for the bureau and regulators, those
 * about its own data for an opening body. Every page is read.
 */
import { defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { stateLabel } from '../../terms.js';
import type { Complaint } from '../../../sdk/types.js';

export default defineCommand({
  path: ['complaints'],
  roles: ['body', 'bureau', 'regulator'],
  summary: '投诉举报 complaints and opinions about the data, with their state and due date',
  options: [{ flags: '--state <state>', description: '状态 state', choices: ['OPEN', 'RESOLVED'] }],
  async run(ctx, inv) {
    const state = optString(inv.opts, 'state') as Complaint['state'] | undefined;
    const complaints: Complaint[] = [];
    let bookmark = '';
    do {
      const page = await ctx.ledger().complaint.list({ state }, { pageSize: 200, bookmark });
      complaints.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    return {
      data: complaints,
      lines: complaints.length
        ? table(
            ['id', 'state', 'category', 'dataset', 'grant', 'body', 'due', 'notified'],
            complaints.map((c) => [
              c.id,
              stateLabel(c.state),
              c.category ?? '',
              c.datasetId,
              c.grantId ?? (c.suspendedGrants ? `(${c.suspendedGrants} suspended)` : ''),
              c.body,
              c.deadline.due,
              c.notification?.notifiedOn ?? '',
            ]),
          )
        : ['投诉举报 complaints: 无 none'],
    };
  },
});
