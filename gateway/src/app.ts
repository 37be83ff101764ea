/**
 * Builds the Express app from its services. It never listens: main.ts does, and tests use port 0.
 */
import express, { type Express } from 'express';
import { requestId, securityHeaders } from './http/security.js';
import { Problem, problemHandler } from './problem.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { dataRoutes } from './routes/data.js';
import { oauthRoutes } from './routes/oauth.js';
import { opsRoutes } from './routes/ops.js';
import { publicRoutes } from './routes/public.js';
import { regulatorRoutes } from './routes/regulator.js';
import { consoleRoutes } from './console/static.js';
import { workflowRoutes } from './routes/workflow.js';
import type { Services } from './services.js';

export function createApp(s: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const requests = s.metrics.counter('rdx_http_requests_total', 'HTTP requests by route and status');
  app.use(requestId, securityHeaders);
  app.use((req, res, next) => {
    res.on('finish', () =>
      requests({
        method: req.method,
        route: String((req.route as { path?: string } | undefined)?.path ?? 'unmatched'),
        status: String(res.statusCode),
      }),
    );
    next();
  });
  app.use(
    opsRoutes(s),
    oauthRoutes(s),
    dataRoutes(s),
    adminRoutes(s),
    workflowRoutes(s),
    publicRoutes(s),
    auditRoutes(s),
  );
  app.use(regulatorRoutes(s), consoleRoutes());
  app.use((req, _res, next) => next(new Problem('NOT_FOUND', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
