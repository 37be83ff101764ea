/**
 * What time makes due: grants and ratings ending within 30 and 7 days, reviews and duties due soon, and the overdue
 * list, each told once.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DueSoonItem, DutyDueSoonItem, OverdueItem } from '@rdx/client';
import { LedgerView, type EnterpriseView, type GrantView } from '../view/ledger-view.js';
import { DueSweep, dueNotifications } from './due-sweep.js';
import { NotificationStore } from './notification-store.js';

const ACME = '91331100MA2A8QN43L';
/** 2026-11-30 10:00 China time. */
const NOW = new Date('2026-11-30T02:00:00Z');

function grant(id: string, validUntil: string, state: GrantView['state'] = 'ACTIVE'): GrantView {
  return {
    id,
    agreementId: 'a',
    creditCode: ACME,
    datasetId: 'ds',
    body: 'MarketMSP',
    items: [],
    purpose: '',
    validFrom: '2026-01-01',
    validUntil,
    dailyQuota: 1,
    state,
    grantedAt: '2026-01-01T00:00:00Z',
  };
}

function view(grants: GrantView[], ratingUntil = '2027-12-31'): LedgerView {
  const v = new LedgerView();
  const e: EnterpriseView = {
    creditCode: ACME,
    name: '某公司',
    publicKey: '',
    rating: { level: 'AA', validUntil: ratingUntil, creditStatus: 'good' },
  };
  v.replaceAll([e], [], grants);
  return v;
}

const OVERDUE: OverdueItem[] = [
  {
    type: 'application',
    id: 'app-9',
    step: 'owner-review',
    due: '2026-11-20',
    party: 'MarketMSP',
    workingDaysOverdue: 6,
  },
  { type: 'usage-report', id: 'agr-1', step: 'usage-report', due: '2026-11-01', party: ACME },
  {
    type: 'calendar',
    id: '2027',
    step: 'calendar-year',
    due: '2026-12-31',
    party: 'BureauMSP',
  },
];

const DUE_SOON: DueSoonItem[] = [
  {
    type: 'application',
    id: 'app-9',
    step: 'owner-review',
    due: '2026-12-02',
    workingDaysLeft: 2,
    party: 'TransportMSP',
  },
  // An application from before each body's due day was kept: no one to tell.
  {
    type: 'application',
    id: 'app-old',
    step: 'owner-review',
    due: '2026-12-02',
    workingDaysLeft: 2,
    party: 'opening bodies',
  },
];

const PERSON = 'P-3F9A0C12B7D45E68';

const DUTIES_DUE_SOON: DutyDueSoonItem[] = [
  { type: 'usage-report', id: 'agr-2', step: 'usage-report', due: '2026-12-05', daysLeft: 5, party: ACME },
  // A person this gateway's view does not know yet is still an enterprise-side party, never a body.
  {
    type: 'product',
    id: 'agr-3',
    step: 'product-publication',
    due: '2026-12-01',
    daysLeft: 1,
    party: PERSON,
  },
];

describe('what time makes due (notifications)', () => {
  it('a live grant within 30 days of its end, then within 7; not one further off, ended already, or ended early', () => {
    const made = dueNotifications(
      view([
        grant('g-30', '2026-12-30'),
        grant('g-31', '2026-12-31'),
        grant('g-7', '2026-12-07'),
        grant('g-0', '2026-11-30'),
        grant('g-past', '2026-11-29'),
        grant('g-susp', '2026-12-01', 'SUSPENDED'),
        grant('g-gone', '2026-12-01', 'REVOKED'),
      ]),
      [],
      NOW,
    );
    expect(made.map((n) => [n.kind, n.subject.id, n.detail?.daysLeft])).to.deep.equal([
      ['grant.expiring', 'g-30', 30],
      ['grant.expiring', 'g-7', 7],
      ['grant.expiring', 'g-0', 0],
      ['grant.expiring', 'g-susp', 1],
    ]);
    expect(new Set(made.map((n) => n.recipient))).to.deep.equal(new Set([`enterprise:${ACME}`]));
  });

  it('the 30-day and the 7-day notices are two notifications; each is told once however often the sweep runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-due-'));
    const store = NotificationStore.open(path.join(dir, 'n.db'));
    try {
      const sweep = new DueSweep(
        view([grant('g-1', '2026-12-20')], '2026-12-05'),
        {
          overdue: () => Promise.resolve(OVERDUE),
          reviewsDueSoon: () => Promise.resolve(DUE_SOON),
          dutiesDueSoon: () => Promise.resolve(DUTIES_DUE_SOON),
        },
        store,
      );
      const first = await sweep.sweep(NOW);
      expect(first.map((n) => [n.kind, n.recipient])).to.deep.equal([
        ['grant.expiring', `enterprise:${ACME}`],
        ['rating.expiring', `enterprise:${ACME}`],
        ['review.due-soon', 'body:TransportMSP'],
        ['duty.due-soon', `enterprise:${ACME}`],
        ['duty.due-soon', `enterprise:${PERSON}`],
        ['overdue', 'body:MarketMSP'],
        ['overdue', `enterprise:${ACME}`],
        ['overdue', 'body:BureauMSP'],
      ]);
      expect(
        await sweep.sweep(new Date(NOW.getTime() + 3_600_000)),
        'an hour later: nothing new',
      ).to.deep.equal([]);
      // Two weeks on, the 7-day notices come (the overdue items are the same: not told again).
      const later = await sweep.sweep(new Date('2026-12-14T02:00:00Z'));
      expect(later.map((n) => [n.kind, n.detail?.daysLeft])).to.deep.equal([['grant.expiring', 6]]);
      expect(store.checkpoint(), 'the sweep marks no block').to.equal(undefined);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a duty due soon names its step, due day and days left, about its agreement', () => {
    const [usage] = dueNotifications(view([]), [], NOW, [], DUTIES_DUE_SOON);
    expect([usage?.kind, usage?.subject, usage?.detail]).to.deep.equal([
      'duty.due-soon',
      { type: 'agreement', id: 'agr-2' },
      { step: 'usage-report', due: '2026-12-05', daysLeft: 5 },
    ]);
  });

  it('an overdue item names its step and due day; a renewed grant is announced again for its new end', () => {
    const [item] = dueNotifications(view([]), OVERDUE.slice(0, 1), NOW);
    expect(item).to.deep.include({
      kind: 'overdue',
      recipient: 'body:MarketMSP',
      subject: { type: 'application', id: 'app-9' },
    });
    expect(item?.detail).to.deep.equal({ step: 'owner-review', due: '2026-11-20', workingDaysOverdue: 6 });
    const [soon, ...none] = dueNotifications(view([]), [], NOW, DUE_SOON);
    expect(none, '"opening bodies" is no one to tell').to.deep.equal([]);
    expect(soon).to.deep.include({ kind: 'review.due-soon', recipient: 'body:TransportMSP' });
    expect(soon?.detail).to.deep.equal({ step: 'owner-review', due: '2026-12-02', workingDaysLeft: 2 });
    const before = dueNotifications(view([grant('g', '2026-12-20')]), [], NOW)[0]!.id;
    const renewed = dueNotifications(view([grant('g', '2026-12-21')]), [], NOW)[0]!.id;
    expect(renewed).to.not.equal(before);
  });
});
