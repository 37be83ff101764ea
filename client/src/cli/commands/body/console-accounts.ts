/**
 * `rdx console-account add|list|remove`: the console accounts of an opening body's staff. Its admin (`--as`,
 * signing with its Fabric identity) makes one per person: a client id and a secret shown only once, with which
 * the person logs in to the console and reads the body's home, inbox and usage; removing it ends its session.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { table } from '../../output.js';

export const consoleAccountAdd = defineCommand({
  path: ['console-account', 'add'],
  roles: ['body', 'bureau'],
  summary: '控制台账号 make a console account for a person of your body (admin); the secret is shown once',
  options: [
    { flags: '--name <name>', description: 'whose account it is (1 to 64 characters)', required: true },
  ],
  async run(ctx, { opts }) {
    const made = await ctx
      .publicGateway()
      .addConsoleAccount(ctx.ledger().connection.identity, reqString(opts, 'name'));
    return {
      data: made,
      lines: [
        `控制台账号 console account ${made.clientId} for ${made.name} (${made.org})`,
        `密钥 secret: ${made.secret}`,
        made.note,
      ],
    };
  },
});

export const consoleAccountList = defineCommand({
  path: ['console-account', 'list'],
  roles: ['body', 'bureau'],
  summary: '控制台账号 your body’s console accounts (never their secrets)',
  async run(ctx) {
    const accounts = await ctx.publicGateway().consoleAccounts(ctx.ledger().connection.identity);
    return {
      data: accounts,
      lines: accounts.length
        ? table(
            ['client id', 'name', 'since'],
            accounts.map((a) => [a.clientId, a.name, a.createdAt]),
          )
        : ['控制台账号 console accounts: 无 none — rdx console-account add --name … --as admin.…'],
    };
  },
});

export const consoleAccountRemove = defineCommand({
  path: ['console-account', 'remove'],
  roles: ['body', 'bureau'],
  summary: '控制台账号 remove a console account of your body (admin); its session ends at once',
  args: ['<client-id>'],
  async run(ctx, inv) {
    const clientId = arg(inv, 0);
    await ctx.publicGateway().removeConsoleAccount(ctx.ledger().connection.identity, clientId);
    return { data: { removed: clientId }, lines: [`已删除 removed ${clientId}`] };
  },
});
