/** `rdx application coordinate`: the bureau settles a disputed or escalated demand after a meeting. */
import { arg, defineCommand, reqString } from '../../command.js';
import { applicationLines, committedData, txLine } from '../../format.js';
import { decisionLabel, TERMS } from '../../terms.js';
import { sha256OfFile } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['application', 'coordinate'],
  roles: ['bureau'],
  summary: '协调会议 coordination: settle a demand escalated or disputed, recording the minutes’ SHA-256',
  args: ['<id>'],
  options: [
    {
      flags: '--body <mspId>',
      description: '开放主体 the opening body whose demand is settled, e.g. MarketMSP',
      required: true,
    },
    {
      flags: '--outcome <outcome>',
      description: '结果 outcome',
      choices: ['approved', 'rejected'],
      required: true,
    },
    {
      flags: '--minutes-file <file>',
      description: '会议纪要 the meeting minutes (kept off-chain; its hash is recorded)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const outcome = reqString(inv.opts, 'outcome') as 'approved' | 'rejected';
    const c = await ctx.ledger().application.coordinate({
      id: arg(inv, 0),
      body: reqString(inv.opts, 'body'),
      outcome,
      minutesHash: sha256OfFile(reqString(inv.opts, 'minutesFile'), 'minutes'),
    });
    return {
      data: committedData('application', c),
      lines: [
        `${TERMS.coordination}: ${reqString(inv.opts, 'body')} ${decisionLabel(outcome)}`,
        ...applicationLines(c.value),
        txLine(c),
      ],
    };
  },
});
