/** `rdx overdue`: every item past its deadline, and duties enterprises missed. */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';

export default defineCommand({
  path: ['overdue'],
  roles: ['bureau', 'regulator'],
  summary: '逾期事项 overdue items: reviews, complaints and enterprise duties past their deadline',
  async run(ctx) {
    const items = await ctx.ledger().query.overdue();
    return {
      data: items,
      lines: items.length
        ? [
            `${TERMS.overdue}: ${items.length}`,
            ...table(
              ['type', 'id', 'step', 'due', 'late (working days)', 'party'],
              items.map((i) => [
                i.type,
                i.id,
                i.step,
                i.due,
                i.workingDaysOverdue === undefined ? '' : String(i.workingDaysOverdue),
                i.party,
              ]),
            ),
          ]
        : [`${TERMS.overdue}: 无 none`],
    };
  },
});
