/**
 * Access tokens: ES256 JWTs of at most 15 minutes for one enterprise (`sub` = its credit code), one regulator
 * (`sub` = its client id) or one console account of an opening body (`sub` = its client id, `org` = the body's
 * MSP), with a `role` claim saying which. Verification pins the algorithm and checks the key id, issuer,
 * audience, expiry, not-before and the role the caller expects (enterprise unless said otherwise; a token
 * without the claim is an enterprise's, as every token was before roles existed).
 */
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LruMap } from '../lib/lru-map.js';
import type { SigningKeys } from './signing-keys.js';

export interface TokenClaims {
  sub: string;
  iss: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  role: TokenRole;
  /** A body's token: the body (MSP id) whose console account it is. */
  org?: string;
}

export type TokenRole = 'enterprise' | 'regulator' | 'body';

const ROLES: readonly unknown[] = ['enterprise', 'regulator', 'body'] satisfies TokenRole[];

/** How a refusal names the token it got. */
export const TOKEN_OF: Record<TokenRole, string> = {
  enterprise: "an enterprise's token",
  regulator: "a regulator's token",
  body: "an opening body's console token",
};

export class TokenError extends Error {
  override name = 'TokenError';
}

/** A valid token of the other kind (an enterprise's at a regulator endpoint, or the reverse): 403, not 401. */
export class TokenRoleError extends TokenError {
  override name = 'TokenRoleError';
  constructor(
    /** The role the token has. */
    readonly actual: TokenRole,
    wanted: TokenRole,
  ) {
    super(`this is ${TOKEN_OF[actual]}; this endpoint takes ${wanted} tokens`);
  }
}

/** Verified tokens remembered at most (oldest forgotten first). */
const MAX_CACHED = 10_000;

export class TokenService {
  private readonly verified = new LruMap<string, { claims: TokenClaims; kid: string }>(MAX_CACHED);
  /** Tokens their holders revoked (a console's logout), by jti, with their expiry (ms): refused until then. */
  private readonly revoked = new Map<string, number>();
  /**
   * Tokens issued before this second (a token's `iat` is in whole seconds) are refused: the record of revoked
   * ones was lost then.
   */
  private issuedBeforeUnknown: number | undefined;

  constructor(
    private readonly keys: SigningKeys,
    readonly issuer: string,
    readonly audience: string,
    readonly ttlSeconds: number,
  ) {}

  /** @param org the body a console account belongs to (role `body` only). */
  issue(
    creditCode: string,
    role: TokenRole = 'enterprise',
    org?: string,
  ): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const key = this.keys.current();
    const token = jwt.sign(role === 'body' ? { role, org } : { role }, key.privateKey, {
      algorithm: 'ES256',
      keyid: key.kid,
      issuer: this.issuer,
      audience: this.audience,
      subject: creditCode,
      expiresIn: this.ttlSeconds,
      notBefore: 0,
      jwtid: crypto.randomUUID(),
    });
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /**
   * @param role the role the caller needs (enterprise unless said otherwise), or 'any' to read it from the claims.
   * @throws TokenError saying what is wrong (never which secret would have worked).
   */
  verify(token: string, role: TokenRole | 'any' = 'enterprise'): TokenClaims {
    // Tokens share one lifetime, so the first set is the first to expire: a hit is not moved (see LruMap.peek).
    const cached = this.verified.peek(token);
    const claims = cached ? this.fromCache(token, cached, role) : this.verifySignature(token, role);
    if (this.revoked.size > 0 && this.revoked.has(claims.jti))
      throw new TokenError('the token was revoked (its holder logged out): ask for a new one');
    if (this.issuedBeforeUnknown !== undefined && (claims.iat ?? claims.nbf) < this.issuedBeforeUnknown)
      throw new TokenError(
        "the token was issued before the gateway's record of ended tokens was lost, so it may have been ended: ask for a new one",
      );
    // A signature checked once stays checked: remember the claims (until expiry) instead of redoing ES256
    // verification on every call, which was the gateway's largest single cost per request.
    if (!cached)
      this.verified.set(token, { claims, kid: String(jwt.decode(token, { complete: true })?.header.kid) });
    return claims;
  }

  /**
   * The record of revoked tokens was made anew at `lostAt` (ms), where it had existed (a file lost, emptied or
   * moved aside): any token issued before then may have been revoked, and is refused (each lives 15 minutes at
   * most, so this refuses nothing for long; their holders ask for new ones).
   */
  refuseIssuedBefore(lostAt: number): void {
    this.issuedBeforeUnknown = Math.floor(lostAt / 1000);
  }

  /** Refuses the token `jti` from now until it expires (`expiresAtMs`); an expired one is refused anyway. */
  revoke(jti: string, expiresAtMs: number): void {
    if (expiresAtMs > Date.now()) this.revoked.set(jti, expiresAtMs);
  }

  /**
   * Takes in the revocations kept in the gateways' shared store (those made at a sibling gateway, or before a
   * restart), and forgets those expired.
   */
  learnRevoked(revoked: ReadonlyMap<string, number>): void {
    for (const [jti, expiresAtMs] of revoked) this.revoke(jti, expiresAtMs);
    const now = Date.now();
    for (const [jti, expiresAtMs] of this.revoked) if (expiresAtMs <= now) this.revoked.delete(jti);
  }

  private fromCache(
    token: string,
    cached: { claims: TokenClaims; kid: string },
    role: TokenRole | 'any',
  ): TokenClaims {
    const now = Date.now() / 1000;
    const { claims } = cached;
    if (claims.exp + 5 < now) {
      this.verified.delete(token);
      throw new TokenError('the token has expired');
    }
    if (claims.nbf - 5 > now) throw new TokenError('the token is not valid yet');
    // A key taken out of the folder (compromised, rotated away) invalidates its tokens at once.
    if (!this.keys.find(cached.kid)) {
      this.verified.delete(token);
      throw new TokenError('the token was not signed by a key of this platform');
    }
    if (role !== 'any' && claims.role !== role) throw new TokenRoleError(claims.role, role);
    return claims;
  }

  private verifySignature(token: string, role: TokenRole | 'any'): TokenClaims {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string')
      throw new TokenError('the access token is not a JWT');
    if (decoded.header.alg !== 'ES256')
      throw new TokenError(`alg ${decoded.header.alg} is not accepted; tokens are ES256`);
    const key = decoded.header.kid ? this.keys.find(decoded.header.kid) : undefined;
    if (!key) throw new TokenError('the token was not signed by a key of this platform');
    try {
      const claims = jwt.verify(token, key.publicKey, {
        algorithms: ['ES256'],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: 5,
      }) as Partial<TokenClaims>;
      if (
        typeof claims.sub !== 'string' ||
        typeof claims.exp !== 'number' ||
        typeof claims.nbf !== 'number'
      ) {
        throw new TokenError('the token lacks sub, exp or nbf');
      }
      if (claims.exp - (claims.iat ?? claims.nbf) > 900)
        throw new TokenError('the token lives longer than 15 minutes');
      const actual = claims.role ?? 'enterprise';
      if (!ROLES.includes(actual)) throw new TokenError('the token has an unknown role');
      if (actual === 'body' && typeof claims.org !== 'string')
        throw new TokenError("a body's token must name its body (org)");
      if (role !== 'any' && actual !== role) throw new TokenRoleError(actual, role);
      return { ...claims, role: actual } as TokenClaims;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      const e = err as Error;
      const why =
        e.name === 'TokenExpiredError'
          ? 'the token has expired'
          : e.name === 'NotBeforeError'
            ? 'the token is not valid yet'
            : `the token is invalid (${e.message})`;
      throw new TokenError(why);
    }
  }
}
