/** Public information, no login: the recipients list (Z16, L21) and credit evaluations (L24). */
import { Router } from 'express';
import { RdxLedger } from '@rdx/client';
import { ledgerProblem } from '../problem.js';
import type { Services } from '../services.js';

export function publicRoutes(s: Services): Router {
  const r = Router();
  const { query } = new RdxLedger(s.ledger);
  const read =
    (list: () => Promise<unknown>) =>
    async (_req: unknown, res: { json(v: unknown): void }): Promise<void> => {
      try {
        res.json({ data: await list() });
      } catch (err) {
        throw ledgerProblem(err);
      }
    };
  r.get(
    '/v1/public/recipients',
    read(() => query.recipients()),
  );
  r.get(
    '/v1/public/credit',
    read(() => query.creditEvaluations()),
  );
  return r;
}
