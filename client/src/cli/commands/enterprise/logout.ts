/**
 * `rdx logout`: ends the stored token at the gateway (RFC 7009), so a copy of the token file opens nothing
 * afterwards, and forgets it here — forgotten even when the gateway cannot be reached (said so).
 */
import { defineCommand } from '../../command.js';
import { loadToken, removeToken } from '../../token-store.js';
import { endToken } from './end-token.js';

export default defineCommand({
  path: ['logout'],
  roles: ['enterprise'],
  summary: '退出 end the stored token at the gateway and forget it here',
  async run(ctx) {
    const stored = loadToken(ctx.gatewayUrl, ctx.env);
    const ended = stored ? await endToken(ctx, stored.accessToken) : false;
    const removed = removeToken(ctx.gatewayUrl, ctx.env);
    const lines = [
      removed ? `已退出 logged out of ${ctx.gatewayUrl}` : `no stored login for ${ctx.gatewayUrl}`,
    ];
    if (typeof ended === 'string')
      lines.push(`the gateway could not end the token (${ended}): it stays valid until it expires`);
    return { data: { gateway: ctx.gatewayUrl, removed, revoked: ended === true }, lines };
  },
});
