/**
 * What regulators (监管: bureau, 网信, 公安 inspectors, L16, Z34, Z37) read through the gateway: a dashboard,
 * business-terms timelines from the ledger's key history, a grant's calls per day, this gateway's audit
 * anchors with the ledger's copy of each, receipts for any request, and a search. Only a regulator's token
 * opens them (403 for an enterprise's); regulators' tokens in turn open no enterprise endpoint. The gateway
 * reads the ledger with its own identity, which may read everything; nothing here writes.
 *
 * Regulators log in with a client secret (role `regulator` in the ClientRegistry) at the same POST
 * /oauth/token as enterprises (routes/oauth.ts).
 */
import { type Router, type Request } from 'express';
import { apiRouter, intParam } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { TOKEN_OF, TokenError, TokenRoleError } from '../auth/token-service.js';
import { anchorsNewestFirst, decisionsPerHour } from '../regulator/audit-stats.js';
import { grantStatsReply, grantSummary } from '../regulator/grant-stats.js';
import { largestDifferenceFirst, reconcileUsage, usageReports } from '../regulator/usage-reconciliation.js';
import { performanceCsv, withCallsServed } from '../regulator/body-performance.js';
import {
  eventsOf,
  latestValue,
  mergeTimelines,
  type HistoryEntry,
  type TimelineEvent,
  type TimelineObject,
} from '../regulator/timeline.js';
import { bearerToken, withinCallerRate } from '../http/authenticate.js';
import { LedgerRefusedError, RdxLedger, type Duty } from '@rdx/client';
import { Problem, ledgerProblem } from '../problem.js';
import type { AnchorRecord, Services } from '../services.js';
import { sendReceipt } from './audit.js';
import { anchorFields } from '../audit/audit-record.js';
import { complaintRow, readComplaints } from '../regulator/complaint-rows.js';
import { chinaDay } from '../regulator/audit-stats.js';

/**
 * The years a performance report may cover: those the ledger's working-day calendars may hold (the chaincode's
 * MIN_CALENDAR_YEAR and MAX_CALENDAR_YEAR). Past them the chaincode refused with a message of its own inside
 * (`start date must be … got "10000-01-01"`), or reported on year 0000.
 */
const PERIOD_YEARS = { from: 2000, to: 2100 } as const;
/** Most ledger objects one timeline reads the history of. */
const MAX_TIMELINE_OBJECTS = 60;
const OPEN_APPLICATION_STATES = ['FORMAL_REVIEW', 'OWNER_REVIEW', 'COORDINATION', 'RE_REVIEW'] as const;
const TX_ID = /^[0-9a-f]{64}$/i;
/** What may be a transaction id (Fabric's are 64 hex digits; other ledgers and test fakes differ). */
const TX_LIKE = /^[0-9A-Za-z]{8,64}$/;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

/** The regulator's client id from a Bearer token; 401 without a valid token, 403 for anyone else's. */
export function authenticateRegulator(req: Request, s: Services): string {
  const token = bearerToken(req);
  if (!token)
    throw new Problem(
      'TOKEN_MISSING',
      "Send a regulator's access token: Authorization: Bearer <token> (get one at POST /oauth/token).",
    );
  try {
    return s.tokens.verify(token, 'regulator').sub;
  } catch (err) {
    if (err instanceof TokenRoleError)
      throw new Problem(
        'FORBIDDEN',
        `Regulator endpoints (监管) take a regulator's token; this is ${TOKEN_OF[err.actual]}.`,
      );
    if (err instanceof TokenError) throw new Problem('TOKEN_INVALID', err.message);
    throw err;
  }
}

/** True when the ledger refused with `code`. */
function isRefusal(err: unknown, code: string): boolean {
  return err instanceof LedgerRefusedError && err.code === code;
}

export function regulatorRoutes(s: Services): Router {
  const r = apiRouter();
  const { query, audit, application, agreement, duty, complaint } = new RdxLedger(s.ledger);
  r.use('/v1/regulator', (req, res, next) => {
    const regulator = authenticateRegulator(req, s);
    // Its views read the ledger's history at every call: a stolen token must not flood them for everyone.
    withinCallerRate(req, s, `regulator ${regulator}`, `Regulator ${regulator}`);
    res.locals.regulator = regulator;
    next();
  });

  async function read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw ledgerProblem(err);
    }
  }

  /** Like read, but undefined when the ledger says NOT_FOUND. */
  async function find<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (isRefusal(err, 'NOT_FOUND')) return undefined;
      throw ledgerProblem(err);
    }
  }

  async function history(type: TimelineObject, id: string): Promise<HistoryEntry[]> {
    return (await find(() => query.history(type, id))) ?? [];
  }

  /** Overdue items from the ledger; where the ledger does not let this gateway list them, the open applications'. */
  async function overdue(): Promise<Record<string, unknown>> {
    try {
      return { source: 'ledger', items: await query.overdue() };
    } catch (err) {
      if (!isRefusal(err, 'FORBIDDEN')) throw ledgerProblem(err);
    }
    const today = new Date(s.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const items: Record<string, unknown>[] = [];
    for (const state of OPEN_APPLICATION_STATES) {
      let bookmark = '';
      do {
        const page = await read(() => query.listApplications({ state }, { pageSize: 200, bookmark }));
        for (const a of page.items)
          if (a.deadline && a.deadline.due < today)
            items.push({
              type: 'application',
              id: a.id,
              step: a.deadline.step,
              due: a.deadline.due,
              party: state === 'OWNER_REVIEW' ? 'opening bodies' : 'BureauMSP',
            });
        bookmark = page.bookmark;
      } while (bookmark);
    }
    return {
      source: 'applications',
      detail:
        'The ledger refused this gateway query:ListOverdue (an older chaincode); this list holds the open applications past their deadline.',
      items,
    };
  }

  r.get('/v1/regulator/dashboard', async (req, res) => {
    onlyDocumentedParams(req);
    const now = s.now();
    const grants = [...s.view.grants.values()];
    const byState: Record<string, number> = {
      ACTIVE: 0,
      SUSPENDED: 0,
      REVOKED: 0,
      TERMINATED: 0,
      EXPIRED: 0,
    };
    for (const g of grants) byState[g.state] = (byState[g.state] ?? 0) + 1;
    const byRating: Record<string, number> = { A: 0, AA: 0, AAA: 0 };
    for (const e of s.view.enterprises.values())
      byRating[e.rating.level] = (byRating[e.rating.level] ?? 0) + 1;
    const byAttribute: Record<string, number> = { restricted: 0, unconditional: 0, prohibited: 0 };
    for (const d of s.view.datasets.values())
      byAttribute[d.openAttribute] = (byAttribute[d.openAttribute] ?? 0) + 1;
    const access = await decisionsPerHour(s.audit, now);
    const last = s.audit.lastAnchor();
    res.json({
      generatedAt: now.toISOString(),
      gatewayId: s.config.gatewayId,
      grants: {
        total: grants.length,
        byState: byState,
        recent: grants
          .sort((a, b) => String(b.grantedAt).localeCompare(String(a.grantedAt)))
          .slice(0, 100)
          .map((g) => grantSummary(s, g)),
      },
      enterprises: {
        total: s.view.enterprises.size,
        byRating: byRating,
        list: [...s.view.enterprises.values()].map((e) => ({
          creditCode: e.creditCode,
          name: e.name,
          level: e.rating.level,
        })),
      },
      datasets: {
        total: s.view.datasets.size,
        byOpenAttribute: byAttribute,
        list: [...s.view.datasets.values()].map((d) => ({
          id: d.id,
          name: d.name,
          owner: d.owner,
          openAttribute: d.openAttribute,
        })),
      },
      access: {
        hours: access.hours,
        allow: access.hours.reduce((n, h) => n + h.allow, 0),
        deny: access.hours.reduce((n, h) => n + h.deny, 0),
        denyReasons: access.reasons,
        truncated: access.truncated,
      },
      anchoring: {
        logSize: s.audit.size(),
        anchoredSize: s.audit.anchoredSize(),
        lagRecords: s.anchors.lagRecords(),
        lagSeconds: Math.round(s.anchors.lagSeconds() * 10) / 10,
        behind: s.anchors.behind(),
        // A broken log (altered, or its anchor chain forked by another holder of the key) is the alarm.
        integrity: s.anchors.broken() ?? 'ok',
        lastError: s.anchors.lastFailure() ?? null,
        lastAnchor: last ? anchorFields(last) : null,
      },
      ledger: { following: s.view.following, lastBlock: s.view.lastBlock },
      overdue: await overdue(),
    });
  });

  /** The objects whose history makes a timeline, and what the timeline is of. */
  async function timelineObjects(
    kind: 'enterprise' | 'dataset' | 'grant',
    id: string,
  ): Promise<{ subject: Record<string, unknown>; histories: [TimelineObject, string, HistoryEntry[]][] }> {
    const histories: [TimelineObject, string, HistoryEntry[]][] = [];
    const cache = new Map<string, Promise<HistoryEntry[]>>();
    /** Reads an object's history once; objects beyond the cap are left out. */
    const add = (type: TimelineObject, objectId: unknown): Promise<HistoryEntry[]> => {
      if (typeof objectId !== 'string' || !objectId) return Promise.resolve([]);
      const key = `${type}/${objectId}`;
      let h = cache.get(key);
      if (!h) {
        if (cache.size >= MAX_TIMELINE_OBJECTS) return Promise.resolve([]);
        h = history(type, objectId).then((entries) => {
          if (entries.length) histories.push([type, objectId, entries]);
          return entries;
        });
        cache.set(key, h);
      }
      return h;
    };
    /** A grant's agreement, then the application the agreement came from. */
    const grantChain = async (grantIds: string[]): Promise<void> => {
      const grantHistories = await Promise.all(grantIds.map((g) => add('grant', g)));
      const agreements = [
        ...new Set(
          grantHistories.map((h) => latestValue(h)?.agreementId).filter((a) => typeof a === 'string'),
        ),
      ];
      const agreementHistories = await Promise.all(agreements.map((a) => add('agreement', a)));
      const applications = agreementHistories.map((h) => latestValue(h)?.applicationId);
      await Promise.all([...new Set(applications)].map((a) => add('application', a)));
    };

    if (kind === 'grant') {
      const h = await add('grant', id);
      if (!h.length) throw new Problem('NOT_FOUND', `There is no grant ${id} on the ledger.`);
      const g = latestValue(h) ?? {};
      await grantChain([id]);
      return {
        subject: {
          type: 'grant',
          id,
          state: g.state ?? null,
          enterprise: g.creditCode ?? null,
          dataset: g.datasetId ?? null,
        },
        histories,
      };
    }
    if (kind === 'enterprise') {
      const h = await add('enterprise', id);
      if (!h.length) throw new Problem('NOT_FOUND', `There is no enterprise ${id} on the ledger.`);
      const e = latestValue(h) ?? {};
      const apps: string[] = [];
      let bookmark = '';
      do {
        const page = await read(() =>
          query.listApplications({ enterprise: id }, { pageSize: 200, bookmark }),
        );
        apps.push(...page.items.map((a) => a.id));
        bookmark = page.bookmark;
      } while (bookmark && apps.length < MAX_TIMELINE_OBJECTS);
      await Promise.all(apps.map((a) => add('application', a)));
      await grantChain(s.view.grantsOf(id).map((g) => g.id));
      return {
        subject: {
          type: 'enterprise',
          id,
          name: e.name ?? null,
          level: (e.rating as { level?: string } | undefined)?.level ?? null,
        },
        histories,
      };
    }
    const h = await add('dataset', id);
    if (!h.length) throw new Problem('NOT_FOUND', `There is no dataset ${id} on the ledger.`);
    const d = latestValue(h) ?? {};
    await grantChain([...s.view.grants.values()].filter((g) => g.datasetId === id).map((g) => g.id));
    return { subject: { type: 'dataset', id, name: d.name ?? null, owner: d.owner ?? null }, histories };
  }

  r.get('/v1/regulator/timeline', async (req, res) => {
    onlyDocumentedParams(req);
    const given = (['enterprise', 'dataset', 'grant'] as const).filter((k) => req.query[k] !== undefined);
    if (given.length !== 1)
      throw new Problem(
        'QUERY_INVALID',
        'Give exactly one of enterprise=<credit code>, dataset=<id> or grant=<id>.',
      );
    const kind = given[0]!;
    const raw = req.query[kind];
    const id = typeof raw === 'string' ? raw : '';
    if (!ID.test(id)) throw new Problem('QUERY_INVALID', `${kind} is not a valid identifier`);
    const { subject, histories } = await timelineObjects(kind, id);
    const events: TimelineEvent[] = mergeTimelines(
      histories.map(([type, objectId, h]) => eventsOf(type, objectId, h)),
    );
    res.json({
      subject,
      objects: histories.map(([type, objectId, h]) => ({ type, id: objectId, versions: h.length })),
      data: events,
    });
  });

  /**
   * Usage reports beside the calls this gateway served in their periods (L7), all of them or one agreement's
   * (`?agreement=`), largest difference first.
   */
  r.get('/v1/regulator/usage-reconciliation', async (req, res) => {
    onlyDocumentedParams(req);
    const raw = req.query.agreement;
    const agreement = raw === undefined ? undefined : typeof raw === 'string' ? raw : '';
    if (agreement !== undefined && !ID.test(agreement))
      throw new Problem('BAD_REQUEST', 'agreement must be an agreement id.');
    let reports: Duty[];
    try {
      reports = await usageReports(duty, agreement);
    } catch (err) {
      throw ledgerProblem(err);
    }
    const result = await reconcileUsage(reports, s.view, s.audit);
    res.json({
      gatewayId: s.config.gatewayId,
      data: largestDifferenceFirst(result.rows),
      scanned: result.scanned,
      truncated: result.truncated,
    });
  });

  /**
   * The misuse signals this gateway raised (风险预警, issue 17), newest first: every body's, or `?body=` one's;
   * `?limit=` (1–500, 100).
   */
  r.get('/v1/regulator/misuse-signals', (req, res) => {
    onlyDocumentedParams(req);
    const limit = intParam(req.query.limit, 'limit', 100, 1, 500, 'BAD_REQUEST');
    const body =
      typeof req.query.body === 'string' && req.query.body ? req.query.body.slice(0, 64) : undefined;
    res.json({
      gatewayId: s.config.gatewayId,
      watching: s.misuse !== undefined,
      data: s.misuse?.list({ limit, ...(body ? { body } : {}) }) ?? [],
    });
  });

  /**
   * Complaints and opinions (Z21, Z35): every body's or one's, open or resolved; open ones soonest due first. The
   * ledger gives shells only: who complained and what they wrote stay with the owning body.
   */
  r.get('/v1/regulator/complaints', async (req, res) => {
    onlyDocumentedParams(req);
    const { state, body } = req.query;
    if (state !== undefined && state !== 'OPEN' && state !== 'RESOLVED')
      throw new Problem('BAD_REQUEST', 'state is OPEN or RESOLVED.');
    if (body !== undefined && (typeof body !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(body)))
      throw new Problem('BAD_REQUEST', 'body is an MSP id, e.g. MarketMSP.');
    const limit = intParam(req.query.limit, 'limit', 200, 1, 1000, 'BAD_REQUEST');
    const found = await read(() =>
      readComplaints(
        (bookmark) =>
          complaint.list(
            { ...(state ? { state } : {}), ...(body ? { body } : {}) },
            { pageSize: 200, bookmark },
          ),
        limit,
      ),
    );
    const today = chinaDay(s.now().getTime());
    res.json({
      data: found.items.map((c) => complaintRow(c, s.view, today)),
      more: found.more,
    });
  });

  /** The performance of opening bodies in a period (L23, Z38), as JSON or, with `format=csv`, as CSV. */
  r.get('/v1/regulator/body-performance', async (req, res) => {
    onlyDocumentedParams(req);
    const period = typeof req.query.period === 'string' ? req.query.period : '';
    const year = /^(\d{4})(Q[1-4])?$/.exec(period)?.[1];
    if (year === undefined || Number(year) < PERIOD_YEARS.from || Number(year) > PERIOD_YEARS.to)
      throw new Problem(
        'BAD_REQUEST',
        `period must be a year (2026) or a quarter (2026Q4) from ${PERIOD_YEARS.from} to ${PERIOD_YEARS.to}.`,
      );
    const format = req.query.format === undefined ? 'json' : req.query.format;
    if (format !== 'json' && format !== 'csv') throw new Problem('BAD_REQUEST', 'format is json or csv.');
    let ledgerRows;
    try {
      ledgerRows = await query.bodyPerformance(period);
    } catch (err) {
      throw ledgerProblem(err);
    }
    const result = await withCallsServed(ledgerRows, s.view, s.audit);
    if (format === 'csv') {
      res
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="body-performance-${period}.csv"`)
        .send(performanceCsv(result.rows));
      return;
    }
    res.json({ gatewayId: s.config.gatewayId, period, data: result.rows, truncated: result.truncated });
  });

  r.get('/v1/regulator/grants/:id/stats', async (req, res) => {
    onlyDocumentedParams(req);
    const id = String(req.params.id);
    const grant = s.view.grants.get(id);
    if (!grant) throw new Problem('NOT_FOUND', `This gateway knows no grant ${id}.`);
    const days = intParam(req.query.days, 'days', 30, 1, 366);
    res.json(await grantStatsReply(s, grant, days));
  });

  /** The ledger's copy of an anchor compared with the local one. */
  async function onLedger(
    a: AnchorRecord,
  ): Promise<{ status: 'match' | 'mismatch' | 'missing' | 'unavailable'; anchoredAt: string | null }> {
    try {
      const l = await audit.getAnchor(s.config.gatewayId, a.sequence);
      const match =
        l.merkleRoot === a.merkleRoot &&
        l.anchorHash === a.anchorHash &&
        l.txId === a.txId &&
        l.firstRecord === a.firstRecord &&
        l.recordCount === a.recordCount;
      return { status: match ? 'match' : 'mismatch', anchoredAt: l.anchoredAt ?? null };
    } catch (err) {
      if (isRefusal(err, 'NOT_FOUND')) return { status: 'missing', anchoredAt: null };
      return { status: 'unavailable', anchoredAt: null };
    }
  }

  r.get('/v1/regulator/anchors', async (req, res) => {
    onlyDocumentedParams(req);
    const limit = intParam(req.query.limit, 'limit', 20, 1, 100);
    const before =
      req.query.before === undefined
        ? undefined
        : intParam(req.query.before, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
    const anchors = await anchorsNewestFirst(s.audit, limit, before);
    const checks = await Promise.all(anchors.map(onLedger));
    const head: unknown = await audit.getAnchorHead(s.config.gatewayId).catch(() => null);
    const last = anchors[anchors.length - 1];
    res.json({
      gatewayId: s.config.gatewayId,
      ledgerHead: head,
      logSize: s.audit.size(),
      anchoredSize: s.audit.anchoredSize(),
      lagRecords: s.anchors.lagRecords(),
      lagSeconds: Math.round(s.anchors.lagSeconds() * 10) / 10,
      data: anchors.map((a, i) => ({
        ...anchorFields(a),
        ledger: checks[i]!.status,
        anchoredAt: checks[i]!.anchoredAt,
      })),
      nextBefore: anchors.length === limit && last && last.sequence > 1 ? last.sequence : null,
    });
  });

  /** A receipt for any request in this gateway's log, as the enterprise itself gets for its own. */
  r.get('/v1/regulator/receipts/:requestId', async (req, res) => {
    onlyDocumentedParams(req);
    const record = await s.audit.get(String(req.params.requestId));
    if (!record)
      throw new Problem('NOT_FOUND', `No request ${String(req.params.requestId)} is in this gateway's log.`);
    await sendReceipt(s, record, res);
  });

  r.get('/v1/regulator/search', async (req, res) => {
    onlyDocumentedParams(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (!q || q.length > 200)
      throw new Problem(
        'QUERY_INVALID',
        'q must be 1 to 200 characters: a credit code, dataset id, grant id, transaction id, request id or a name.',
      );
    const results: Record<string, unknown>[] = [];
    const push = (
      kind: string,
      id: string,
      label: string,
      link: string,
      extra: Record<string, unknown> = {},
    ): void => {
      if (!results.some((x) => x.kind === kind && x.id === id))
        results.push({ kind, id, label, link, ...extra });
    };
    const timeline = (k: string, id: string): string => `#/regulator/timeline?${k}=${encodeURIComponent(id)}`;

    const upper = q.toUpperCase();
    const enterprise = s.view.enterprises.get(upper);
    if (enterprise)
      push(
        'enterprise',
        enterprise.creditCode,
        enterprise.name,
        timeline('enterprise', enterprise.creditCode),
        { level: enterprise.rating.level },
      );
    const dataset = s.view.datasets.get(q);
    if (dataset)
      push('dataset', dataset.id, dataset.name, timeline('dataset', dataset.id), { owner: dataset.owner });
    const grant = s.view.grants.get(q);
    if (grant)
      push('grant', grant.id, `${grant.creditCode} → ${grant.datasetId}`, timeline('grant', grant.id), {
        state: grant.state,
      });

    if (REQUEST_ID.test(q)) {
      const record = await s.audit.get(q.toLowerCase());
      if (record)
        push(
          'request',
          record.requestId,
          `${record.method} ${record.path} → ${record.decision} (${record.reason})`,
          `#/regulator/anchors?receipt=${record.requestId}`,
          { time: record.time, enterprise: record.enterprise ?? null },
        );
    }

    if (TX_LIKE.test(q)) {
      const tx = TX_ID.test(q) ? q.toLowerCase() : q;
      const anchor = (await anchorsNewestFirst(s.audit, Number.MAX_SAFE_INTEGER)).find((a) => a.txId === tx);
      if (anchor)
        push(
          'anchor',
          tx,
          `audit anchor ${anchor.sequence} of ${s.config.gatewayId} (records ${anchor.firstRecord}–${anchor.treeSize - 1})`,
          '#/regulator/anchors',
          { blockNumber: anchor.blockNumber },
        );
      const lastTx = (o: unknown): unknown => (o as { txId?: unknown }).txId;
      for (const g of s.view.grants.values())
        if (lastTx(g) === tx)
          push('grant', g.id, `latest change of grant ${g.id} (${g.state})`, timeline('grant', g.id), {
            txId: tx,
          });
      for (const e of s.view.enterprises.values())
        if (lastTx(e) === tx)
          push(
            'enterprise',
            e.creditCode,
            `latest change of ${e.name}`,
            timeline('enterprise', e.creditCode),
            { txId: tx },
          );
      for (const d of s.view.datasets.values())
        if (lastTx(d) === tx)
          push('dataset', d.id, `latest change of ${d.name}`, timeline('dataset', d.id), { txId: tx });
      if (!results.length && TX_ID.test(q) && s.ledger.blockOf) {
        const block = await s.ledger.blockOf(tx).catch(() => undefined);
        if (block !== undefined)
          push('transaction', tx, `transaction in block ${block}`, '', { blockNumber: block });
      }
    }

    if (ID.test(q) && !grant && !TX_ID.test(q) && !REQUEST_ID.test(q)) {
      const [foundApplication, foundAgreement] = await Promise.all([
        find(() => application.get(q)),
        find(() => agreement.get(q)),
      ]);
      if (foundApplication) {
        const a = foundApplication;
        push(
          'application',
          q,
          `application of ${a.creditCode ?? '?'} (${a.state ?? '?'})`,
          timeline('enterprise', a.creditCode ?? ''),
          { state: a.state ?? null },
        );
      }
      if (foundAgreement) {
        const a = foundAgreement;
        const first = a.grants?.[0];
        push(
          'agreement',
          q,
          `agreement with ${a.terms?.creditCode ?? '?'} (${a.state ?? '?'})`,
          first ? timeline('grant', first) : timeline('enterprise', a.terms?.creditCode ?? ''),
          { state: a.state ?? null },
        );
      }
    }

    // Names and partial ids.
    const needle = q.toLowerCase();
    for (const e of s.view.enterprises.values()) {
      if (results.length >= 50) break;
      if (e.name.toLowerCase().includes(needle) || e.creditCode.toLowerCase().startsWith(needle))
        push('enterprise', e.creditCode, e.name, timeline('enterprise', e.creditCode), {
          level: e.rating.level,
        });
    }
    for (const d of s.view.datasets.values()) {
      if (results.length >= 50) break;
      if (d.name.toLowerCase().includes(needle) || d.id.toLowerCase().includes(needle))
        push('dataset', d.id, d.name, timeline('dataset', d.id), { owner: d.owner });
    }
    for (const g of s.view.grants.values()) {
      if (results.length >= 50) break;
      if (needle.length >= 4 && g.id.toLowerCase().includes(needle))
        push('grant', g.id, `${g.creditCode} → ${g.datasetId}`, timeline('grant', g.id), { state: g.state });
    }
    res.json({ q, data: results });
  });

  return r;
}
