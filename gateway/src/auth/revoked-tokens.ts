/**
 * The access tokens revoked at any gateway of the platform (POST /oauth/revoke: a console's logout, rdx logout),
 * learnt from the store the gateways share at start and every few seconds: a logout at one gateway ends the
 * token at its siblings too, within that time, and a restart forgets none. A store made anew where one had been
 * (its file lost, emptied, moved aside) knows of none ended before: tokens issued before then are refused.
 */
import type { ReplayStore } from './replay-store.js';
import type { TokenService } from './token-service.js';

/** How often the store is read for revocations made elsewhere. */
export const REVOKED_TOKENS_EVERY_MS = 5000;

/** Learns the revocations now and from then on; the function returned stops it. */
export async function followRevokedTokens(
  tokens: TokenService,
  store: ReplayStore,
  log: (line: string) => void,
): Promise<() => void> {
  if (store.lostBefore !== undefined) tokens.refuseIssuedBefore(store.lostBefore);
  let failing = false;
  const learn = async (): Promise<void> => {
    try {
      tokens.learnRevoked(await store.revokedTokens());
      failing = false;
    } catch (err) {
      // Said once while it lasts: the database's own watch says the rest.
      if (!failing) log(`revoked tokens could not be read: ${(err as Error).message}`);
      failing = true;
    }
  };
  await learn();
  const timer = setInterval(() => void learn(), REVOKED_TOKENS_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
