/**
 * `rdx login`: gets an access token with the given credentials and stores it (0600) for this gateway, so the
 * following read commands need no credentials for its lifetime (at most 15 minutes). Commands that sign
 * still need --key-file: the key is never stored.
 */
import { defineCommand } from '../../command.js';
import { CliError } from '../../failure.js';
import { loadToken, saveToken } from '../../token-store.js';
import { endToken } from './end-token.js';

export default defineCommand({
  path: ['login'],
  roles: ['enterprise'],
  summary: '登录 get an access token (client secret or private_key_jwt) and store it for this gateway',
  async run(ctx) {
    const clientId = ctx.globals.clientId ?? ctx.env.RDX_CLIENT_ID;
    if (!clientId)
      throw new CliError(
        'CREDENTIALS_REQUIRED',
        'rdx login needs --client-id with --client-secret or --key-file',
      );
    const session = ctx.enterprise();
    const replaced = loadToken(ctx.gatewayUrl, ctx.env);
    const token = await session.accessToken();
    const file = saveToken(
      ctx.gatewayUrl,
      { clientId, accessToken: token.accessToken, expiresAt: token.expiresAt },
      ctx.env,
    );
    // The same client's login this one replaces is ended at the gateway: overwritten only here, a copy of it kept
    // working. Another client's is not ended behind its back: the line below says it was replaced.
    const sameClient = replaced?.clientId === clientId && replaced.accessToken !== token.accessToken;
    const ended = sameClient ? await endToken(ctx, replaced.accessToken) : undefined;
    const until = new Date(token.expiresAt).toISOString();
    return {
      data: {
        gateway: ctx.gatewayUrl,
        clientId,
        expiresAt: until,
        file,
        replacedRevoked: ended === undefined ? null : ended === true,
      },
      lines: [
        `已登录 logged in to ${ctx.gatewayUrl} as ${clientId} until ${until}`,
        `  token stored in ${file} (mode 0600)`,
        ...(typeof ended === 'string'
          ? [
              `  the gateway could not end the login this replaces (${ended}): it stays valid until it expires`,
            ]
          : []),
        ...(replaced && replaced.clientId !== clientId
          ? [
              `  replaced the stored login of ${replaced.clientId} here (rdx logout first ends it at the gateway)`,
            ]
          : []),
      ],
    };
  },
});
