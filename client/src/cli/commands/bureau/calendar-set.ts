/** `rdx calendar set`: the bureau records one year of the working-day calendar. */
import { defineCommand, reqString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import { readJsonFile } from '../../../sdk/inputs.js';
import type { CalendarYear } from '../../../sdk/types.js';

export default defineCommand({
  path: ['calendar', 'set'],
  roles: ['bureau'],
  summary: '工作日历 set one year of the working-day calendar (holidays and adjusted working days 调休)',
  options: [
    {
      flags: '--file <json>',
      description: '{ "year": 2027, "holidays": [...], "workdays": [...] }',
      required: true,
    },
  ],
  async run(ctx, { opts }) {
    const calendar = readJsonFile<CalendarYear>(reqString(opts, 'file'), 'calendar');
    if (typeof calendar !== 'object' || calendar === null || typeof calendar.year !== 'number')
      throw new InputError(
        'INVALID_ARGUMENT',
        'the calendar file must be { "year": <number>, "holidays": [...], "workdays": [...] }',
      );
    const c = await ctx.ledger().platform.setCalendarYear(calendar);
    return {
      data: committedData('calendar', c),
      lines: [
        `${TERMS.calendar} ${c.value.year}: ${c.value.holidays.length} 节假日 holidays, ${c.value.workdays.length} 调休 adjusted working days`,
        txLine(c),
      ],
    };
  },
});
