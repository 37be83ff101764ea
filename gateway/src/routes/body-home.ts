/**
 * An opening body's own business in one place (issue 13), and the console accounts its staff read it with:
 *
 * - `GET /v1/admin/home`: the reviews it owes (due soon or overdue, on the ledger's working-day calendar), its
 *   other overdue duties, its datasets and their live grants, the latest security-incident reports and data
 *   returns under its agreements, the latest misuse signals on its grants, and its unread notifications — read
 *   with its staff's signature or a console account's token;
 * - `POST|GET /v1/admin/console-accounts`, `DELETE /v1/admin/console-accounts/{id}`: the body's admin, signing
 *   with its Fabric identity, makes a console account for a person of its staff (the secret is shown once), lists
 *   and removes them (a reviewer may list). A console account reads; whatever changes the ledger or the gateway's
 *   configuration still needs a Fabric identity.
 */
import express, { type Request, type Router } from 'express';
import { RdxLedger, type DueSoonItem, type Duty, type OverdueItem } from '@rdx/client';
import { visibleLength, whyNotPlainText } from '@rdx/chaincode';
import { MAX_BODY_ACCOUNTS } from '../auth/client-registry.js';
import { apiRouter, onlyFields } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { bodyReader, staffBeforeBody, staffSigner } from '../http/staff-signature.js';
import { bodyParty } from '../notify/derive.js';
import { Problem, ledgerProblem } from '../problem.js';
import type { Services } from '../services.js';
import { blockCached } from '../view/block-cache.js';
import { chinaDay } from '../regulator/audit-stats.js';
import { complaintRow, readComplaints } from '../regulator/complaint-rows.js';

/** How far ahead the home looks for reviews: every owner review (15 working days at most) falls within it. */
const REVIEWS_AHEAD_WORKING_DAYS = 30;
/** The reports about a body's data its desk shows (usage reports are in its reconciliation), and how many. */
const REPORT_KINDS = new Set<Duty['kind']>(['security-issue', 'data-return']);
const LATEST_REPORTS = 20;
/** Duty records read for one desk at most (pages of 200). */
const MAX_DUTIES_READ = 2000;
/** Open complaints one desk lists at most (a body with more has a backlog the list already shows). */
const MAX_OPEN_COMPLAINTS = 200;

/** The states in which a grant still serves or may serve again. */
const LIVE = new Set(['ACTIVE', 'SUSPENDED']);

/** A review the body owes, soonest first; overdue ones carry how late they are. */
export interface ReviewToDo {
  applicationId: string;
  step: string;
  due: string;
  workingDaysLeft?: number;
  workingDaysOverdue?: number;
}

/** The body's reviews, from the ledger's overdue and due-soon lists; its other overdue items apart. */
export function reviewsAndDuties(
  mspId: string,
  overdue: OverdueItem[],
  dueSoon: DueSoonItem[],
): { reviews: ReviewToDo[]; overdue: OverdueItem[] } {
  const owed = overdue.filter((i) => i.party === mspId);
  const late = owed.filter((i) => i.type === 'application');
  const reviews: ReviewToDo[] = [
    ...late.map((i) => ({
      applicationId: i.id,
      step: i.step,
      due: i.due,
      ...(i.workingDaysOverdue === undefined ? {} : { workingDaysOverdue: i.workingDaysOverdue }),
    })),
    ...dueSoon
      .filter((i) => i.party === mspId)
      .map((i) => ({ applicationId: i.id, step: i.step, due: i.due, workingDaysLeft: i.workingDaysLeft })),
  ].sort((a, b) => a.due.localeCompare(b.due) || a.applicationId.localeCompare(b.applicationId));
  return { reviews, overdue: owed.filter((i) => i.type !== 'application') };
}

export function bodyHomeRoutes(s: Services): Router {
  const r = apiRouter();
  const { query, duty, complaint } = new RdxLedger(s.ledger);
  // Every desk reads the same two lists of the whole ledger: shared until a new block (at most a minute).
  const overdue = blockCached(s.view, () => query.overdue());
  const dueSoon = blockCached(s.view, () => query.reviewsDueSoon(REVIEWS_AHEAD_WORKING_DAYS));

  /** The latest security-incident reports and data returns under the body's agreements, newest first. */
  async function latestReports(mspId: string): Promise<Duty[]> {
    const found: Duty[] = [];
    let bookmark = '';
    let read = 0;
    do {
      const page = await duty.list({ body: mspId }, { pageSize: 200, bookmark });
      read += page.items.length;
      found.push(...page.items.filter((d) => REPORT_KINDS.has(d.kind)));
      bookmark = page.bookmark;
    } while (bookmark && read < MAX_DUTIES_READ);
    return found
      .sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id))
      .slice(0, LATEST_REPORTS);
  }

  r.get('/v1/admin/home', async (req, res) => {
    const reader = await bodyReader(s, req);
    onlyDocumentedParams(req);
    let owed: ReturnType<typeof reviewsAndDuties>;
    let reports: Duty[];
    let complaints: Awaited<ReturnType<typeof readComplaints>>;
    try {
      const [late, soon, latest, open] = await Promise.all([
        overdue(),
        dueSoon(),
        latestReports(reader.mspId),
        readComplaints(
          (bookmark) => complaint.list({ body: reader.mspId, state: 'OPEN' }, { pageSize: 200, bookmark }),
          MAX_OPEN_COMPLAINTS,
        ),
      ]);
      owed = reviewsAndDuties(reader.mspId, late, soon);
      reports = latest;
      complaints = open;
    } catch (err) {
      throw ledgerProblem(err);
    }
    const today = chinaDay(s.now().getTime());
    const grants = [...s.view.grants.values()]
      .filter((g) => g.body === reader.mspId && LIVE.has(g.state))
      .sort((a, b) => a.validUntil.localeCompare(b.validUntil) || a.id.localeCompare(b.id));
    const liveOn = new Map<string, number>();
    for (const g of grants) liveOn.set(g.datasetId, (liveOn.get(g.datasetId) ?? 0) + 1);
    const datasets = [...s.view.datasets.values()]
      .filter((d) => d.owner === reader.mspId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((d) => ({
        id: d.id,
        name: d.name,
        openAttribute: d.openAttribute,
        listing: d.listing?.state ?? 'LISTED',
        version: s.store.currentVersion(d.id)?.version ?? null,
        liveGrants: liveOn.get(d.id) ?? 0,
      }));
    res.json({
      body: reader.mspId,
      via: reader.via,
      unread: s.notifications?.inbox(bodyParty(reader.mspId), { limit: 1, unread: true }).unread ?? 0,
      reviews: owed.reviews,
      overdue: owed.overdue,
      datasets,
      // Complaints about its data it must verify, handle and answer within 10 working days (Z21, Z35).
      complaints: complaints.items.map((c) => complaintRow(c, s.view, today)),
      complaintsMore: complaints.more,
      // What this gateway saw of unusual use of its grants (issue 17): the body decides what to do.
      signals: s.misuse?.list({ body: reader.mspId, limit: LATEST_REPORTS }) ?? [],
      reports: reports.map((d) => ({
        id: d.id,
        kind: d.kind,
        agreementId: d.agreementId,
        creditCode: d.creditCode,
        enterprise: s.view.enterprises.get(d.creditCode)?.name ?? null,
        at: d.at,
        ...(typeof d.detail.severity === 'string' ? { severity: d.detail.severity } : {}),
      })),
      grants: grants.map((g) => ({
        id: g.id,
        creditCode: g.creditCode,
        enterprise: s.view.enterprises.get(g.creditCode)?.name ?? null,
        datasetId: g.datasetId,
        state: g.state,
        validUntil: g.validUntil,
        dailyQuota: g.dailyQuota,
      })),
    });
  });

  /** The signer must be the body's admin: only it hands out access to the body's business. */
  const bodyAdmin = async (req: Request, received?: Buffer): Promise<string> => {
    const signer = await staffSigner(s, req, received);
    if (signer.role !== 'admin')
      throw new Problem('FORBIDDEN', "Only the body's admin may make or remove its console accounts.");
    return signer.mspId;
  };

  r.post(
    '/v1/admin/console-accounts',
    staffBeforeBody(s, false),
    express.raw({ type: () => true, limit: '4kb' }),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const org = await bodyAdmin(req, raw);
      let input: unknown;
      try {
        input = JSON.parse(raw.toString('utf8') || '{}');
      } catch {
        input = undefined;
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw new Problem('BAD_REQUEST', 'The body must be a JSON object: {"name": "…"}.');
      onlyFields(input, ['name'], 'a console account');
      const { name } = input as { name?: unknown };
      if (typeof name !== 'string' || visibleLength(name) === 0 || name.length > 64)
        throw new Problem('BAD_REQUEST', 'name must say whose account it is (1 to 64 characters).');
      // The name is shown in the console and by `rdx`: refused as the ledger refuses such text in its names.
      const notText = /[\t\n\v\f\r]/.test(name) ? 'holds a tab or a line break' : whyNotPlainText(name);
      if (notText !== undefined) throw new Problem('BAD_REQUEST', `name ${notText}.`);
      let made: { clientId: string; secret: string };
      try {
        made = s.clients.addBodyAccount(org, name.trim());
      } catch (err) {
        if (err instanceof RangeError) throw new Problem('BAD_REQUEST', err.message);
        throw err;
      }
      res.status(201).json({
        clientId: made.clientId,
        secret: made.secret,
        org,
        name: name.trim(),
        note: 'The secret is shown only now: hand it to the person over a channel you trust.',
      });
    },
  );

  r.get('/v1/admin/console-accounts', async (req, res) => {
    const signer = await staffSigner(s, req);
    onlyDocumentedParams(req);
    res.json({ data: s.clients.bodyAccounts(signer.mspId), max: MAX_BODY_ACCOUNTS });
  });

  r.delete('/v1/admin/console-accounts/:id', async (req, res) => {
    const org = await bodyAdmin(req);
    if (!s.clients.removeBodyAccount(org, String(req.params.id)))
      throw new Problem(
        'NOT_FOUND',
        `Your body has no console account ${String(req.params.id).slice(0, 64)}.`,
      );
    res.status(204).end();
  });

  return r;
}
