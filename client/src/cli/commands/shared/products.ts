/** `rdx products`: the data products and services enterprises published with restricted data (L21), public. */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';

export default defineCommand({
  path: ['products'],
  roles: ['anyone'],
  summary: '数据产品 the products and services enterprises published (L21), newest first',
  async run(ctx) {
    const products = await ctx.publicGateway().products();
    return {
      data: products,
      lines: products.length
        ? table(
            ['published', 'product', 'enterprise', 'address'],
            products.map((p) => [p.publishedOn, p.name, p.enterpriseName || p.creditCode, p.address]),
          )
        : ['数据产品 products: 无 none'],
    };
  },
});
