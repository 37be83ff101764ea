/** `rdx dataset show`: a catalog entry as on the ledger (the catalog is public to every identity). */
import { arg, defineCommand } from '../../command.js';
import { datasetLines } from '../../format.js';

export default defineCommand({
  path: ['dataset', 'show'],
  roles: ['body', 'bureau', 'regulator'],
  summary: '数据集 show a dataset and its loaded versions',
  args: ['<id>'],
  async run(ctx, inv) {
    const dataset = await ctx.ledger().catalog.get(arg(inv, 0));
    return { data: dataset, lines: datasetLines(dataset) };
  },
});
