/**
 * Ends a stored access token at the gateway (RFC 7009), for `rdx logout` and for the login `rdx login` replaces:
 * forgotten here only, a copy of the token file kept working for the token's life.
 */
import type { CliContext } from '../../context.js';

/** True once the gateway ended it; else why it could not (the token then stays valid until it expires). */
export function endToken(ctx: CliContext, accessToken: string): Promise<true | string> {
  return ctx
    .publicGateway()
    .revokeToken(accessToken)
    .then(
      () => true as const,
      (err: unknown) => (err as Error).message,
    );
}
