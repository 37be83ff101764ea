/**
 * Reading across the ledger: the history of any object (regulators, L16/Z34), overdue items for the
 * bureau and regulators, and the public views — the recipients list (Z16, L21) and credit evaluations (L24).
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, READ_ALL, requireRole } from '../lib/access';
import { RdxContext } from '../lib/context';
import { loadCalendars, today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import type { ObjectType } from '../lib/events';
import { idsByIndex, objectKey } from '../lib/keys';
import { idsOfType, pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { load } from '../lib/store';
import { int, jsonArg, oneOf, str } from '../lib/validate';
import { loadAgreementShell, USAGE_REPORT_INTERVAL_DAYS } from '../models/agreement';
import {
  APPLICATION_STATES,
  loadApplicationShell,
  OPEN_STATES,
  readApplication,
} from '../models/application';
import { workingDaysBetween } from '../models/calendar';
import { loadComplaintShell } from '../models/complaint';
import { parseDataset, type Dataset } from '../models/dataset';
import { parseEnterprise, type Enterprise } from '../models/enterprise';
import { loadGrantShell } from '../models/grant';
import { parseCreditEvaluation } from './duty-contract';

const HISTORY_TYPES: ObjectType[] = [
  'calendar',
  'body',
  'enterprise',
  'dataset',
  'application',
  'agreement',
  'grant',
  'complaint',
  'duty',
  'evaluation',
  'anchor',
  'gateway',
];

export interface HistoryEntry {
  txId: string;
  time: string;
  isDelete: boolean;
  /** The org and role that made the change, as recorded in the object. */
  by?: { mspId: string; role: string };
  value?: unknown;
}

export interface OverdueItem {
  type: 'application' | 'complaint' | 'product' | 'usage-report';
  id: string;
  step: string;
  due: string;
  workingDaysOverdue?: number;
  party: string;
}

function addDays(d: string, days: number): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

@Info({ title: 'QueryContract', description: 'History, overdue items and public views' })
export class QueryContract extends RdxContract {
  constructor() {
    super('query');
  }

  /** Every version of an object with its transaction id, time and the org that made it. */
  @Transaction(false)
  @Returns('string')
  public async GetHistory(ctx: RdxContext, type: string, id: string): Promise<string> {
    await requireRole(ctx, READ_ALL, 'read the history of ledger objects');
    const t = oneOf(type, 'type', HISTORY_TYPES);
    const iterator = await ctx.stub.getHistoryForKey(objectKey(ctx, t, str(id, 'id', { max: 200 })));
    const entries: HistoryEntry[] = [];
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        const m = r.value;
        const seconds =
          typeof m.timestamp.seconds === 'number'
            ? m.timestamp.seconds
            : Number(m.timestamp.seconds.toString());
        const value = m.isDelete
          ? undefined
          : (JSON.parse(Buffer.from(m.value).toString('utf8')) as { updatedBy?: HistoryEntry['by'] });
        entries.push({
          txId: m.txId,
          time: new Date(seconds * 1000 + Math.floor(m.timestamp.nanos / 1e6)).toISOString(),
          isDelete: m.isDelete,
          by: value?.updatedBy,
          value,
        });
      }
    } finally {
      await iterator.close();
    }
    if (entries.length === 0) throw new RdxError(ErrorCode.NOT_FOUND, `${t} ${id} has no history`);
    return JSON.stringify(entries);
  }

  /** Bureau and regulators: every item past its deadline, and the duties enterprises missed. */
  @Transaction(false)
  @Returns('string')
  public async ListOverdue(ctx: RdxContext): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway'], 'list overdue items');
    const now = today(ctx);
    const calendars = await loadCalendars(ctx);
    const lateBy = (due: string): number | undefined => {
      try {
        return workingDaysBetween(due, now, calendars);
      } catch {
        return undefined;
      }
    };
    const items: OverdueItem[] = [];
    for (const state of OPEN_STATES) {
      for (const id of await idsByIndex(ctx, 'application~state', [state])) {
        const app = await loadApplicationShell(ctx, id);
        if (app.deadline && app.deadline.due < now) {
          const party =
            state === 'OWNER_REVIEW'
              ? Object.keys(app.ownerReviews).length
                ? 'remaining opening bodies'
                : 'opening bodies'
              : 'BureauMSP';
          items.push({
            type: 'application',
            id,
            step: app.deadline.step,
            due: app.deadline.due,
            workingDaysOverdue: lateBy(app.deadline.due),
            party,
          });
        }
      }
    }
    for (const id of await idsByIndex(ctx, 'complaint~state', ['OPEN'])) {
      const c = await loadComplaintShell(ctx, id);
      if (c.deadline.due < now)
        items.push({
          type: 'complaint',
          id,
          step: c.deadline.step,
          due: c.deadline.due,
          workingDaysOverdue: lateBy(c.deadline.due),
          party: c.body,
        });
    }
    for (const id of await idsOfType(ctx, 'agreement')) {
      const a = await loadAgreementShell(ctx, id);
      if (a.state !== 'IN_FORCE' || !a.inForceAt) continue;
      if (!a.product && a.productDeadline && a.productDeadline < now) {
        items.push({
          type: 'product',
          id,
          step: 'product-publication',
          due: a.productDeadline,
          party: a.creditCode,
        });
      }
      const lastReport = (a.lastUsageReportAt ?? a.inForceAt).slice(0, 10);
      const reportDue = addDays(lastReport, USAGE_REPORT_INTERVAL_DAYS);
      if (reportDue < now)
        items.push({
          type: 'usage-report',
          id,
          step: 'usage-report',
          due: reportDue,
          party: a.creditCode,
        });
    }
    return JSON.stringify(items);
  }

  /** Bureau, regulators, gateway; bodies see applications naming them. Filter `{ state }` or `{ enterprise }`. */
  @Transaction(false)
  @Returns('string')
  public async ListApplications(
    ctx: RdxContext,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'list applications',
    );
    const filter = jsonArg(filterJson || '{}', 'filter', 1024);
    const size = int(Number(pageSize || 50), 'pageSize', 1, 200);
    const [index, prefix] = isBodyStaff(actor)
      ? ['application~body', [actor.mspId]]
      : typeof filter.state === 'string'
        ? ['application~state', [oneOf(filter.state, 'state', APPLICATION_STATES)]]
        : typeof filter.enterprise === 'string'
          ? ['application~enterprise', [filter.enterprise]]
          : ['application~state', []];
    const page = await pageOfIds(ctx, index, prefix, size, String(bookmark ?? ''));
    // Whole applications, read from the collections this peer holds for the caller's org.
    const apps = await Promise.all(
      page.items.map(async (id) => readApplication(ctx, actor, await loadApplicationShell(ctx, id))),
    );
    return JSON.stringify({ items: apps, bookmark: page.bookmark });
  }

  /** Public (名单信息): who holds which restricted dataset, since when. Any identity on the channel. */
  @Transaction(false)
  @Returns('string')
  public async ListRecipients(ctx: RdxContext): Promise<string> {
    const rows = [];
    // Many grants share an enterprise and a dataset: each is read once per call, not once per grant.
    const enterprises = new Map<string, Promise<Enterprise>>();
    const datasets = new Map<string, Promise<Dataset>>();
    const once = <T>(memo: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> => {
      let value = memo.get(id);
      if (!value) memo.set(id, (value = read()));
      return value;
    };
    for (const state of ['ACTIVE', 'SUSPENDED']) {
      for (const id of await idsByIndex(ctx, 'grant~state', [state])) {
        const g = await loadGrantShell(ctx, id);
        const [enterprise, dataset] = await Promise.all([
          once(enterprises, g.creditCode, () => load(ctx, 'enterprise', g.creditCode, parseEnterprise)),
          once(datasets, g.datasetId, () => load(ctx, 'dataset', g.datasetId, parseDataset)),
        ]);
        rows.push({
          enterpriseName: enterprise.name,
          creditCode: g.creditCode,
          datasetId: g.datasetId,
          datasetName: dataset.name,
          body: g.body,
          since: g.grantedAt,
          validUntil: g.validUntil,
          state: g.state,
        });
      }
    }
    rows.sort((a, b) => a.since.localeCompare(b.since) || a.datasetId.localeCompare(b.datasetId));
    return JSON.stringify(rows);
  }

  /** Public (信用评价, L24). */
  @Transaction(false)
  @Returns('string')
  public async ListCreditEvaluations(ctx: RdxContext): Promise<string> {
    const ids = await idsOfType(ctx, 'evaluation');
    return JSON.stringify(
      await Promise.all(ids.map((id) => load(ctx, 'evaluation', id, parseCreditEvaluation))),
    );
  }
}
