import { expect } from 'chai';
import { Clerk, HEARTBEAT_EVERY_MS } from './clerk.js';
import { FakeClerkLedger } from './testing/fake-ledger.js';

/** A ledger on 2026-03-03 (China time) with grants and ratings due, not due and already dead. */
function ledgerWithDueItems(): FakeClerkLedger {
  const l = new FakeClerkLedger();
  l.grants.set('g-active-due', { state: 'ACTIVE', validUntil: '2026-03-02' });
  l.grants.set('g-active-long-due', { state: 'ACTIVE', validUntil: '2025-12-31' });
  l.grants.set('g-active-valid', { state: 'ACTIVE', validUntil: '2026-03-03' });
  l.grants.set('g-suspended-due', { state: 'SUSPENDED', validUntil: '2026-03-01' });
  l.grants.set('g-revoked', { state: 'REVOKED', validUntil: '2026-01-01' });
  l.ratings.set('91331100MA2A000001', { validUntil: '2026-03-02', expired: false });
  l.ratings.set('91331100MA2A000002', { validUntil: '2027-03-02', expired: false });
  l.ratings.set('91331100MA2A000003', { validUntil: '2025-03-02', expired: true });
  l.terminations.set('a-notice-ran-out-today', { effectiveOn: '2026-03-03', done: false });
  l.terminations.set('a-notice-running', { effectiveOn: '2026-03-04', done: false });
  l.terminations.set('a-ended', { effectiveOn: '2026-02-01', done: true });
  return l;
}

const quiet = { log: () => undefined };

describe('clerk: the ledger heartbeat', () => {
  it('a round moves the heartbeat on before it marks anything, once it is due; a failed one is logged and the round goes on', async () => {
    const l = ledgerWithDueItems();
    const first = await new Clerk(l, { pageSize: 50, ...quiet }).round();
    expect(first.heartbeat).to.equal(1);
    expect(l.marksBeforeHeartbeat, 'once, before the first mark').to.deep.equal([0]);
    expect(first.terminated.length + first.expired.grants.length).to.be.above(0);
    // Another clerk's round a minute later: not due yet (each heartbeat fails what is in flight as it commits).
    expect((await new Clerk(l, { pageSize: 50, ...quiet }).round()).heartbeat).to.equal(null);
    l.lastHeartbeatAt = new Date(Date.now() - HEARTBEAT_EVERY_MS).toISOString();
    expect((await new Clerk(l, { pageSize: 50, ...quiet }).round()).heartbeat).to.equal(2);
    l.lastHeartbeatAt = new Date(Date.now() - HEARTBEAT_EVERY_MS).toISOString();
    const lines: string[] = [];
    l.heartbeatFails = true;
    l.grants.set('g-due-later', { state: 'ACTIVE', validUntil: '2026-03-01' });
    const second = await new Clerk(l, { pageSize: 50, log: (line) => lines.push(line) }).round();
    expect(second.heartbeat).to.equal(null);
    expect(second.heartbeatError).to.match(/MVCC_READ_CONFLICT/);
    expect(lines.join('\n')).to.match(/heartbeat not moved on this round .*MVCC_READ_CONFLICT/);
    expect(second.expired.grants, 'what is due is marked all the same').to.deep.equal(['g-due-later']);
    // A heartbeat ahead of this clerk's clock (moved by a clerk whose clock ran ahead) does not hold it back.
    l.heartbeatFails = false;
    l.lastHeartbeatAt = new Date(Date.now() + 5 * 60_000).toISOString();
    expect((await new Clerk(l, { pageSize: 50, ...quiet }).round()).heartbeat).to.equal(3);
  });
});

describe('clerk: a round marks what time made due', () => {
  it('expires every grant past its last day (ACTIVE or SUSPENDED, over many pages) and every lapsed rating', async () => {
    const l = ledgerWithDueItems();
    const report = await new Clerk(l, { pageSize: 1, ...quiet }).round();
    expect(report.expired.grants.sort()).to.deep.equal([
      'g-active-due',
      'g-active-long-due',
      'g-suspended-due',
    ]);
    expect(report.expired.ratings).to.deep.equal(['91331100MA2A000001']);
    expect(report.terminated, 'an agreement ends on the day its notice takes effect').to.deep.equal([
      'a-notice-ran-out-today',
    ]);
    expect(l.terminations.get('a-notice-running')?.done).to.equal(false);
    expect(report.failed).to.deep.equal([]);
    expect(report.ledgerToday).to.equal('2026-03-03');
    expect(l.grants.get('g-active-valid')?.state, 'valid through today').to.equal('ACTIVE');
    expect(l.grants.get('g-revoked')?.state).to.equal('REVOKED');
    expect(l.ratings.get('91331100MA2A000002')?.expired).to.equal(false);
  });

  it('terminations, then grants, then ratings: a grant ends with its agreement, and one that ran out is EXPIRED, not suspended by the rating', async () => {
    const l = ledgerWithDueItems();
    await new Clerk(l, { pageSize: 10, ...quiet }).round();
    expect(l.submitted[0]).to.equal('a-notice-ran-out-today');
    const firstRating = l.submitted.findIndex((id) => id.startsWith('9133'));
    expect(l.submitted.slice(1, firstRating).every((id) => id.startsWith('g-'))).to.equal(true);
    expect(firstRating).to.equal(4);
  });

  it('is idempotent: a second round, or a second clerk at once, marks nothing again', async () => {
    const l = ledgerWithDueItems();
    await new Clerk(l, { pageSize: 2, ...quiet }).round();
    const again = await new Clerk(l, { pageSize: 2, ...quiet }).round();
    expect(again.expired).to.deep.equal({ grants: [], ratings: [] });
    expect(again.terminated).to.deep.equal([]);
    expect(again.failed).to.deep.equal([]);
    expect(l.submitted).to.have.length(5);
  });

  it('an item someone else marked (or renewed) between listing and marking is done, not a failure', async () => {
    const l = ledgerWithDueItems();
    l.beforeExpiry = (id) => {
      if (id === 'g-active-due') l.grants.get(id)!.state = 'EXPIRED'; // the owning body was quicker
      if (id === 'g-suspended-due') l.grants.get(id)!.validUntil = '2027-03-02'; // renewed
    };
    const report = await new Clerk(l, { pageSize: 10, ...quiet }).round();
    expect(report.failed).to.deep.equal([]);
    expect(report.alreadyDone.map((d) => [d.kind, d.id])).to.deep.equal([
      ['grant', 'g-active-due'],
      ['grant', 'g-suspended-due'],
    ]);
    expect(report.alreadyDone[1]!.reason).to.match(/valid until 2027-03-02/);
    expect(report.expired.grants).to.deep.equal(['g-active-long-due']);
  });

  it('a transaction that fails once is tried again in the same round; one that keeps failing is left for the next', async () => {
    const l = ledgerWithDueItems();
    l.failures.set('g-active-due', { code: 'MVCC_READ_CONFLICT', times: 1 });
    l.failures.set('91331100MA2A000001', { code: 'LEDGER_UNAVAILABLE', times: 'always' });
    const lines: string[] = [];
    const clerk = new Clerk(l, { pageSize: 10, log: (line) => lines.push(line) });
    const first = await clerk.round();
    expect(first.expired.grants).to.include('g-active-due');
    expect(first.failed).to.deep.equal([
      {
        kind: 'rating',
        id: '91331100MA2A000001',
        code: 'LEDGER_UNAVAILABLE',
        message: '91331100MA2A000001: LEDGER_UNAVAILABLE',
      },
    ]);
    expect(lines.join('\n')).to.match(/rating 91331100MA2A000001 not marked \(LEDGER_UNAVAILABLE\)/);
    l.failures.clear();
    const second = await clerk.round();
    expect(second.expired.ratings).to.deep.equal(['91331100MA2A000001']);
  });

  it('stopped half way, it reports the round interrupted, and a new clerk finishes the work (restart-safe)', async () => {
    const l = ledgerWithDueItems();
    const first = new Clerk(l, { pageSize: 10, ...quiet });
    l.beforeExpiry = () => first.stop(); // stop arrives while the first transaction is in flight
    const cut = await first.round();
    expect(cut.interrupted).to.equal(true);
    expect([...cut.terminated, ...cut.expired.grants], 'one transaction, the first').to.deep.equal([
      'a-notice-ran-out-today',
    ]);
    l.beforeExpiry = () => undefined;
    const rest = await new Clerk(l, { pageSize: 10, ...quiet }).round();
    expect(rest.interrupted).to.equal(false);
    expect(rest.expired.grants.sort()).to.deep.equal([
      'g-active-due',
      'g-active-long-due',
      'g-suspended-due',
    ]);
    expect(rest.expired.ratings).to.deep.equal(['91331100MA2A000001']);
  });

  it('counts the overdue items by type and names missing calendar years', async () => {
    const l = new FakeClerkLedger();
    l.overdueItems = [
      { type: 'application', id: 'app-1', step: 'formal-review', due: '2026-02-01', party: 'BureauMSP' },
      { type: 'application', id: 'app-2', step: 'owner-review', due: '2026-02-02', party: 'opening bodies' },
      { type: 'calendar', id: '2027', step: 'calendar-year', due: '2026-12-31', party: 'BureauMSP' },
    ];
    const report = await new Clerk(l, { pageSize: 10, ...quiet }).round();
    expect(report.overdue).to.deep.equal({ application: 2, calendar: 1 });
    expect(report.missingCalendars).to.deep.equal([{ year: '2027', due: '2026-12-31' }]);
  });

  it('a ledger it cannot read fails the round with the reason', async () => {
    const l = ledgerWithDueItems();
    l.unreachable = true;
    await new Clerk(l, { pageSize: 10, ...quiet }).round().then(
      () => expect.fail('the round should fail'),
      (err: Error) => expect(err.message).to.equal('peer0.bureau is not answering'),
    );
  });

  it('logs its progress on long work', async () => {
    const l = new FakeClerkLedger();
    for (let i = 0; i < 30; i++)
      l.grants.set(`g-${String(i).padStart(2, '0')}`, { state: 'ACTIVE', validUntil: '2026-01-01' });
    const lines: string[] = [];
    await new Clerk(l, { pageSize: 7, log: (line) => lines.push(line), progressEveryMs: 0 }).round();
    expect(lines[0]).to.equal('30 grant(s) due (ledger day 2026-03-03)');
    expect(lines).to.include('15/30 grant(s) done');
    expect(lines.at(-1)).to.equal('30 grant(s) marked, 0 left for the next round');
  });
});
