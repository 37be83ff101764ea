/** `rdx logout`: forgets the stored token for this gateway. */
import { defineCommand } from '../../command.js';
import { removeToken } from '../../token-store.js';

export default defineCommand({
  path: ['logout'],
  roles: ['enterprise'],
  summary: '退出 forget the stored token for this gateway',
  run(ctx) {
    const removed = removeToken(ctx.gatewayUrl, ctx.env);
    return Promise.resolve({
      data: { gateway: ctx.gatewayUrl, removed },
      lines: [removed ? `已退出 logged out of ${ctx.gatewayUrl}` : `no stored login for ${ctx.gatewayUrl}`],
    });
  },
});
