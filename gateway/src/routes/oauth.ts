/**
 * OAuth2 client credentials (RFC 6749 §4.4) for enterprises: a client secret (Basic or in the body), or
 * `private_key_jwt` (RFC 7523) signed with the ES256 key the enterprise registered on the ledger; for
 * regulators (role `regulator` in the ClientRegistry) and opening bodies' console accounts (role `body`): a
 * client secret. Issues ES256 access tokens; publishes
 * the verification keys as a JWKS. Every attempt passes the login guard first (limits per address and client
 * id, lockout after failures, secret hashes off the event loop).
 */
import express, { type Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { callerNetwork } from '../http/caller-address.js';
import { lateRefusals } from '../http/late-refusal.js';
import { apiRouter } from '../http/routing.js';
import jwt from 'jsonwebtoken';
import { LoginGuard } from '../auth/login-guard.js';
import type { ClientRole } from '../auth/client-registry.js';
import { TokenError, type TokenClaims } from '../auth/token-service.js';
import type { Services } from '../services.js';
import { Problem, problemOf, type ProblemCode } from '../problem.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** An assertion may live at most this long; its jti is remembered as long, so it cannot be replayed. */
const MAX_ASSERTION_SECONDS = 300;
/** How long a used assertion is remembered past its expiry: the gateways' clocks may differ by less. */
export const KEPT_PAST_EXPIRY_MS = 5 * 60_000;

function invalidClient(detail: string): Problem {
  return new Problem('INVALID_CLIENT', detail);
}

function invalidRequest(detail: string): Problem {
  return new Problem('BAD_REQUEST', detail);
}

/**
 * A form or JSON body of the token endpoints, refused where it would read as empty: a body of another type (Express
 * leaves it unparsed, and `grant_type` seemed missing), or a parameter given more than once (its value a list, and
 * it seemed missing too).
 */
function oauthBody(req: Request, names: readonly string[]): Record<string, unknown> {
  const sent = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
  if (sent && !req.is(['application/x-www-form-urlencoded', 'application/json']))
    throw invalidRequest(
      `the body must be application/x-www-form-urlencoded (or application/json), not ${(req.get('content-type') ?? 'untyped').slice(0, 80)}`,
    );
  const body = (req.body ?? {}) as Record<string, unknown>;
  // Only a form repeats a parameter: a list in JSON is a value of the wrong type, refused as the value it is.
  if (req.is('application/x-www-form-urlencoded'))
    for (const name of names) {
      const value = body[name];
      if (Array.isArray(value)) throw invalidRequest(`${name} was given ${value.length} times: give it once`);
    }
  return body;
}

/** The RFC 6749 §5.2 error code of each refusal the token endpoint answers with. */
const OAUTH_ERRORS: Partial<Record<ProblemCode, string>> = {
  INVALID_CLIENT: 'invalid_client',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  // RFC 6749 names no error for "too many attempts"; a standard client treats this one as "try later".
  RATE_LIMITED: 'temporarily_unavailable',
};

/**
 * Errors of the token endpoint as OAuth clients read them (RFC 6749 §5.2): `application/json` with `error` and
 * `error_description` — `openid-client` and the like refuse a problem+json answer there. Our own `code` rides
 * along for the SDK and the CLI's hints. A client that tried HTTP Basic gets the Basic challenge with its 401.
 */
const oauthErrorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  const problem = problemOf(err);
  if (!problem || res.headersSent) return next(err);
  const challenge: Record<string, string> =
    problem.code === 'INVALID_CLIENT' && /^Basic\s/i.test(req.get('authorization') ?? '')
      ? { 'WWW-Authenticate': 'Basic realm="rdx", charset="UTF-8"' }
      : {};
  res
    .set({ ...problem.headers, ...challenge, 'Cache-Control': 'no-store', Pragma: 'no-cache' })
    .status(problem.status)
    .json({
      error: OAUTH_ERRORS[problem.code] ?? 'invalid_request',
      error_description: problem.detail,
      code: problem.code,
    });
};

/** Client id and secret from HTTP Basic or the body, as the token endpoint reads them; undefined if absent. */
function secretCredentials(
  req: Request,
  body: Record<string, unknown>,
): { id: string; secret: string } | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('malformed Basic credentials');
    try {
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    } catch {
      throw invalidClient('malformed Basic credentials');
    }
  }
  if (typeof body.client_id === 'string' && typeof body.client_secret === 'string')
    return { id: body.client_id, secret: body.client_secret };
  return undefined;
}

/**
 * RFC 6749 §2.3: a client uses one authentication method per request — HTTP Basic, a secret in the body, or a
 * client assertion — never two, so no part of a request goes unchecked while another part authenticates.
 */
function oneAuthenticationMethod(req: Request, body: Record<string, unknown>): void {
  const used = [
    /^Basic\s/i.test(req.get('authorization') ?? '') && 'HTTP Basic',
    body.client_secret !== undefined && 'client_secret in the body',
    (body.client_assertion !== undefined || body.client_assertion_type !== undefined) && 'client_assertion',
  ].filter(Boolean);
  if (used.length > 1)
    throw invalidRequest(`use one client authentication method per request, not ${used.join(' and ')}`);
  if (body.client_assertion !== undefined && body.client_assertion_type !== ASSERTION_TYPE)
    throw invalidRequest(`client_assertion_type must be ${ASSERTION_TYPE}`);
}

/** Longest client id there is (a credit code is 18 characters; a console account's id, a few dozen). */
const MAX_CLIENT_ID = 64;

/**
 * The client id a request with a secret claims to be, before anything is verified: what the guard counts
 * attempts by (a signed assertion is not counted by its client id). One longer than any client id is no client's,
 * and not remembered: a stranger sending ever new 16 KB ids would otherwise fill the guard's table with them.
 */
function claimedSecretClient(req: Request, body: Record<string, unknown>): string | undefined {
  let claimed: string | undefined;
  try {
    claimed = secretCredentials(req, body)?.id;
  } catch {
    return undefined;
  }
  return claimed !== undefined && claimed.length <= MAX_CLIENT_ID ? claimed : undefined;
}

export function oauthRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();
  const guard = s.loginGuard ?? new LoginGuard();
  const refused = (what: keyof LoginGuard['counts'], help: string): void =>
    s.metrics.gauge(
      `rdx_token_${what.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
      help,
      () => guard.counts[what],
    );
  refused('refusedRate', 'Token requests refused for their rate (per address or client id)');
  refused('refusedLockout', 'Token requests refused while a client id or address is locked out');
  refused('refusedBusy', 'Token requests refused because the secret-hash queue was full');
  refused('failures', 'Token requests that failed client authentication');
  s.metrics.gauge(
    'rdx_token_guard_tracked',
    'Source addresses and client ids the token endpoint remembers attempts of',
    () => guard.tracked,
  );
  const tokenEndpoint = `${s.config.issuer}/oauth/token`;

  async function clientFromAssertion(body: Record<string, unknown>): Promise<string> {
    const assertion = typeof body.client_assertion === 'string' ? body.client_assertion : '';
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw invalidClient('client_assertion is not a JWT');
    if (decoded.header.alg !== 'ES256') throw invalidClient('client_assertion must be signed with ES256');
    const clientId = decoded.payload.sub ?? '';
    // RFC 7521 §4.2: a client_id sent beside the assertion must name the same client.
    if (body.client_id !== undefined && body.client_id !== clientId)
      throw invalidClient('client_id does not name the client of client_assertion');
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
    if (claims.jti.length > 256) throw invalidClient('client_assertion jti is too long');
    // Used before the store of used assertions was lost, an assertion was issued (iat) no later than 5 s past
    // that instant and expires less than its longest life after it: either check tells a new one from it.
    const lost = s.replays.lostBefore;
    if (
      lost !== undefined &&
      claims.exp * 1000 < lost + MAX_ASSERTION_SECONDS * 1000 &&
      !(typeof claims.iat === 'number' && claims.iat * 1000 >= lost + 5000)
    )
      throw invalidClient(
        `client_assertion may have been used before ${new Date(lost).toISOString()}, when this gateway's record of used assertions was made anew: make a new one (with iat)`,
      );
    // Kept where every gateway sees it (PostgreSQL when shared): used once, at any gateway. Kept past its expiry
    // for a sibling gateway whose clock runs ahead, which drops what its own clock says expired: kept until just
    // its expiry, an assertion was taken again at a gateway two minutes behind (a clock stepped back, likewise).
    if (!(await s.replays.use(clientId, claims.jti, claims.exp * 1000 + KEPT_PAST_EXPIRY_MS)))
      throw invalidClient('client_assertion was already used');
    return clientId;
  }

  /** The client a secret authenticates, with its role; INVALID_CLIENT otherwise. */
  async function clientFromSecret(
    req: Request,
    body: Record<string, unknown>,
  ): Promise<{ clientId: string; role: ClientRole }> {
    const creds = secretCredentials(req, body);
    if (!creds?.id || !creds.secret)
      throw invalidClient('authenticate with client_id and client_secret, or with private_key_jwt');
    if (creds.id.length > MAX_CLIENT_ID || creds.secret.length > 256)
      throw invalidClient('unknown client or wrong secret');
    const role = s.clients.roleOf(creds.id) ?? 'enterprise';
    const hash = guard.scrypt.bind(guard);
    if (!(await s.clients.verifyAsync(creds.id, creds.secret, role, hash)))
      throw invalidClient('unknown client or wrong secret');
    return { clientId: creds.id, role };
  }

  r.post(
    '/oauth/token',
    (req, _res, next) => {
      guard.admitAddress(callerNetwork(req));
      next();
    },
    express.urlencoded({ extended: false, limit: '16kb' }),
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const body = oauthBody(req, [
        'grant_type',
        'client_id',
        'client_secret',
        'client_assertion',
        'client_assertion_type',
      ]);
      if (body.grant_type === undefined || body.grant_type === '')
        throw invalidRequest('grant_type is missing: send grant_type=client_credentials');
      if (body.grant_type !== 'client_credentials')
        throw new Problem('UNSUPPORTED_GRANT_TYPE', 'grant_type must be client_credentials');
      oneAuthenticationMethod(req, body);
      const address = callerNetwork(req);
      const withSecret = body.client_assertion_type !== ASSERTION_TYPE;
      const claimed = withSecret ? claimedSecretClient(req, body) : undefined;
      guard.admitClient(claimed, address, withSecret);
      let client: { clientId: string; role: ClientRole };
      try {
        client =
          body.client_assertion_type === ASSERTION_TYPE
            ? { clientId: await clientFromAssertion(body), role: 'enterprise' }
            : await clientFromSecret(req, body);
        if (client.role === 'enterprise' && !s.view.enterprises.has(client.clientId))
          throw invalidClient(`${client.clientId} is not an onboarded enterprise`);
        // A console account of a body the bureau removed from the platform: its body reads nothing any more.
        if (client.role === 'body' && s.view.removedBodies.has(s.clients.orgOf(client.clientId) ?? ''))
          throw invalidClient(`${client.clientId}'s body was removed from the platform`);
      } catch (err) {
        if (err instanceof Problem && err.code === 'INVALID_CLIENT')
          guard.failed(address, claimed, withSecret);
        throw err;
      }
      guard.succeeded(client.clientId, address);
      res.json(
        s.tokens.issue(
          client.clientId,
          client.role,
          client.role === 'body' ? s.clients.orgOf(client.clientId) : undefined,
        ),
      );
    },
  );

  r.use('/oauth/token', lateRefusals(s.config.rateRefusalDelayMs), oauthErrorHandler);

  // RFC 7009: the holder of an access token ends it (the console's logout, rdx logout). Holding it is the right
  // to: it is refused from then on, at every gateway of the platform (kept in their shared store until it would
  // have expired). A token invalid, expired or revoked already is answered alike (§2.2): nothing to end.
  r.post(
    '/oauth/revoke',
    anonymous,
    express.urlencoded({ extended: false, limit: '16kb' }),
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const body = oauthBody(req, ['token', 'token_type_hint']);
      if (typeof body.token !== 'string' || body.token === '')
        throw invalidRequest('token is missing: send token=<the access token to end>');
      let claims: TokenClaims | undefined;
      try {
        claims = s.tokens.verify(body.token, 'any');
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
      }
      if (claims) {
        await s.replays.revoke(claims.jti, claims.exp * 1000);
        s.tokens.revoke(claims.jti, claims.exp * 1000);
      }
      res.json({});
    },
  );
  r.use('/oauth/revoke', oauthErrorHandler);

  // RFC 8414: what a standard client needs to find the token endpoint and the keys by itself.
  r.get('/.well-known/oauth-authorization-server', anonymous, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json({
      issuer: s.config.issuer,
      token_endpoint: tokenEndpoint,
      revocation_endpoint: `${s.config.issuer}/oauth/revoke`,
      jwks_uri: `${s.config.issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      // No authorization endpoint: enterprises and regulators are clients acting for themselves.
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256'],
      service_documentation: `${s.config.issuer}/openapi.json`,
    });
  });

  r.get('/.well-known/jwks.json', anonymous, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(s.keys.jwks());
  });
  return r;
}
