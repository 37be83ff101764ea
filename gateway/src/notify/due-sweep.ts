/**
 * What time alone makes due becomes notifications too (issue 13): a grant or a rating ending within 30 days and
 * again within 7, a duty under an agreement due within 7 days (query:ListDutiesDueSoon), a review due within 3
 * working days (RDX_REVIEW_REMINDER_DAYS; query:ListReviewsDueSoon, which
 * knows the working-day calendar), and every item of the ledger's overdue list (query:ListOverdue: reviews, complaints,
 * rectifications, duties, the catalogue review, a missing calendar year) to the party that owes it. No event
 * announces these, so the sweep looks at the view and those lists once the view is built, then hourly.
 *
 * Each notification's id is derived from what it is about and the day or threshold it marks, so a sweep that
 * runs again (or after a restart) stores none twice; a renewed grant ends on another day and is announced again.
 */
import crypto from 'node:crypto';
import {
  NOTIFICATION_KINDS,
  type DueSoonItem,
  type DutyDueSoonItem,
  type Notification,
  type NotificationKind,
  type OverdueItem,
} from '@rdx/client';
import { chinaToday } from '../enforcement/decide.js';
import type { LedgerView } from '../view/ledger-view.js';
import { bodyParty, enterpriseParty } from './derive.js';
import type { NotificationStore } from './notification-store.js';

/** Days before the end of a grant or rating at which its holder is told, in the order they are reached. */
export const EXPIRY_NOTICES = [30, 7] as const;
/** Days before a duty under an agreement falls due at which the enterprise is reminded (RDX_DUTY_REMINDER_DAYS). */
export const DUTY_REMINDER_DAYS = 7;
/** The most the duty reminder may lead by: as far ahead as query:ListDutiesDueSoon looks (a quarter). */
export const MAX_DUTY_REMINDER_DAYS = 92;
/** Working days before a review falls due at which the party that owes it is reminded (RDX_REVIEW_REMINDER_DAYS). */
export const REVIEW_REMINDER_DAYS = 3;
/** The most the reminder may lead by: as far ahead as the ledger's query:ListReviewsDueSoon looks. */
export const MAX_REVIEW_REMINDER_DAYS = 30;

const DAY_MS = 86_400_000;

function dueId(...parts: (string | number)[]): string {
  return `ntf_${crypto
    .createHash('sha256')
    .update(['due', ...parts].join('|'))
    .digest('hex')
    .slice(0, 32)}`;
}

/** The smallest notice threshold `daysLeft` has reached, if any (7 once 7 days or fewer are left). */
function threshold(daysLeft: number): number | undefined {
  return daysLeft < 0 ? undefined : [...EXPIRY_NOTICES].reverse().find((t) => daysLeft <= t);
}

/** What time has made due at `now`: from the view, the reviews due soon and the overdue list. */
export function dueNotifications(
  view: LedgerView,
  overdue: readonly OverdueItem[],
  now: Date,
  dueSoon: readonly DueSoonItem[] = [],
  dutiesDueSoon: readonly DutyDueSoonItem[] = [],
): Notification[] {
  const today = chinaToday(now);
  const at = now.toISOString();
  const daysTo = (day: string): number => Math.round((Date.parse(day) - Date.parse(today)) / DAY_MS);
  const out: Notification[] = [];
  const add = (
    id: string,
    kind: NotificationKind,
    recipient: string,
    subject: Notification['subject'],
    detail: Record<string, unknown>,
  ) => out.push({ id, kind, title: NOTIFICATION_KINDS[kind][1], recipient, subject, at, detail });
  // A party is an opening body (or the bureau) by its MSP id, or an enterprise by its code; applications from
  // before each body's due day was kept name "opening bodies", whom no one can be told as.
  const partyOf = (party: string): string | undefined =>
    view.enterprises.has(party)
      ? enterpriseParty(party)
      : /^[A-Za-z0-9.-]+$/.test(party)
        ? bodyParty(party)
        : undefined;

  for (const g of view.grants.values()) {
    // A live grant: a suspended one may be restored, and its holder plans around its end all the same.
    if (g.state !== 'ACTIVE' && g.state !== 'SUSPENDED') continue;
    const left = daysTo(g.validUntil);
    const t = threshold(left);
    if (t !== undefined)
      add(
        dueId('grant', g.id, g.validUntil, t),
        'grant.expiring',
        enterpriseParty(g.creditCode),
        { type: 'grant', id: g.id, state: g.state },
        { validUntil: g.validUntil, daysLeft: left },
      );
  }
  for (const e of view.enterprises.values()) {
    if (e.rating.expired) continue;
    const left = daysTo(e.rating.validUntil);
    const t = threshold(left);
    if (t !== undefined)
      add(
        dueId('rating', e.creditCode, e.rating.validUntil, t),
        'rating.expiring',
        enterpriseParty(e.creditCode),
        { type: 'enterprise', id: e.creditCode, state: e.rating.level },
        { validUntil: e.rating.validUntil, daysLeft: left },
      );
  }
  // A listed step is told once per step and due day, to whoever owes it.
  const tell = (
    kind: NotificationKind,
    item: { type: string; id: string; step: string; due: string; party: string },
    detail: Record<string, unknown>,
  ): void => {
    const recipient = partyOf(item.party);
    if (recipient)
      add(
        dueId(kind, item.type, item.id, item.step, item.party, item.due),
        kind,
        recipient,
        { type: item.type, id: item.id },
        { step: item.step, due: item.due, ...detail },
      );
  };
  for (const item of dueSoon) tell('review.due-soon', item, { workingDaysLeft: item.workingDaysLeft });
  // A duty is always an enterprise's (or a natural person's), whether or not this view knows it yet.
  for (const d of dutiesDueSoon)
    add(
      dueId('duty.due-soon', d.type, d.id, d.step, d.party, d.due),
      'duty.due-soon',
      enterpriseParty(d.party),
      { type: 'agreement', id: d.id },
      { step: d.step, due: d.due, daysLeft: d.daysLeft },
    );
  for (const item of overdue)
    tell(
      'overdue',
      item,
      item.workingDaysOverdue !== undefined ? { workingDaysOverdue: item.workingDaysOverdue } : {},
    );
  return out;
}

/** The ledger's lists the sweep reads (query:ListOverdue, ListReviewsDueSoon, ListDutiesDueSoon). */
export interface DueLists {
  overdue(): Promise<OverdueItem[]>;
  reviewsDueSoon(): Promise<DueSoonItem[]>;
  dutiesDueSoon(): Promise<DutyDueSoonItem[]>;
}

/** Runs the sweep once the view is built, then every `everyMs` (an hour by default); a failed one within a minute. */
export class DueSweep {
  private timer?: NodeJS.Timeout;
  lastError?: string;

  constructor(
    private readonly view: LedgerView,
    private readonly lists: DueLists,
    private readonly store: NotificationStore,
    private readonly log: (line: string) => void = () => undefined,
    private readonly everyMs = 3_600_000,
  ) {}

  /** One sweep; the notifications that were new. */
  async sweep(now = new Date()): Promise<Notification[]> {
    const [overdue, dueSoon, duties] = await Promise.all([
      this.lists.overdue(),
      this.lists.reviewsDueSoon(),
      this.lists.dutiesDueSoon(),
    ]);
    const fresh = this.store.add(dueNotifications(this.view, overdue, now, dueSoon, duties));
    if (fresh.length) this.log(`notifications: ${fresh.length} made due by time`);
    return fresh;
  }

  start(): void {
    let last = 0;
    const check = (): void => {
      // After the view is built (an empty view would announce nothing), then every `everyMs`.
      if (!this.view.following || Date.now() - last < this.everyMs) return;
      last = Date.now();
      this.sweep().then(
        () => (this.lastError = undefined),
        (err: unknown) => {
          this.lastError = err instanceof Error ? err.message.split('\n')[0] : String(err);
          last = 0;
          this.log(`notifications: the sweep of what is due failed (${this.lastError}); trying again`);
        },
      );
    };
    this.timer = setInterval(check, Math.min(60_000, this.everyMs));
    this.timer.unref();
    setTimeout(check, 1000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
