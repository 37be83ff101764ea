/** `rdx dataset register`: an opening body registers one of its datasets in the catalog. */
import { defineCommand, reqString } from '../../command.js';
import { committedData, datasetLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { readJsonFile } from '../../../sdk/inputs.js';
import type { DatasetInput } from '../../../sdk/types.js';

export default defineCommand({
  path: ['dataset', 'register'],
  roles: ['body'],
  summary: '登记数据集 register a dataset of this opening body (its items, open attribute, format)',
  options: [
    {
      flags: '--file <json>',
      description: 'the dataset: { id, name, openAttribute, format, updateFrequency, items[] }',
      required: true,
    },
  ],
  help: 'Example file: docs/CLI.md. Items: { name (snake_case), label, type, personal }; personal items are masked by the gateway.',
  async run(ctx, { opts }) {
    const dataset = readJsonFile<DatasetInput>(reqString(opts, 'file'), 'dataset');
    const c = await ctx.ledger().catalog.register(dataset);
    return {
      data: committedData('dataset', c),
      lines: [`${TERMS.dataset} ${c.value.id} 已登记 registered`, ...datasetLines(c.value), txLine(c)],
    };
  },
});
