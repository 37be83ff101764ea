/** Bearer token → the enterprise's credit code, or a 401 problem (403 for a regulator's token). */
import type { Request, RequestHandler, Response } from 'express';
import { TokenError, TokenRoleError, type TokenService } from '../auth/token-service.js';
import type { Limiter } from '../enforcement/limiter.js';
import { Problem, rateLimited } from '../problem.js';

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export function authenticate(req: Request, tokens: TokenService): string {
  const token = bearerToken(req);
  if (!token)
    throw new Problem(
      'TOKEN_MISSING',
      'Send an access token: Authorization: Bearer <token> (get one at POST /oauth/token).',
    );
  try {
    return tokens.verify(token).sub;
  } catch (err) {
    // A good token of the other kind is a 403: a client that refreshes its token on a 401 would loop.
    if (err instanceof TokenRoleError) throw new Problem('FORBIDDEN', err.message);
    if (err instanceof TokenError) throw new Problem('TOKEN_INVALID', err.message);
    throw err;
  }
}

/** Requests already charged to their caller's rate: a route that checks its caller twice charges it once. */
const charged = new WeakSet<Request>();

/**
 * Charges the request to its caller's own rate (RDX_CALLER_RATE_PER_SECOND) on the routes that are not data
 * calls, once: several read the ledger at every call (an enterprise's applications, a regulator's timeline, a
 * body's desk), and one caller flooding them slowed every other caller's calls tenfold in a review. `key` keeps
 * each kind of caller apart (a credit code, `regulator <id>`, `body <MSP> <who>`); `named` is what a refusal says.
 * Data calls have their grants' rates instead.
 * @throws Problem RATE_LIMITED (429, Retry-After 1)
 */
export function withinCallerRate(req: Request, s: { callerRate: Limiter }, key: string, named: string): void {
  if (charged.has(req)) return;
  charged.add(req);
  if (!s.callerRate.take(key))
    throw rateLimited(
      `${named} is calling faster than this gateway allows outside data calls; slow down.`,
      1,
    );
}

/** The enterprise behind the token, within its own rate ({@link withinCallerRate}). */
export function authenticateWithinRate(
  req: Request,
  s: { tokens: TokenService; callerRate: Limiter },
): string {
  const creditCode = authenticate(req, s.tokens);
  withinCallerRate(req, s, creditCode, creditCode);
  return creditCode;
}

/**
 * The caller's token, checked before a byte of the body is read (the credit code goes to
 * `res.locals.creditCode`): a caller without one must not have the gateway read and parse a body of up to the
 * route's limit for it. Its refusal goes to the error handler, or to `refuse` (a data route records it).
 */
export function tokenFirst(
  tokens: TokenService,
  refuse?: (req: Request, res: Response, problem: Problem) => Promise<void>,
): RequestHandler {
  return (req, res, next) => {
    try {
      res.locals.creditCode = authenticate(req, tokens);
    } catch (err) {
      if (refuse && err instanceof Problem) return void refuse(req, res, err).catch(next);
      throw err;
    }
    next();
  };
}

/**
 * A body read between two checks of the caller's token ({@link tokenFirst}): before a byte of it, and again once
 * it is in. A body may take until the server's request timeout to arrive, and a token that expired meanwhile, or
 * whose signing key was withdrawn, no longer speaks for its enterprise. The second check is a lookup of the
 * token's verified claims.
 */
export function tokenAroundBody(
  tokens: TokenService,
  readBody: RequestHandler[],
  refuse?: (req: Request, res: Response, problem: Problem) => Promise<void>,
): RequestHandler[] {
  const check = tokenFirst(tokens, refuse);
  return [check, ...readBody, check];
}
