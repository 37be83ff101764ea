/**
 * `rdx webhooks add|list|remove|test|deliveries`: the webhooks of the enterprise (with its credentials) or of an
 * opening body (`--as`). Deliveries are signed (Standard Webhooks headers) with the secret shown once by `add`;
 * a receiver checks them with the SDK's verifyWebhook.
 */
import { arg, defineCommand, optList, reqString } from '../../command.js';
import { table } from '../../output.js';
import { InputError } from '../../../sdk/errors.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../../sdk/notifications.js';

export const webhooksAdd = defineCommand({
  path: ['webhooks', 'add'],
  roles: ['enterprise', 'body'],
  summary: '回调 register a webhook: HTTPS (or HTTP to this machine), for some kinds or all',
  options: [
    { flags: '--url <url>', description: 'where to deliver', required: true },
    {
      flags: '--kind <kind>',
      description: 'a kind to deliver; repeatable (none: every kind)',
      repeatable: true,
    },
  ],
  async run(ctx, { opts }) {
    const kinds = optList(opts, 'kind');
    const unknown = kinds.filter((k) => !(k in NOTIFICATION_KINDS));
    if (unknown.length)
      throw new InputError(
        'INVALID_ARGUMENT',
        `unknown kind ${unknown.join(', ')}: ${Object.keys(NOTIFICATION_KINDS).join(', ')}`,
      );
    const hook = await ctx
      .notifications()
      .addWebhook({ url: reqString(opts, 'url'), kinds: kinds as NotificationKind[] });
    return {
      data: hook,
      lines: [
        `回调 webhook ${hook.id} → ${hook.url} (${hook.kinds.length ? hook.kinds.join(', ') : 'every kind'})`,
        `密钥 secret: ${hook.secret}`,
        'keep the secret: it is shown only now, and your receiver checks every delivery with it',
      ],
    };
  },
});

export const webhooksList = defineCommand({
  path: ['webhooks', 'list'],
  roles: ['enterprise', 'body'],
  summary: '回调 list your webhooks',
  async run(ctx) {
    const hooks = await ctx.notifications().webhooks();
    return {
      data: hooks,
      lines: hooks.length
        ? table(
            ['id', 'url', 'kinds', 'since'],
            hooks.map((h) => [h.id, h.url, h.kinds.join(',') || 'all', h.createdAt]),
          )
        : ['回调 webhooks: 无 none — rdx webhooks add --url …'],
    };
  },
});

export const webhooksRemove = defineCommand({
  path: ['webhooks', 'remove'],
  roles: ['enterprise', 'body'],
  summary: '回调 remove a webhook (what it was still owed is dropped)',
  args: ['<id>'],
  async run(ctx, inv) {
    const id = arg(inv, 0);
    await ctx.notifications().removeWebhook(id);
    return { data: { removed: id }, lines: [`回调 webhook ${id} removed`] };
  },
});

export const webhooksTest = defineCommand({
  path: ['webhooks', 'test'],
  roles: ['enterprise', 'body'],
  summary: '回调 send a signed test notification to a webhook now',
  args: ['<id>'],
  async run(ctx, inv) {
    const answer = await ctx.notifications().testWebhook(arg(inv, 0));
    if (!answer.delivered)
      throw new InputError('INVALID_STATE', `the receiver did not accept the test (${answer.result})`);
    return { data: answer, lines: [`已送达 delivered: ${answer.result} (id ${answer.id})`] };
  },
});

export const webhooksDeliveries = defineCommand({
  path: ['webhooks', 'deliveries'],
  roles: ['enterprise', 'body'],
  summary: '回调 the delivery log of a webhook: delivered, pending (next try), dead',
  args: ['<id>'],
  async run(ctx, inv) {
    const log = await ctx.notifications().deliveries(arg(inv, 0));
    return {
      data: log,
      lines: log.length
        ? table(
            ['notification', 'kind', 'state', 'attempts', 'last', 'next'],
            log.map((d) => [
              d.notificationId,
              d.kind,
              d.state,
              String(d.attempts),
              d.lastResult ?? '',
              d.nextAt ?? '',
            ]),
          )
        : ['投递 deliveries: 无 none'],
    };
  },
});
