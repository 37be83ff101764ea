/** Which notifications each chaincode event makes, and that each goes to the party concerned and no other. */
import { expect } from 'chai';
import { kindsFor, NOTIFICATION_KINDS, type Notification } from '@rdx/client';
import type { LedgerEvent } from '../ledger/ledger.js';
import { notificationsOf, type NotifyReader } from './derive.js';

const ACME = '91331100MA2A8QN43L';
const OTHER = '91440300708461136T';
const PERSON = 'P-3F9A0C12B7D45E68';

/** The ledger as derivation reads it: one application naming two bodies, agreements, complaints and duties. */
const reader: NotifyReader = {
  application: (id) =>
    Promise.resolve({
      creditCode: ACME,
      bodies: ['MarketMSP', 'TransportMSP'],
      formalReview: { reason: `${id}: 缺少等保备案证明` },
      reReview: { reason: '需求与场景不符' },
    }),
  agreementBody: (id) => Promise.resolve(id.endsWith('.TransportMSP') ? 'TransportMSP' : 'MarketMSP'),
  duty: (id) =>
    Promise.resolve({
      agreementId: 'app-1.TransportMSP',
      ...(id.startsWith('old') ? {} : { body: 'TransportMSP' }),
    }),
  datasetOwner: (id) => (id === 'ds-market' ? 'MarketMSP' : undefined),
  complainantOf: (id) => (id === 'c-by-enterprise' ? `enterprise:${OTHER}` : undefined),
};

let tx = 0;
function event(name: string, ...changes: LedgerEvent['changes']): LedgerEvent {
  return { blockNumber: 10, txId: `tx-${++tx}`, name, time: '2026-11-30T01:00:00.000Z', changes };
}

/** Every event the table covers, with the notifications it must make: [kind, recipient]. */
const TABLE: [LedgerEvent, [string, string][]][] = [
  [
    event('ApplicationSubmitted', {
      type: 'application',
      id: 'app-1',
      state: 'FORMAL_REVIEW',
      enterprise: ACME,
    }),
    [['review.awaiting', 'body:BureauMSP']],
  ],
  [
    event('ApplicationResubmitted', {
      type: 'application',
      id: 'app-1',
      state: 'FORMAL_REVIEW',
      enterprise: ACME,
    }),
    [['review.awaiting', 'body:BureauMSP']],
  ],
  // One body of two has answered: the application still waits for the other, no one new owes anything.
  [event('OwnerReviewed', { type: 'application', id: 'app-1', state: 'OWNER_REVIEW', enterprise: ACME }), []],
  // The escalations: a body's refusal or the enterprise's dispute goes to the bureau to coordinate.
  [
    event('OwnerReviewed', { type: 'application', id: 'app-3', state: 'COORDINATION', enterprise: ACME }),
    [['review.awaiting', 'body:BureauMSP']],
  ],
  [
    event('ReviewDisputed', { type: 'application', id: 'app-4', state: 'COORDINATION', enterprise: ACME }),
    [['review.awaiting', 'body:BureauMSP']],
  ],
  [
    event('FormalReviewed', { type: 'application', id: 'app-1', state: 'RETURNED', enterprise: ACME }),
    [['application.returned', `enterprise:${ACME}`]],
  ],
  [
    event('FormalReviewed', { type: 'application', id: 'app-1', state: 'OWNER_REVIEW', enterprise: ACME }),
    [
      ['demand.received', 'body:MarketMSP'],
      ['demand.received', 'body:TransportMSP'],
    ],
  ],
  [
    event('OwnerReviewed', { type: 'application', id: 'app-1', state: 'RE_REVIEW', enterprise: ACME }),
    [['review.awaiting', 'body:BureauMSP']],
  ],
  [
    event('ReReviewed', { type: 'application', id: 'app-1', state: 'APPROVED', enterprise: ACME }),
    [['application.approved', `enterprise:${ACME}`]],
  ],
  [
    event('ReReviewed', { type: 'application', id: 'app-2', state: 'REJECTED', enterprise: PERSON }),
    [['application.rejected', `enterprise:${PERSON}`]],
  ],
  [
    event('AgreementDrafted', { type: 'agreement', id: 'app-1.MarketMSP', state: 'DRAFT', enterprise: ACME }),
    [],
  ],
  [
    event('AgreementSigned', { type: 'agreement', id: 'app-1.MarketMSP', state: 'DRAFT', enterprise: ACME }),
    [['agreement.awaiting-signature', `enterprise:${ACME}`]],
  ],
  [
    event(
      'AgreementInForce',
      { type: 'agreement', id: 'app-1.TransportMSP', state: 'IN_FORCE', enterprise: ACME },
      { type: 'grant', id: 'g-1', state: 'ACTIVE', enterprise: ACME, dataset: 'ds' },
    ),
    [
      ['agreement.in-force', `enterprise:${ACME}`],
      ['agreement.signed', 'body:TransportMSP'],
    ],
  ],
  [
    event(
      'AgreementRenewed',
      { type: 'agreement', id: 'app-1.MarketMSP', state: 'IN_FORCE', enterprise: ACME },
      { type: 'grant', id: 'g-1', state: 'ACTIVE', enterprise: ACME },
    ),
    [['agreement.renewed', `enterprise:${ACME}`]],
  ],
  [
    event('GrantSuspended', { type: 'grant', id: 'g-1', state: 'SUSPENDED', enterprise: ACME }),
    [['grant.suspended', `enterprise:${ACME}`]],
  ],
  [
    event('GrantRestored', { type: 'grant', id: 'g-1', state: 'ACTIVE', enterprise: ACME }),
    [['grant.restored', `enterprise:${ACME}`]],
  ],
  [
    event('GrantWithdrawn', { type: 'grant', id: 'g-1', state: 'REVOKED', enterprise: ACME }),
    [['grant.withdrawn', `enterprise:${ACME}`]],
  ],
  [
    event(
      'GrantTerminated',
      { type: 'grant', id: 'g-1', state: 'TERMINATED', enterprise: ACME },
      { type: 'agreement', id: 'app-1.MarketMSP', state: 'TERMINATED', enterprise: ACME },
      { type: 'enterprise', id: ACME },
    ),
    [
      ['grant.terminated', `enterprise:${ACME}`],
      ['agreement.terminated', `enterprise:${ACME}`],
    ],
  ],
  [
    event('GrantExpired', { type: 'grant', id: 'g-1', state: 'EXPIRED', enterprise: ACME }),
    [['grant.expired', `enterprise:${ACME}`]],
  ],
  [
    event(
      'EnterpriseRated',
      { type: 'enterprise', id: ACME, state: 'A' },
      { type: 'grant', id: 'g-2', state: 'SUSPENDED', enterprise: ACME },
    ),
    [
      ['rating.changed', `enterprise:${ACME}`],
      ['grant.suspended', `enterprise:${ACME}`],
    ],
  ],
  [
    event('RatingExpired', { type: 'enterprise', id: PERSON, state: 'EXPIRED' }),
    [['rating.expired', `enterprise:${PERSON}`]],
  ],
  [event('EnterpriseOnboarded', { type: 'enterprise', id: ACME, state: 'AA' }), []],
  [
    event('ComplaintFiled', { type: 'complaint', id: 'c-1', state: 'OPEN', dataset: 'ds-market' }),
    [['complaint.filed', 'body:MarketMSP']],
  ],
  [
    event(
      'ComplaintResolved',
      { type: 'complaint', id: 'c-by-enterprise', state: 'RESOLVED', dataset: 'ds-market' },
      { type: 'grant', id: 'g-1', state: 'ACTIVE', enterprise: ACME },
    ),
    [
      ['complaint.resolved', `enterprise:${OTHER}`],
      ['grant.restored', `enterprise:${ACME}`],
    ],
  ],
  // A citizen's complaint resolved: the citizen is told by the body (Z35), not by the platform.
  [
    event('ComplaintResolved', {
      type: 'complaint',
      id: 'c-public',
      state: 'RESOLVED',
      dataset: 'ds-market',
    }),
    [],
  ],
  [
    event(
      'SecurityIssueReported',
      {
        type: 'duty',
        id: 'app-1.TransportMSP.security-issue.0001',
        state: 'security-issue',
        enterprise: ACME,
      },
      { type: 'complaint', id: 'c-sec', state: 'OPEN', dataset: 'ds-market' },
    ),
    [
      ['security-issue.reported', 'body:TransportMSP'],
      ['complaint.filed', 'body:MarketMSP'],
    ],
  ],
  [
    event('UsageReported', { type: 'duty', id: 'old-usage', state: 'usage-report', enterprise: ACME }),
    [['usage-report.received', 'body:TransportMSP']],
  ],
  [event('ProductPublished', { type: 'duty', id: 'p-1', state: 'product', enterprise: ACME }), []],
  [event('AnchorRecorded', { type: 'anchor', id: 'gw1.1' }), []],
];

describe('notifications from chaincode events (issue 13)', () => {
  it('each event makes exactly the notifications of the table, to the party concerned', async () => {
    for (const [e, expected] of TABLE) {
      const made = await notificationsOf(e, reader);
      expect(
        made.map((n) => [n.kind, n.recipient]),
        `${e.name} ${JSON.stringify(e.changes)}`,
      ).to.deep.equal(expected);
    }
  });

  it('every kind is made by some event and goes only to its kind of party', async () => {
    const made: Notification[] = [];
    for (const [e] of TABLE) made.push(...(await notificationsOf(e, reader)));
    // The rest are made by time (due-sweep.ts) or by the traffic the gateway watches (misuse/), not by events.
    const byTime = [
      'grant.expiring',
      'rating.expiring',
      'review.due-soon',
      'duty.due-soon',
      'overdue',
      'misuse.signal',
    ];
    expect(new Set(made.map((n) => n.kind))).to.deep.equal(
      new Set(Object.keys(NOTIFICATION_KINDS).filter((k) => !byTime.includes(k))),
    );
    for (const n of made) {
      const party = n.recipient.startsWith('enterprise:') ? 'enterprise' : 'body';
      expect(kindsFor(party), `${n.kind} to ${n.recipient}`).to.include(n.kind);
    }
  });

  it('the same event gives the same ids (stored once after a restart); different recipients, different ids', async () => {
    const e = TABLE[2]![0];
    const [a, b] = [await notificationsOf(e, reader), await notificationsOf(e, reader)];
    expect(a.map((n) => n.id)).to.deep.equal(b.map((n) => n.id));
    expect(new Set(a.map((n) => n.id)).size).to.equal(a.length);
  });

  /** The table's event named `name` whose first change is in `state`. */
  const eventIn = (name: string, state: string): LedgerEvent =>
    TABLE.find(([e]) => e.name === name && e.changes[0]?.state === state)![0];

  it('a return or rejection carries its reason; the subject, transaction, block and time are the event’s', async () => {
    const returning = eventIn('FormalReviewed', 'RETURNED');
    const [returned] = await notificationsOf(returning, reader);
    expect(returned).to.deep.include({
      subject: { type: 'application', id: 'app-1', state: 'RETURNED' },
      txId: returning.txId,
      block: 10,
      at: '2026-11-30T01:00:00.000Z',
      detail: { reason: 'app-1: 缺少等保备案证明' },
    });
    const [rejected] = await notificationsOf(eventIn('ReReviewed', 'REJECTED'), reader);
    expect(rejected?.detail).to.deep.equal({ reason: '需求与场景不符' });
  });

  it("the bureau is told which step it owes, and that a coordination comes from the enterprise's dispute", async () => {
    const step = async (name: string, state: string) =>
      (await notificationsOf(eventIn(name, state), reader))[0]?.detail;
    expect(await step('ApplicationSubmitted', 'FORMAL_REVIEW')).to.deep.equal({ step: 'formal-review' });
    expect(await step('OwnerReviewed', 'COORDINATION')).to.deep.equal({ step: 'coordination' });
    expect(await step('ReviewDisputed', 'COORDINATION')).to.deep.equal({
      step: 'coordination',
      disputed: true,
    });
    expect(await step('OwnerReviewed', 'RE_REVIEW')).to.deep.equal({ step: 're-review' });
  });

  it('a complaint recorded before events named its dataset makes none; a read refused for good is skipped, others thrown', async () => {
    const old = event('ComplaintFiled', { type: 'complaint', id: 'c-0', state: 'OPEN' });
    expect(await notificationsOf(old, reader)).to.deep.equal([]);
    const refusing: NotifyReader = { ...reader, application: () => Promise.reject(new Error('FORBIDDEN')) };
    const e = event(
      'ReReviewed',
      { type: 'application', id: 'app-1', state: 'APPROVED', enterprise: ACME },
      { type: 'grant', id: 'g-1', state: 'SUSPENDED', enterprise: ACME },
    );
    const skipped: string[] = [];
    const made = await notificationsOf(e, refusing, (change) => skipped.push(change.id) > 0);
    expect([made.map((n) => n.kind), skipped]).to.deep.equal([['grant.suspended'], ['app-1']]);
    await expect(notificationsOf(e, refusing)).to.be.rejectedWith('FORBIDDEN');
  });
});
