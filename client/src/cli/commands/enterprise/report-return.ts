/** `rdx report return`: the enterprise returns business data (数据回流, L22): hash and row count on the ledger. */
import { arg, defineCommand, optString, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
import { digestDatasetFile } from '../../../sdk/dataset-file.js';

export default defineCommand({
  path: ['report', 'return'],
  roles: ['enterprise'],
  summary: '数据回流 data return under an agreement: the file’s SHA-256 and row count are recorded',
  args: ['<agreementId>'],
  options: [
    {
      flags: '--file <data>',
      description: 'the returned data (CSV with header, or a JSON array with --format json)',
      required: true,
    },
    { flags: '--format <format>', description: 'file format', choices: ['csv', 'json'], defaultValue: 'csv' },
    { flags: '--dataset <id>', description: 'the dataset the return concerns' },
  ],
  async run(ctx, inv) {
    const digest = await digestDatasetFile(
      reqString(inv.opts, 'file'),
      reqString(inv.opts, 'format') as 'csv' | 'json',
    );
    const w = await ctx.enterprise(true).returnData({
      agreementId: arg(inv, 0),
      datasetId: optString(inv.opts, 'dataset'),
      contentHash: digest.contentHash,
      rowCount: digest.rowCount,
    });
    return relayedResult('duty', w, [
      `${TERMS.dataReturn} ${w.data.id}: ${digest.rowCount} rows, sha256 ${digest.contentHash}`,
    ]);
  },
});
