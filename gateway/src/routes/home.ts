/**
 * An enterprise's own business in one place (issue 13): `GET /v1/applications`, `GET /v1/agreements` and
 * `GET /v1/duties`, each with its state and next step (home/next-step.ts). Read from the ledger with the gateway's
 * identity, filtered to the caller: the applications it filed, the agreements drafted for them, and what it owes
 * under those in force (a product to publish, data to return, the quarterly usage report) by when.
 */
import { type Router } from 'express';
import { openDuties } from '@rdx/chaincode';
import { LedgerRefusedError, RdxLedger, type Agreement, type Application } from '@rdx/client';
import { chinaToday } from '../enforcement/decide.js';
import { authenticateWithinRate } from '../http/authenticate.js';
import { apiRouter } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
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
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    try {
      const apps = await applicationsOf(creditCode);
      const agreements = await Promise.all(
        apps.map((a) => (a.state === 'APPROVED' ? agreementsOfApplication(a) : Promise.resolve(undefined))),
      );
      res.json({
        data: apps.map((a, k) => ({
          id: a.id,
          state: a.state,
          revision: a.revision,
          submittedAt: a.submittedAt,
          bodies: a.bodies,
          next: applicationNext(a, agreements[k]),
        })),
      });
    } catch (err) {
      throw ledgerProblem(err);
    }
  });

  /** An approved application's agreements (one per named body: `<application>.<body>`), and the bodies not drafted yet. */
  async function agreementsOfApplication(
    a: Application,
  ): Promise<{ drafted: Agreement[]; notDraftedBy: string[] }> {
    const found = await Promise.all(
      a.bodies.map((b) =>
        agreement.get(`${a.id}.${b}`).catch((err: unknown) => {
          // Not drafted yet: the body's turn.
          if (err instanceof LedgerRefusedError && err.code === 'NOT_FOUND') return undefined;
          throw err;
        }),
      ),
    );
    return {
      drafted: found.filter((g): g is Agreement => g !== undefined && g.terms.creditCode === a.creditCode),
      notDraftedBy: a.bodies.filter((_b, k) => found[k] === undefined),
    };
  }

  /** The agreements of the enterprise's approved applications, with the ids not drafted yet. */
  async function agreementsOf(creditCode: string): Promise<{ mine: Agreement[]; notDrafted: string[] }> {
    const approved = (await applicationsOf(creditCode)).filter((a) => a.state === 'APPROVED');
    const each = await Promise.all(approved.map(agreementsOfApplication));
    return {
      mine: each.flatMap((e) => e.drafted),
      notDrafted: approved.flatMap((a, k) => each[k]!.notDraftedBy.map((b) => `${a.id}.${b}`)),
    };
  }

  r.get('/v1/agreements', async (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    try {
      const { mine, notDrafted } = await agreementsOf(creditCode);
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
          ...notDrafted.map((id) => ({
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

  r.get('/v1/duties', async (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    let mine: Agreement[];
    try {
      ({ mine } = await agreementsOf(creditCode));
    } catch (err) {
      throw ledgerProblem(err);
    }
    const today = chinaToday(s.now());
    const data = mine
      .flatMap((a) =>
        openDuties({ ...a, dataReturn: a.terms.dataReturn }).map((d) => ({
          agreementId: a.id,
          type: d.type,
          step: d.step,
          due: d.due,
          state: d.due < today ? ('overdue' as const) : ('due' as const),
          next: { by: 'you' as const, what: DUTY_ACTION[d.type], due: d.due },
        })),
      )
      .sort((x, y) => x.due.localeCompare(y.due) || x.agreementId.localeCompare(y.agreementId));
    res.json({ data });
  });
  return r;
}

/** What the enterprise does for each duty, and with which command (SPEC §6: Chinese term, then English). */
const DUTY_ACTION: Record<'product' | 'data-return' | 'usage-report', string> = {
  product: '发布数据产品 publish your product (rdx report product)',
  'data-return': '数据回流 return data (rdx report return)',
  'usage-report': '报告利用情况 report usage (rdx report usage)',
};
