/** `rdx endorsers`: who proposed and who endorsed a committed transaction, read from the peer's ledger (qscc). */
import { arg, defineCommand } from '../../command.js';
import { transactionLines } from '../../format.js';

export default defineCommand({
  path: ['endorsers'],
  roles: ['regulator', 'bureau', 'body'],
  summary: '背书 who endorsed a transaction: endorsing orgs, creator, function, validation',
  args: ['<txId>'],
  async run(ctx, inv) {
    const tx = await ctx.ledger().transactions.get(arg(inv, 0));
    return { data: tx, lines: transactionLines(tx) };
  },
});
