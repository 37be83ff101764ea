/**
 * Reading across the ledger: the history of any object (regulators, L16/Z34), overdue items for the
 * bureau and regulators, and the public views — the recipients list (Z16, L21) and credit evaluations (L24).
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, READ_ALL, requireOwner, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { loadCalendars, today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import type { ObjectType } from '../lib/events';
import { idsByIndex, objectKey, pageByPartialKey } from '../lib/keys';
import { allOfType, eachOfType, listingRequest, pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { load, tryLoad } from '../lib/store';
import { intArg, oneOf, str } from '../lib/validate';
import { loadAgreementShell, openDuties } from '../models/agreement';
import { agreementsOwingBefore } from '../models/due-index';
import {
  APPLICATION_STATES,
  loadApplicationShell,
  OPEN_STATES,
  readApplication,
} from '../models/application';
import { addCalendarDays, calendarDaysBetween, workingDaysBetween } from '../models/calendar';
import { loadComplaintShell } from '../models/complaint';
import { bodyPerformance, type BodyPerformance } from '../models/performance';
import { parseDataset, type Dataset } from '../models/dataset';
import { parseEnterprise, type Enterprise } from '../models/enterprise';
import { loadGrantShell } from '../models/grant';
import { compareRecipients, LIVE_GRANT_STATES, type RecipientRow } from '../models/recipient';
import { dutyBody, parseCreditEvaluation } from './duty-contract';
import { parseCatalogueReview } from './catalog-contract';
import { parseBody } from './platform-contract';

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
  /**
   * `catalogue-review`: an opening body with datasets has not recorded last year's catalogue review (Z10).
   * `data-return`: an agreement with a return duty whose next return (L22, every `returnIntervalDays`) is late.
   * `complaint`: open past its 10 working days (step `complaint-handling`), or resolved with the complainant not
   * told within them (step `complainant-reply`).
   * `rectification`: a grant suspended for a violation past the day it was to be rectified by (Z39): its
   * suspender verifies, then restores it or terminates it. `calendar`: the working-day calendar of a year is missing — this year's (every deadline fails), or from
   * October the next year's, before it is needed (due the last day of this year).
   */
  type:
    | 'application'
    | 'complaint'
    | 'product'
    | 'usage-report'
    | 'data-return'
    | 'catalogue-review'
    | 'calendar'
    | 'rectification';
  id: string;
  step: string;
  due: string;
  workingDaysOverdue?: number;
  party: string;
}

/** The most calendar days ahead query:ListDutiesDueSoon looks: a quarter, the interval of usage reports (L7). */
export const MAX_DUTIES_DUE_SOON_DAYS = 92;

/** A duty under an agreement about to fall due: the enterprise that owes it, by when, and how many days are left. */
export interface DutyDueSoonItem {
  type: 'product' | 'data-return' | 'usage-report';
  /** The agreement. */
  id: string;
  step: string;
  due: string;
  daysLeft: number;
  /** The enterprise's credit code (or person code). */
  party: string;
}

/** A review step about to fall due: who owes it, by when, and how many working days are left. */
export interface DueSoonItem {
  type: 'application';
  id: string;
  step: string;
  due: string;
  workingDaysLeft: number;
  party: string;
}

/** The most working days ahead query:ListReviewsDueSoon looks. */
export const MAX_DUE_SOON_DAYS = 30;

/** From this month on, a missing calendar for next year is listed, so the bureau sets it before 1 January. */
export const CALENDAR_WARNING_MONTH = 10;

/** What the clerk service must do: grants and ratings past their last valid day, not yet marked expired. */
export interface DueExpiry {
  /** A grant id, or an enterprise's credit code for a rating. */
  id: string;
  validUntil: string;
}

/** Calendar years that are missing now or, from October, next year: as overdue items. */
function missingCalendars(now: string, calendars: Map<number, unknown>): OverdueItem[] {
  const year = Number(now.slice(0, 4));
  const items: OverdueItem[] = [];
  const missing = (y: number, due: string): void => {
    if (!calendars.has(y))
      items.push({ type: 'calendar', id: String(y), step: 'calendar-year', due, party: 'BureauMSP' });
  };
  missing(year, `${year}-01-01`);
  if (Number(now.slice(5, 7)) >= CALENDAR_WARNING_MONTH) missing(year + 1, `${year}-12-31`);
  return items;
}

/**
 * An opening body reads the history of its own objects and of what every body may read; another body's object
 * answers as a missing one, and the gateways' anchors are the bureau's and regulators' only.
 */
async function requireHistoryOf(ctx: RdxContext, actor: Actor, type: ObjectType, id: string): Promise<void> {
  const what = `${type} ${id}`;
  switch (type) {
    case 'calendar':
    case 'body':
    case 'enterprise':
    case 'evaluation':
    case 'dataset':
      return;
    case 'application':
      if (!(await loadApplicationShell(ctx, id)).bodies.includes(actor.mspId))
        throw new RdxError(ErrorCode.NOT_FOUND, `${what} does not exist`);
      return;
    case 'agreement':
      return requireOwner(actor, (await loadAgreementShell(ctx, id)).body, what);
    case 'grant':
      return requireOwner(actor, (await loadGrantShell(ctx, id)).body, what);
    case 'complaint':
      return requireOwner(actor, (await loadComplaintShell(ctx, id)).body, what);
    case 'duty':
      return requireOwner(actor, await dutyBody(ctx, id), what);
    default:
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `only the bureau, regulators or the gateway may read the history of ${type} objects`,
      );
  }
}

@Info({ title: 'QueryContract', description: 'History, overdue items and public views' })
export class QueryContract extends RdxContract {
  constructor() {
    super('query');
  }

  /**
   * Every version of an object with its transaction id, time and the org that made it: the bureau, regulators,
   * the gateway, and an opening body for what is its own or public (its datasets, applications naming it, its
   * agreements, grants, complaints and the reports under them; the catalogue, calendar, enterprises, evaluations).
   */
  @Transaction(false)
  @Returns('string')
  public async GetHistory(ctx: RdxContext, type: string, id: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      [...READ_ALL, 'body', 'body-reviewer'],
      'read the history of ledger objects',
    );
    const t = oneOf(type, 'type', HISTORY_TYPES);
    const key = str(id, 'id', { max: 200 });
    if (isBodyStaff(actor)) await requireHistoryOf(ctx, actor, t, key);
    const iterator = await ctx.stub.getHistoryForKey(objectKey(ctx, t, key));
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

  /**
   * Bureau, regulators, the gateway (for the console) and the clerk service: every item past its deadline, the
   * duties enterprises missed, and a working-day calendar year that is missing (from October for next year).
   */
  @Transaction(false)
  @Returns('string')
  public async ListOverdue(ctx: RdxContext): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway', 'clerk'], 'list overdue items');
    const now = today(ctx);
    const calendars = await loadCalendars(ctx);
    const lateBy = (due: string): number | undefined => {
      try {
        return workingDaysBetween(due, now, calendars);
      } catch {
        return undefined;
      }
    };
    const items: OverdueItem[] = missingCalendars(now, calendars);
    // Z10: each body reviews its catalogue yearly; last year's review is overdue from 1 January.
    const lastYear = Number(now.slice(0, 4)) - 1;
    const owners = new Set<string>();
    for await (const d of eachOfType(ctx, 'dataset', parseDataset))
      if (d.registeredAt.slice(0, 4) <= String(lastYear)) owners.add(d.owner);
    for (const body of [...owners].sort())
      if (!(await tryLoad(ctx, 'catalogue-review', `${body}.${lastYear}`, parseCatalogueReview)))
        items.push({
          type: 'catalogue-review',
          id: `${body}.${lastYear}`,
          step: 'catalogue-review',
          due: `${lastYear}-12-31`,
          party: body,
        });
    for (const state of OPEN_STATES) {
      for (const id of await idsByIndex(ctx, 'application~state', [state])) {
        const app = await loadApplicationShell(ctx, id);
        if (state === 'OWNER_REVIEW' && app.ownerReviewDue) {
          // Each body by its own due day (L11(3): its batch, or 15 working days).
          for (const [body, due] of Object.entries(app.ownerReviewDue))
            if (!app.ownerReviews[body] && due < now)
              items.push({
                type: 'application',
                id,
                step: 'owner-review',
                due,
                workingDaysOverdue: lateBy(due),
                party: body,
              });
          continue;
        }
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
    for (const id of await idsByIndex(ctx, 'grant~state', ['SUSPENDED'])) {
      const g = await loadGrantShell(ctx, id);
      const due = g.reason?.rectifyBy;
      if (due && due < now)
        items.push({
          type: 'rectification',
          id,
          step: 'rectification',
          due,
          party: g.reason?.by ?? g.body,
        });
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
    // Z21 / L17: the complainant is told within the same 10 working days; a resolved complaint nobody told is late.
    for (const id of await idsByIndex(ctx, 'complaint~unanswered', [])) {
      const c = await loadComplaintShell(ctx, id);
      if (c.state === 'RESOLVED' && !c.notification && c.deadline.due < now)
        items.push({
          type: 'complaint',
          id,
          step: 'complainant-reply',
          due: c.deadline.due,
          workingDaysOverdue: lateBy(c.deadline.due),
          party: c.body,
        });
    }
    for await (const a of agreementsOwingBefore(ctx, now))
      for (const duty of openDuties(a))
        if (duty.due < now) items.push({ ...duty, id: a.id, party: a.creditCode });
    return JSON.stringify(items);
  }

  /**
   * The bureau, regulators and the gateway: how each registered opening body performed in a period (a year
   * `2026` or a quarter `2026Q4`; L23, Z38) — datasets and their updates, demands received, owner reviews against
   * their deadlines, grants, complaints. An opening body reads its own.
   */
  @Transaction(false)
  @Returns('string')
  public async BodyPerformance(ctx: RdxContext, period: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'read the performance of opening bodies',
    );
    const bodies = isBodyStaff(actor)
      ? [actor.mspId]
      : (await allOfType(ctx, 'body', parseBody)).filter((b) => !b.removedAt).map((b) => b.mspId);
    const rows: BodyPerformance[] = [];
    for (const body of bodies) rows.push(await bodyPerformance(ctx, body, period));
    return JSON.stringify(rows);
  }

  /**
   * The review steps of open applications due within `days` working days from today (0: due today), each with
   * the party that owes it: an opening body's owner review by its own due day (L11(3)), the bureau's formal
   * review, coordination and re-review. The gateway reminds them before the step shows in ListOverdue.
   */
  @Transaction(false)
  @Returns('string')
  public async ListReviewsDueSoon(ctx: RdxContext, days: string): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway', 'clerk'], 'list reviews due soon');
    const within = intArg(days, 'days', 0, MAX_DUE_SOON_DAYS, 3);
    const now = today(ctx);
    const calendars = await loadCalendars(ctx);
    const items: DueSoonItem[] = [];
    const consider = (id: string, step: string, due: string, party: string): void => {
      if (due < now) return; // overdue: ListOverdue's
      let left: number;
      try {
        left = workingDaysBetween(now, due, calendars);
      } catch {
        return; // a calendar year is missing: ListOverdue names it
      }
      if (left <= within) items.push({ type: 'application', id, step, due, workingDaysLeft: left, party });
    };
    for (const state of OPEN_STATES) {
      for (const id of await idsByIndex(ctx, 'application~state', [state])) {
        const app = await loadApplicationShell(ctx, id);
        if (state === 'OWNER_REVIEW' && app.ownerReviewDue) {
          for (const [body, due] of Object.entries(app.ownerReviewDue))
            if (!app.ownerReviews[body]) consider(id, 'owner-review', due, body);
        } else if (app.deadline && state !== 'OWNER_REVIEW') {
          consider(id, app.deadline.step, app.deadline.due, 'BureauMSP');
        }
      }
    }
    return JSON.stringify(items);
  }

  /**
   * The duties enterprises owe under agreements in force that fall due within `days` calendar days from today (0:
   * due today): a product to publish, data to return, the quarterly usage report (L7, L21, L22). The gateway
   * reminds each enterprise before the duty shows in ListOverdue.
   */
  @Transaction(false)
  @Returns('string')
  public async ListDutiesDueSoon(ctx: RdxContext, days: string): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator', 'gateway', 'clerk'], 'list duties due soon');
    const within = intArg(days, 'days', 0, MAX_DUTIES_DUE_SOON_DAYS, 7);
    const now = today(ctx);
    const horizon = addCalendarDays(now, within);
    const items: DutyDueSoonItem[] = [];
    for await (const a of agreementsOwingBefore(ctx, addCalendarDays(horizon, 1)))
      for (const duty of openDuties(a))
        if (duty.due >= now && duty.due <= horizon)
          items.push({
            ...duty,
            id: a.id,
            daysLeft: calendarDaysBetween(now, duty.due),
            party: a.creditCode,
          });
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
    const { actor, filter, size } = await listingRequest(ctx, filterJson, pageSize, 'list applications', [
      'state',
      'enterprise',
    ]);
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

  /**
   * The clerk service, bureau and regulators: of one page of grants in `state` (ACTIVE or SUSPENDED), those
   * past their last valid day. A page may hold none and still have a next one: go on until the bookmark is empty.
   */
  @Transaction(false)
  @Returns('string')
  public async ListGrantsDue(
    ctx: RdxContext,
    state: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await requireRole(ctx, ['clerk', 'bureau', 'regulator'], 'list grants due to expire');
    const live = oneOf(state, 'state', ['ACTIVE', 'SUSPENDED'] as const);
    const size = intArg(pageSize, 'pageSize', 1, 1000, 200);
    const now = today(ctx);
    const page = await pageOfIds(ctx, 'grant~state', [live], size, String(bookmark ?? ''));
    const items: DueExpiry[] = [];
    for (const id of page.items) {
      const g = await loadGrantShell(ctx, id);
      if (g.validUntil < now) items.push({ id, validUntil: g.validUntil });
    }
    return JSON.stringify({ today: now, items, bookmark: page.bookmark });
  }

  /**
   * The clerk service, bureau and regulators: of one page of agreements under notice of termination, those whose
   * notice period has run (`validUntil` here is the day the termination takes effect).
   */
  @Transaction(false)
  @Returns('string')
  public async ListTerminationsDue(ctx: RdxContext, pageSize: string, bookmark: string): Promise<string> {
    await requireRole(ctx, ['clerk', 'bureau', 'regulator'], 'list terminations due');
    const size = intArg(pageSize, 'pageSize', 1, 1000, 200);
    const now = today(ctx);
    const page = await pageOfIds(ctx, 'agreement~termination', [], size, String(bookmark ?? ''));
    const items: DueExpiry[] = [];
    for (const id of page.items) {
      const a = await loadAgreementShell(ctx, id);
      const on = a.termination?.effectiveOn;
      if (a.state === 'IN_FORCE' && on && on <= now) items.push({ id, validUntil: on });
    }
    return JSON.stringify({ today: now, items, bookmark: page.bookmark });
  }

  /** The clerk service, bureau and regulators: of one page of enterprises, the ratings past their validity. */
  @Transaction(false)
  @Returns('string')
  public async ListRatingsDue(ctx: RdxContext, pageSize: string, bookmark: string): Promise<string> {
    await requireRole(ctx, ['clerk', 'bureau', 'regulator'], 'list ratings due to expire');
    const size = intArg(pageSize, 'pageSize', 1, 1000, 200);
    const now = today(ctx);
    const { iterator, metadata } = await pageByPartialKey(
      ctx,
      'enterprise',
      [],
      size,
      String(bookmark ?? ''),
    );
    const items: DueExpiry[] = [];
    let read = 0;
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        read++;
        const e = parseEnterprise(JSON.parse(Buffer.from(r.value.value).toString('utf8')));
        if (!e.rating.expired && e.rating.validUntil < now)
          items.push({ id: e.creditCode, validUntil: e.rating.validUntil });
      }
    } finally {
      await iterator.close();
    }
    return JSON.stringify({ today: now, items, bookmark: read < size ? '' : metadata.bookmark });
  }

  /**
   * Public (名单信息): who holds which restricted dataset, since when, oldest first. Any identity on the channel.
   * The whole list in one answer: past some 15 000 live grants it outgrows a client's 4 MB message, and
   * {@link ListRecipientsPage} gives it a page at a time.
   */
  @Transaction(false)
  @Returns('string')
  public async ListRecipients(ctx: RdxContext): Promise<string> {
    const rows: RecipientRow[] = [];
    const recipients = new Recipients(ctx);
    for (const state of LIVE_GRANT_STATES)
      for (const id of await idsByIndex(ctx, 'grant~state', [state])) {
        const row = await recipients.row(id);
        if (row) rows.push(row);
      }
    rows.sort(compareRecipients);
    return JSON.stringify(rows);
  }

  /**
   * The recipients list a page of grants at a time, for lists of any length: active grants, then suspended ones,
   * each in grant-id order (a reader sorts the whole as it wants). `bookmark` is '' to start, then the one the
   * previous page returned, '' again after the last. Rows past their last valid day are left out, so a page may
   * hold fewer rows than `pageSize` (default 500, at most 1000). Any identity on the channel.
   */
  @Transaction(false)
  @Returns('string')
  public async ListRecipientsPage(ctx: RdxContext, pageSize: string, bookmark: string): Promise<string> {
    const size = intArg(pageSize, 'pageSize', 1, 1000, 500);
    // The bookmark names the state being read and Fabric's bookmark within it.
    const at = /^(ACTIVE|SUSPENDED):([\s\S]*)$/.exec(bookmark ?? '');
    if (bookmark && !at)
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'bookmark must be one a previous page returned');
    const state = (at?.[1] ?? 'ACTIVE') as (typeof LIVE_GRANT_STATES)[number];
    const page = await pageOfIds(ctx, 'grant~state', [state], size, at?.[2] ?? '');
    const recipients = new Recipients(ctx);
    const items: RecipientRow[] = [];
    for (const id of page.items) {
      const row = await recipients.row(id);
      if (row) items.push(row);
    }
    const next = page.bookmark ? `${state}:${page.bookmark}` : state === 'ACTIVE' ? 'SUSPENDED:' : '';
    return JSON.stringify({ items, bookmark: next });
  }

  /** Public (信用评价, L24). */
  @Transaction(false)
  @Returns('string')
  public async ListCreditEvaluations(ctx: RdxContext): Promise<string> {
    return JSON.stringify(await allOfType(ctx, 'evaluation', parseCreditEvaluation));
  }
}

/**
 * Rows of the recipients list, one per live grant. Many grants share an enterprise and a dataset: each is read
 * once per call, not once per grant.
 */
class Recipients {
  private readonly enterprises = new Map<string, Promise<Enterprise>>();
  private readonly datasets = new Map<string, Promise<Dataset>>();
  private readonly now: string;

  constructor(private readonly ctx: RdxContext) {
    this.now = today(ctx);
  }

  /** The grant's row; none past its last valid day, a grant no one's any more whether or not the clerk has marked it yet. */
  async row(grantId: string): Promise<RecipientRow | undefined> {
    const g = await loadGrantShell(this.ctx, grantId);
    if (g.validUntil < this.now) return undefined;
    const [enterprise, dataset] = await Promise.all([
      once(this.enterprises, g.creditCode, () => load(this.ctx, 'enterprise', g.creditCode, parseEnterprise)),
      once(this.datasets, g.datasetId, () => load(this.ctx, 'dataset', g.datasetId, parseDataset)),
    ]);
    return {
      enterpriseName: enterprise.name,
      creditCode: g.creditCode,
      datasetId: g.datasetId,
      datasetName: dataset.name,
      body: g.body,
      since: g.grantedAt,
      validUntil: g.validUntil,
      state: g.state,
    };
  }
}

function once<T>(memo: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> {
  let value = memo.get(id);
  if (!value) memo.set(id, (value = read()));
  return value;
}
