/**
 * Public information, no login: the recipients list (Z16, L21) and credit evaluations (L24). Anyone may ask,
 * as often as they like, so answers come from a cache: a list is read from the ledger again only once the
 * gateway's view has followed a newer block (or after a minute, should it not be following), and concurrent
 * requests share one read.
 */
import type { RequestHandler, Response, Router } from 'express';
import { apiRouter } from '../http/routing.js';
import { RdxLedger } from '@rdx/client';
import { ledgerProblem } from '../problem.js';
import type { Services } from '../services.js';

/** Longest a cached list is served without a new read, whatever the view says. */
const MAX_AGE_MS = 60_000;

export function publicRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();
  const { query } = new RdxLedger(s.ledger);
  const cached = <T>(read: () => Promise<T>): (() => Promise<T>) => {
    let entry: { block: number; at: number; value: Promise<T> } | undefined;
    return () => {
      const now = Date.now();
      if (!entry || entry.block !== s.view.lastBlock || now - entry.at > MAX_AGE_MS) {
        const value = read();
        const fresh = { block: s.view.lastBlock, at: now, value };
        entry = fresh;
        // A failed read is not kept: the next request tries again.
        value.catch(() => {
          if (entry === fresh) entry = undefined;
        });
      }
      return entry.value;
    };
  };
  const serve =
    (list: () => Promise<unknown>) =>
    async (_req: unknown, res: Response): Promise<void> => {
      try {
        // Cacheable as long as the list itself is; the ETag lets a client ask again for nothing (304).
        const data = await list();
        res.set('Cache-Control', `public, max-age=${MAX_AGE_MS / 1000}`).json({ data });
      } catch (err) {
        throw ledgerProblem(err);
      }
    };
  r.get('/v1/public/recipients', anonymous, serve(cached(() => query.recipients())));
  r.get('/v1/public/credit', anonymous, serve(cached(() => query.creditEvaluations())));
  return r;
}
