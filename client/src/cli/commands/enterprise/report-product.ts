/** `rdx report product`: the enterprise publishes its product (数据产品发布, due within 3 months, L21). */
import { arg, defineCommand, optString, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
import { chinaToday } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['report', 'product'],
  roles: ['enterprise'],
  summary: '数据产品发布 product publication for an agreement (L21)',
  args: ['<agreementId>'],
  options: [
    { flags: '--name <name>', description: '产品名称 product name', required: true },
    { flags: '--address <url>', description: '发布地址 where it is published (http/https)', required: true },
    { flags: '--published-on <date>', description: '发布日期 YYYY-MM-DD (default today)' },
  ],
  async run(ctx, inv) {
    const w = await ctx.enterprise(true).publishProduct({
      agreementId: arg(inv, 0),
      name: reqString(inv.opts, 'name'),
      address: reqString(inv.opts, 'address'),
      publishedOn: optString(inv.opts, 'publishedOn') ?? chinaToday(),
    });
    return relayedResult('duty', w, [`${TERMS.product} ${w.data.id} 已登记 recorded`]);
  },
});
