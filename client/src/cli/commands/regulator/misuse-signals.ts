/**
 * `rdx misuse-signals`: the misuse signals a gateway raised (风险预警, docs/TRACE.md), newest first, for a
 * regulator with its client credentials — every body's, or `--body` one's. A strong signal shows the command
 * that suspends the grant, which the owning body runs if it agrees.
 */
import { defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { requireInt } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['misuse-signals'],
  roles: ['regulator'],
  summary:
    '风险预警 the misuse signals the gateway raised: volume, walks, probing, refusals, off-hours, new addresses',
  options: [
    { flags: '--body <mspId>', description: 'one opening body’s grants only' },
    { flags: '--limit <n>', description: 'at most this many, newest first (1–500, default 100)' },
  ],
  async run(ctx, inv) {
    const body = optString(inv.opts, 'body');
    const limitOpt = optString(inv.opts, 'limit');
    const limit = limitOpt === undefined ? 100 : requireInt(limitOpt, '--limit', 1, 500);
    const signals = await ctx.regulatorGateway().misuseSignals({ ...(body ? { body } : {}), limit });
    return {
      data: signals,
      lines: signals.length
        ? table(
            ['at', 'signal', 'strength', 'grant', 'body', 'measured', 'proposal'],
            signals.map((s) => [
              s.at,
              s.kind,
              s.strength,
              s.grantId ?? `${s.enterprise ?? '?'}/${s.datasetId ?? '?'}`,
              s.body ?? '—',
              `${s.measure} ≥ ${s.threshold}`,
              s.proposal?.command ?? '—',
            ]),
          )
        : ['风险预警 misuse signals: 无 none'],
    };
  },
});
