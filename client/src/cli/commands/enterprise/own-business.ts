/**
 * `rdx applications`, `rdx agreements` and `rdx duties`: the enterprise's own, each with its state and the next
 * step — who acts (you, the bureau, the opening bodies) and by when, where the ledger records the day.
 */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';
import type { OwnItem } from '../../../sdk/gateway-api.js';

function lines(items: OwnItem[], none: string): string[] {
  return items.length
    ? table(
        ['id', 'state', 'next', 'by', 'due'],
        items.map((i) => [i.id, i.state, i.next.what, i.next.by, i.next.due ?? '']),
      )
    : [none];
}

export const ownApplications = defineCommand({
  path: ['applications'],
  roles: ['enterprise'],
  summary: `${TERMS.application}: yours, each with its state and next step`,
  async run(ctx) {
    const items = await ctx.enterprise().applications();
    return { data: items, lines: lines(items, `${TERMS.application}: 无 none — rdx apply`) };
  },
});

export const ownAgreements = defineCommand({
  path: ['agreements'],
  roles: ['enterprise'],
  summary: `${TERMS.agreement}: those of your approved applications, each with its next step`,
  async run(ctx) {
    const items = await ctx.enterprise().agreements();
    return { data: items, lines: lines(items, `${TERMS.agreement}: 无 none`) };
  },
});

export const ownDuties = defineCommand({
  path: ['duties'],
  roles: ['enterprise'],
  summary: '义务 what you owe under your agreements in force (product, data return, usage report), by when',
  async run(ctx) {
    const duties = await ctx.enterprise().duties();
    return {
      data: duties,
      lines: duties.length
        ? table(
            ['agreement', 'duty', 'due', 'state', 'what to do'],
            duties.map((d) => [d.agreementId, d.type, d.due, d.state, d.next.what]),
          )
        : ['义务 duties: 无 none (no agreement in force)'],
    };
  },
});
