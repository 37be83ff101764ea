/**
 * OAuth2 client credentials (RFC 6749 §4.4) for enterprises: a client secret (Basic or in the body), or
 * `private_key_jwt` (RFC 7523) signed with the ES256 key the enterprise registered on the ledger. Issues
 * ES256 access tokens; publishes the verification keys as a JWKS.
 */
import express, { Router, type Request } from 'express';
import jwt from 'jsonwebtoken';
import type { Services } from '../services.js';
import { Problem } from '../problem.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** An assertion may live at most this long; its jti is remembered as long, so it cannot be replayed. */
const MAX_ASSERTION_SECONDS = 300;

function invalidClient(detail: string): Problem {
  return new Problem('INVALID_CLIENT', detail, { error: 'invalid_client' });
}

export function oauthRoutes(s: Services): Router {
  const r = Router();
  const seenJti = new Map<string, number>();
  const tokenEndpoint = `${s.config.issuer}/oauth/token`;

  function clientFromAssertion(body: Record<string, unknown>): string {
    const assertion = typeof body.client_assertion === 'string' ? body.client_assertion : '';
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw invalidClient('client_assertion is not a JWT');
    if (decoded.header.alg !== 'ES256') throw invalidClient('client_assertion must be signed with ES256');
    const clientId = decoded.payload.sub ?? '';
    const enterprise = s.view.enterprises.get(clientId);
    if (!enterprise) throw invalidClient('client_assertion names no onboarded enterprise');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(assertion, enterprise.publicKey, {
        algorithms: ['ES256'],
        audience: [tokenEndpoint, s.config.issuer],
        issuer: clientId,
        subject: clientId,
      }) as jwt.JwtPayload;
    } catch (err) {
      throw invalidClient(`client_assertion rejected: ${(err as Error).message}`);
    }
    if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number')
      throw invalidClient('client_assertion needs jti and exp');
    // Judge the lifetime by our clock, not the client's iat: a future iat would stretch it at will.
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (
      claims.exp - nowSeconds > MAX_ASSERTION_SECONDS ||
      (claims.iat !== undefined && claims.iat > nowSeconds + 5)
    ) {
      throw invalidClient(
        `client_assertion may live at most ${MAX_ASSERTION_SECONDS} s and may not be issued in the future`,
      );
    }
    const now = Date.now();
    for (const [jti, until] of seenJti) if (until < now) seenJti.delete(jti);
    const replayKey = `${clientId}:${claims.jti}`;
    if (seenJti.has(replayKey)) throw invalidClient('client_assertion was already used');
    seenJti.set(replayKey, claims.exp * 1000);
    return clientId;
  }

  function clientFromSecret(req: Request, body: Record<string, unknown>): string {
    let id: string | undefined;
    let secret: string | undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw invalidClient('malformed Basic credentials');
      try {
        id = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        throw invalidClient('malformed Basic credentials');
      }
    } else if (typeof body.client_id === 'string' && typeof body.client_secret === 'string') {
      id = body.client_id;
      secret = body.client_secret;
    }
    if (!id || !secret)
      throw invalidClient('authenticate with client_id and client_secret, or with private_key_jwt');
    if (id.length > 64 || secret.length > 256 || !s.clients.verify(id, secret))
      throw invalidClient('unknown client or wrong secret');
    return id;
  }

  r.post(
    '/oauth/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    express.json({ limit: '16kb' }),
    (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials') {
        throw new Problem('UNSUPPORTED_GRANT_TYPE', 'grant_type must be client_credentials', {
          error: 'unsupported_grant_type',
        });
      }
      const clientId =
        body.client_assertion_type === ASSERTION_TYPE
          ? clientFromAssertion(body)
          : clientFromSecret(req, body);
      if (!s.view.enterprises.has(clientId))
        throw invalidClient(`${clientId} is not an onboarded enterprise`);
      res.json(s.tokens.issue(clientId));
    },
  );

  r.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(s.keys.jwks());
  });
  return r;
}
