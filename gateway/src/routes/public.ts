/** Public information, no login: the recipients list (Z16, L21) and credit evaluations (L24). */
import { Router } from 'express';
import { ledgerProblem } from '../problem.js';
import type { Services } from '../services.js';

export function publicRoutes(s: Services): Router {
  const r = Router();
  const read =
    (fn: string) =>
    async (_req: unknown, res: { json(v: unknown): void }): Promise<void> => {
      try {
        res.json({ data: await s.ledger.evaluate('query', fn) });
      } catch (err) {
        throw ledgerProblem(err);
      }
    };
  r.get('/v1/public/recipients', read('ListRecipients'));
  r.get('/v1/public/credit', read('ListCreditEvaluations'));
  return r;
}
