/**
 * Builds the Express app from its services. It never listens: main.ts does, and tests use port 0.
 */
import express, { type Express, type RequestHandler } from 'express';
import { wholeAnswers } from './http/answer-compression.js';
import { chargeRefusals, consoleFilesRate, perAddressRate } from './http/anonymous-rate.js';
import { refuseWhileDatabaseSilent } from './http/database-gate.js';
import { readForwardedCaller } from './http/caller-address.js';
import { lateRefusals } from './http/late-refusal.js';
import { publicComplaintRoutes } from './routes/public-complaints.js';
import { cors } from './http/cors.js';
import { inSequence } from './http/in-sequence.js';
import { allowedMethods, methodNotAllowed } from './http/routing.js';
import { parseQueryOnce } from './http/query-once.js';
import { requestId, securityHeaders } from './http/security.js';
import { Problem, problemHandler } from './problem.js';
import { adminRoutes } from './routes/admin.js';
import { bodyHomeRoutes } from './routes/body-home.js';
import { inboxRoutes } from './routes/inbox.js';
import { homeRoutes } from './routes/home.js';
import { auditRoutes } from './routes/audit.js';
import { dataRoutes } from './routes/data.js';
import { oauthRoutes } from './routes/oauth.js';
import { opsRoutes } from './routes/ops.js';
import { publicRoutes } from './routes/public.js';
import { regulatorRoutes } from './routes/regulator.js';
import { traceRoutes } from './routes/trace.js';
import { consoleRoutes } from './console/static.js';
import { workflowRoutes } from './routes/workflow.js';
import type { Services } from './services.js';

export function createApp(s: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('strict routing', true);
  app.set('case sensitive routing', true);
  const requests = s.metrics.counter('rdx_http_requests_total', 'HTTP requests by route and status');
  // The methods each path takes, read from the routers once: CORS preflights and 405 answers both name them.
  const allowedAt = allowedMethods(app);
  // Requests counted by route and status once answered (the route is known by then).
  const countRequests: RequestHandler = (req, res, next) => {
    res.on('finish', () =>
      requests({
        method: req.method,
        route: String((req.route as { path?: string } | undefined)?.path ?? 'unmatched'),
        status: String(res.statusCode),
      }),
    );
    next();
  };
  const proxies = s.config.trustedProxies;
  // What every request goes through, in one layer of the router (http/in-sequence.ts).
  app.use(
    inSequence(
      // First: every per-address defence after it counts the caller a trusted proxy forwarded for.
      ...(proxies?.any ? [readForwardedCaller(proxies)] : []),
      requestId,
      securityHeaders,
      cors(s.config.corsOrigins ?? [], allowedAt),
      parseQueryOnce,
      countRequests,
      // A database that stopped answering refuses requests at once instead of hanging them for a minute.
      ...(s.database ? [refuseWhileDatabaseSilent(s.database)] : []),
      // Every answer ended whole goes compressed in one call when the client takes it; routes that stream take
      // their own compression (http/answer-compression.ts).
      wholeAnswers,
    ),
  );
  // The routes that take no credentials are limited per address (http/anonymous-rate.ts).
  const anonymous = perAddressRate(s.addressRate);
  // The data calls' routes come first: their paths are no other router's, and each router passed on the way
  // is a dispatch with its own closures and a match per route, paid on the busiest path (a few % of its CPU).
  app.use(dataRoutes(s));
  app.use(
    opsRoutes(s, anonymous),
    oauthRoutes(s, anonymous),
    adminRoutes(s),
    bodyHomeRoutes(s),
    inboxRoutes(s),
    homeRoutes(s),
    workflowRoutes(s),
    publicRoutes(s, anonymous),
    publicComplaintRoutes(s, anonymous),
    auditRoutes(s, anonymous),
  );
  app.use(regulatorRoutes(s), traceRoutes(s));
  // Files for anyone, on a budget per address of their own; below, what no route took, charged to the caller's
  // address like the public routes.
  app.use('/console', consoleFilesRate(s));
  app.use(consoleRoutes());
  app.use(anonymous, methodNotAllowed(allowedAt));
  app.use((req, _res, next) => next(new Problem('NOT_FOUND', `No route for ${req.method} ${req.path}`)));
  app.use(chargeRefusals(s.addressRate), lateRefusals(s.config.rateRefusalDelayMs), problemHandler);
  return app;
}
