/**
 * An enterprise's own business in one place (issue 13): `GET /v1/applications` and `GET /v1/agreements`, each
 * with its state and next step (home/next-step.ts). Read from the ledger with the gateway's identity, filtered
 * to the caller: the applications it filed, and the agreements drafted for them.
 */
import { type Router } from 'express';
import { LedgerRefusedError, RdxLedger, type Agreement, type Application } from '@rdx/client';
import { authenticate } from '../http/authenticate.js';
import { apiRouter } from '../http/routing.js';
import { agreementNext, applicationNext } from '../home/next-step.js';
import { ledgerProblem } from '../problem.js';
import type { Services } from '../services.js';

/** Most applications one enterprise's listing reads (pages of 100). */
const MAX_APPLICATIONS = 500;

export function homeRoutes(s: Services): Router {
  const r = apiRouter();
  const { query, agreement } = new RdxLedger(s.ledger);

  async function applicationsOf(creditCode: string): Promise<Application[]> {
    const out: Application[] = [];
    let bookmark = '';
    do {
      const page = await query.listApplications({ enterprise: creditCode }, { pageSize: 100, bookmark });
      out.push(...page.items.filter((a) => a.creditCode === creditCode));
      bookmark = page.bookmark;
    } while (bookmark && out.length < MAX_APPLICATIONS);
    return out;
  }

  r.get('/v1/applications', async (req, res) => {
    const creditCode = authenticate(req, s.tokens);
    try {
      const apps = await applicationsOf(creditCode);
      res.json({
        data: apps.map((a) => ({
          id: a.id,
          state: a.state,
          revision: a.revision,
          submittedAt: a.submittedAt,
          bodies: a.bodies,
          next: applicationNext(a),
        })),
      });
    } catch (err) {
      throw ledgerProblem(err);
    }
  });

  r.get('/v1/agreements', async (req, res) => {
    const creditCode = authenticate(req, s.tokens);
    try {
      // An agreement is drafted per body for an approved application: `<application>.<body>`.
      const ids = (await applicationsOf(creditCode))
        .filter((a) => a.state === 'APPROVED')
        .flatMap((a) => a.bodies.map((b) => `${a.id}.${b}`));
      const found = await Promise.all(
        ids.map((id) =>
          agreement.get(id).catch((err: unknown) => {
            // Not drafted yet: the body's turn.
            if (err instanceof LedgerRefusedError && err.code === 'NOT_FOUND') return undefined;
            throw err;
          }),
        ),
      );
      const mine = found.filter((a): a is Agreement => a !== undefined && a.terms.creditCode === creditCode);
      res.json({
        data: [
          ...mine.map((a) => ({
            id: a.id,
            state: a.state,
            body: a.terms.body,
            validUntil: a.terms.validUntil,
            grants: a.grants,
            next: agreementNext(a),
          })),
          ...ids
            .filter((id, k) => found[k] === undefined)
            .map((id) => ({
              id,
              state: 'NOT_DRAFTED',
              body: id.slice(id.lastIndexOf('.') + 1),
              grants: [],
              next: { by: 'bodies', what: '起草协议 the opening body drafts it' },
            })),
        ],
      });
    } catch (err) {
      throw ledgerProblem(err);
    }
  });
  return r;
}
