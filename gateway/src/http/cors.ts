/**
 * Cross-origin requests from browsers (RFC 9110 OPTIONS, Fetch CORS): none are allowed unless the operator
 * names origins (RDX_CORS_ORIGINS). An allowed origin may call any route with a Bearer token — there are no
 * cookies, so credentials are never allowed — and reads the headers a client needs (request id, Retry-After,
 * the authentication challenge). A preflight from any other origin is answered without permission, which a
 * browser reads as a refusal. OPTIONS on a known path names its methods in `Allow`.
 */
import type { RequestHandler } from 'express';

const EXPOSED = 'X-Request-Id, Retry-After, WWW-Authenticate, ETag';
const REQUEST_HEADERS = 'Authorization, Content-Type, If-None-Match';
const PREFLIGHT_MAX_AGE_S = '600';

export function cors(origins: readonly string[], allowedAt: (path: string) => string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined) res.vary('Origin');
    const granted = origin !== undefined && allowed.has(origin);
    if (granted) res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED });
    if (req.method !== 'OPTIONS') return next();
    const methods = allowedAt(req.path);
    if (methods.length === 0) return next(); // an unknown path: 404 as for any method
    res.set('Allow', [...methods, 'OPTIONS'].join(', '));
    if (granted && req.get('access-control-request-method'))
      res.set({
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': REQUEST_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_S,
      });
    res.status(204).end();
  };
}
