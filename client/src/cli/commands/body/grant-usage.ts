/**
 * `rdx grant usage <id>`: an opening body reads one of its grants' interface calls per day on the gateway
 * (allowed and denied, with the reasons), signed with the `--as` Fabric identity (its admin or a reviewer).
 */
import { arg, defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';
import { requireInt } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['grant', 'usage'],
  roles: ['body'],
  summary: `${TERMS.interfaceCall}: one of your grants' calls per day, allowed and denied`,
  args: ['<id>'],
  options: [{ flags: '--days <n>', description: 'how many days back, today last (default 30)' }],
  async run(ctx, inv) {
    const days = requireInt(optString(inv.opts, 'days') ?? '30', '--days', 1, 366);
    const stats = await ctx
      .publicGateway()
      .bodyGrantStats(ctx.ledger().connection.identity, arg(inv, 0), days);
    return {
      data: stats,
      lines: [
        `${TERMS.grant} ${stats.grant.id} (${stats.grant.enterprise}, ${stats.grant.dataset}): ${stats.allow} allowed, ${stats.deny} denied in ${days} days on ${stats.gatewayId}`,
        ...table(
          ['day', 'allowed', 'denied'],
          stats.days.filter((d) => d.allow || d.deny).map((d) => [d.day, String(d.allow), String(d.deny)]),
        ),
      ],
    };
  },
});
