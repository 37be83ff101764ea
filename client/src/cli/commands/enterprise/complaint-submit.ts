/**
 * `rdx complaint submit`: the enterprise files a complaint or opinion through the gateway (Z21), signed with its
 * key. It gets the complaint's id, its due date and a receipt: `rdx complaint status` shows where it stands.
 */
import { defineCommand, optString, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
import { readInputFile } from '../../../sdk/inputs.js';
import type { ComplaintCategory } from '../../../sdk/types.js';
import { COMPLAINT_SUBJECT_OPTIONS } from '../shared/complaint-options.js';

export default defineCommand({
  path: ['complaint', 'submit'],
  roles: ['enterprise'],
  summary: '投诉举报 file a complaint or opinion about a dataset (or a grant on it) through the gateway',
  options: [
    ...COMPLAINT_SUBJECT_OPTIONS,
    {
      flags: '--facts-file <file>',
      description: '事实 what happened, UTF-8 text (no ID-card or phone numbers)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const facts = readInputFile(reqString(inv.opts, 'factsFile'), 'facts').toString('utf8').trim();
    const w = await ctx.enterprise(true).fileComplaint({
      datasetId: reqString(inv.opts, 'dataset'),
      grantId: optString(inv.opts, 'grant'),
      kind: reqString(inv.opts, 'kind') as 'complaint' | 'opinion',
      category: reqString(inv.opts, 'category') as ComplaintCategory,
      facts,
    });
    return relayedResult('complaint', { ...w, data: { ...w.data, receipt: w.complaint.receipt } }, [
      `${TERMS.complaint} ${w.complaint.id} 已提交 filed; 办理期限 due ${w.complaint.due}`,
      `  回执 receipt (keep it; rdx complaint status ${w.complaint.id} --receipt …): ${w.complaint.receipt}`,
    ]);
  },
});
