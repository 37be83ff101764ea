/**
 * Access tokens: ES256 JWTs of at most 15 minutes for one enterprise (`sub` = its credit code) or one
 * regulator (`sub` = its client id), with a `role` claim saying which. Verification pins the algorithm and
 * checks the key id, issuer, audience, expiry, not-before and the role the caller expects (enterprise unless
 * said otherwise; a token without the claim is an enterprise's, as every token was before roles existed).
 */
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
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
}

export type TokenRole = 'enterprise' | 'regulator';

export class TokenError extends Error {
  override name = 'TokenError';
}

export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    readonly issuer: string,
    readonly audience: string,
    readonly ttlSeconds: number,
  ) {}

  issue(
    creditCode: string,
    role: TokenRole = 'enterprise',
  ): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const key = this.keys.current();
    const token = jwt.sign({ role }, key.privateKey, {
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
      const actual: unknown = claims.role ?? 'enterprise';
      if (actual !== 'enterprise' && actual !== 'regulator')
        throw new TokenError('the token has an unknown role');
      if (role !== 'any' && actual !== role)
        throw new TokenError(
          `this is ${actual === 'enterprise' ? 'an enterprise' : 'a regulator'}'s token; this endpoint takes ${role} tokens`,
        );
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
