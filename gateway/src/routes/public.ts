/**
 * Public information, no login: the recipients list (Z16, L21) and credit evaluations (L24). Anyone may ask,
 * as often as they like, so answers come from a cache: a list is made again only once the gateway's view has
 * followed a newer block (or after a minute, should it not be following), and concurrent requests share one.
 *
 * The product list (L21: 在市公共数据开放网站上发布数据利用产品) is every product publication enterprises filed
 * (duty:ListDuties of kind `product`), newest first, with the enterprise's name from the view.
 *
 * The recipients list is made from the gateway's view of the ledger (every grant, enterprise and dataset,
 * followed block by block), not by the chaincode's ListRecipients: that reads three ledger objects per live
 * grant and took longer than the call's deadline with 10⁵ grants (docs/PERFORMANCE.md, L3).
 */
import type { RequestHandler, Response, Router } from 'express';
import { apiRouter } from '../http/routing.js';
import { RdxLedger, type PublishedProduct, type Recipient } from '@rdx/client';
import { chinaToday } from '../enforcement/decide.js';
import { Problem, ledgerProblem } from '../problem.js';
import { blockCached } from '../view/block-cache.js';
import type { Services } from '../services.js';
import type { LedgerView } from '../view/ledger-view.js';

/**
 * The recipients list as query:ListRecipients gives it: live grants (active or suspended) whose last valid day
 * is not before `today` (China time; the clerk marks the others EXPIRED just after midnight), oldest first.
 */
export function recipientsOf(view: LedgerView, today: string): Recipient[] {
  const rows: Recipient[] = [];
  for (const g of view.grants.values()) {
    if (g.state !== 'ACTIVE' && g.state !== 'SUSPENDED') continue;
    if (g.validUntil < today) continue;
    rows.push({
      enterpriseName: view.enterprises.get(g.creditCode)?.name ?? '',
      creditCode: g.creditCode,
      datasetId: g.datasetId,
      datasetName: view.datasets.get(g.datasetId)?.name ?? '',
      body: g.body,
      since: g.grantedAt,
      validUntil: g.validUntil,
      state: g.state,
    });
  }
  return rows.sort((a, b) => a.since.localeCompare(b.since) || a.datasetId.localeCompare(b.datasetId));
}

/** Longest a cached list is served without a new read, whatever the view says. */
const MAX_AGE_MS = 60_000;

export function publicRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();
  const { query, duty } = new RdxLedger(s.ledger);
  const cached = <T>(read: () => Promise<T>): (() => Promise<T>) => blockCached(s.view, read, MAX_AGE_MS);
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
  const fromView = (): Promise<Recipient[]> =>
    // Until the view is built it holds nothing, which is not the same as nobody holding a grant.
    s.view.lastBlock < 0 && !s.view.following
      ? Promise.reject(
          new Problem('LEDGER_NOT_FOLLOWED', 'The gateway has not read the ledger yet; ask again shortly.'),
        )
      : Promise.resolve(recipientsOf(s.view, chinaToday(s.now())));
  const products = async (): Promise<PublishedProduct[]> => {
    const rows: PublishedProduct[] = [];
    let bookmark = '';
    do {
      const page = await duty.list({ kind: 'product' }, { pageSize: 200, bookmark });
      for (const d of page.items)
        rows.push({
          name: String(d.detail.name),
          address: String(d.detail.address),
          publishedOn: String(d.detail.publishedOn),
          enterpriseName: s.view.enterprises.get(d.creditCode)?.name ?? '',
          creditCode: d.creditCode,
          agreementId: d.agreementId,
        });
      bookmark = page.bookmark;
    } while (bookmark);
    return rows.sort((a, b) => b.publishedOn.localeCompare(a.publishedOn) || a.name.localeCompare(b.name));
  };
  r.get('/v1/public/recipients', anonymous, serve(cached(fromView)));
  r.get('/v1/public/products', anonymous, serve(cached(products)));
  r.get('/v1/public/credit', anonymous, serve(cached(() => query.creditEvaluations())));
  return r;
}
