/**
 * While the gateway's database does not answer (store/database-watch.ts), every request that would wait on it is
 * refused at once with 503 STORE_UNAVAILABLE: a data call would read its rows and write its audit record there,
 * a token request its used assertions, and each would hang for the pool's query timeout, a minute, holding its
 * connection meanwhile. Liveness, readiness (which says why), the API description, the token keys and metadata
 * and the console's files do not touch the database and stay served.
 */
import type { RequestHandler } from 'express';
import { Problem, RETRY_WHILE_UNAVAILABLE_S } from '../problem.js';
import type { DatabaseAnswers } from '../store/database-watch.js';

const NEEDS_NO_DATABASE = new Set([
  '/healthz',
  '/readyz',
  '/openapi.json',
  // Those checking the gateway's tokens fetch its keys and metadata: from files and settings.
  '/.well-known/jwks.json',
  '/.well-known/oauth-authorization-server',
]);

export function refuseWhileDatabaseSilent(database: DatabaseAnswers): RequestHandler {
  return (req, _res, next) => {
    const silentFor = database.unansweredFor();
    if (silentFor === undefined || NEEDS_NO_DATABASE.has(req.path) || req.path.startsWith('/console'))
      return next();
    next(
      new Problem(
        'STORE_UNAVAILABLE',
        `The gateway's database has not answered for ${Math.floor(silentFor / 1000)} s, so nothing was served.`,
        {},
        { 'Retry-After': String(RETRY_WHILE_UNAVAILABLE_S) },
      ),
    );
  };
}
