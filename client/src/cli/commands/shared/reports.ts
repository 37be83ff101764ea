/**
 * `rdx reports`: the usage, security-incident, product and data-return reports enterprises filed (L7, L18, L21,
 * L22), for the opening body whose agreements they are under, the bureau and regulators. Every page is read.
 */
import { defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import type { Duty } from '../../../sdk/types.js';

export default defineCommand({
  path: ['reports'],
  roles: ['body', 'bureau', 'regulator'],
  summary: '报告 reports enterprises filed: usage, security incidents, products, returned data',
  options: [
    { flags: '--agreement <id>', description: '协议 only those under this agreement (bureau, regulators)' },
    {
      flags: '--kind <kind>',
      description: '种类 kind',
      choices: ['usage-report', 'security-issue', 'product', 'data-return'],
    },
  ],
  async run(ctx, inv) {
    const agreement = optString(inv.opts, 'agreement');
    const kind = optString(inv.opts, 'kind') as Duty['kind'] | undefined;
    const duties: Duty[] = [];
    let bookmark = '';
    do {
      const page = await ctx.ledger().duty.list({ agreement, kind }, { pageSize: 200, bookmark });
      duties.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    return {
      data: duties,
      lines: duties.length
        ? table(
            ['kind', 'id', 'enterprise', 'at', 'detail'],
            duties.map((d) => [d.kind, d.id, d.creditCode, d.at, JSON.stringify(d.detail)]),
          )
        : ['报告 reports: 无 none'],
    };
  },
});
