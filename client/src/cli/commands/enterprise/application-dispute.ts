/** `rdx application dispute`: the enterprise disputes a body's rejection before re-review (→ coordination). */
import { arg, defineCommand, reqString } from '../../command.js';
import { applicationLines, relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['application', 'dispute'],
  roles: ['enterprise'],
  summary: '异议 dispute an opening body’s rejection; the bureau then calls a coordination meeting',
  args: ['<id>'],
  options: [
    { flags: '--body <mspId>', description: '开放主体 the body whose rejection is disputed', required: true },
    { flags: '--reason <text>', description: '理由 why the demand is reasonable', required: true },
  ],
  async run(ctx, inv) {
    const reason = requireReason(reqString(inv.opts, 'reason'), '--reason');
    const w = await ctx
      .enterprise(true)
      .dispute({ applicationId: arg(inv, 0), body: reqString(inv.opts, 'body'), reason });
    return relayedResult('application', w, [
      `${TERMS.application} ${w.data.id}: 异议已提出 disputed`,
      ...applicationLines(w.data),
    ]);
  },
});
