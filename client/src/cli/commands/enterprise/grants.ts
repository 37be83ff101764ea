/** `rdx grants`: the enterprise's grants as the gateway enforces them. */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['grants'],
  roles: ['enterprise'],
  summary: '授权 list this enterprise’s grants: dataset, items, state, validity',
  async run(ctx) {
    const grants = await ctx.enterprise().grants();
    return {
      data: grants,
      lines: grants.length
        ? table(
            ['grant', 'dataset', 'items', 'state', 'valid until', 'quota/day'],
            grants.map((g) => [
              g.id,
              g.datasetId,
              g.items.join(','),
              stateLabel(g.state),
              g.validUntil,
              String(g.dailyQuota),
            ]),
          )
        : [`${TERMS.grant}: 无 none — apply with rdx apply`],
    };
  },
});
