/**
 * Builds the Express app from its dependencies. It never listens: main.ts does, and tests use port 0.
 */
import express, { type Express } from 'express';
import type { Ledger } from './ledger/ledger.js';
import { Problem, problemHandler, sendProblem } from './problem.js';

export interface AppDeps {
  ledger: Ledger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  /** Liveness: the process is up. Says nothing about the ledger. */
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Readiness: the ledger answers through the gateway's own identity. */
  app.get('/readyz', async (_req, res) => {
    try {
      const ledger = await deps.ledger.status();
      res.json({ status: 'ready', ledger });
    } catch (err) {
      sendProblem(
        res,
        'LEDGER_UNAVAILABLE',
        `The ledger did not answer: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      );
    }
  });

  app.use((req, _res, next) => next(new Problem('NOT_FOUND', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
