/** `rdx calendar show`: one year of the working-day calendar as on the ledger. */
import { arg, defineCommand } from '../../command.js';
import { TERMS } from '../../terms.js';
import { requireInt } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['calendar', 'show'],
  roles: ['bureau', 'body', 'regulator'],
  summary: '工作日历 show one year of the working-day calendar',
  args: ['<year>'],
  async run(ctx, inv) {
    const calendar = await ctx.ledger().platform.getCalendarYear(requireInt(arg(inv, 0), 'year', 2000, 2100));
    return {
      data: calendar,
      lines: [
        `${TERMS.calendar} ${calendar.year}`,
        `  节假日 holidays: ${calendar.holidays.join(' ')}`,
        `  调休 adjusted working days: ${calendar.workdays.join(' ')}`,
      ],
    };
  },
});
