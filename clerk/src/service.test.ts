import { expect } from 'chai';
import { Clerk } from './clerk.js';
import { nextRoundAt } from './schedule.js';
import { ClerkService } from './service.js';
import { FakeClerkLedger } from './testing/fake-ledger.js';

describe('clerk service', () => {
  function service(l: FakeClerkLedger, lines: string[] = []): ClerkService {
    const log = (line: string): number => lines.push(line);
    return new ClerkService(new Clerk(l, { pageSize: 10, log }), 3_600_000, log);
  }

  it('keeps what each round did, and why one could not reach the ledger until one does', async () => {
    const l = new FakeClerkLedger();
    l.grants.set('g-1', { state: 'ACTIVE', validUntil: '2026-03-01' });
    const s = service(l);
    l.unreachable = true;
    expect(await s.runRound()).to.equal(undefined);
    expect(s.status.lastError?.message).to.equal('peer0.bureau is not answering');
    expect(s.status.rounds).to.deep.equal({ ok: 0, failed: 1 });
    l.unreachable = false;
    const report = await s.runRound();
    expect(report?.expired.grants).to.deep.equal(['g-1']);
    expect(s.status.lastError).to.equal(undefined);
    expect(s.status.lastRound?.expired.grants).to.deep.equal(['g-1']);
    expect(s.status.expiredTotal).to.deep.equal({ grants: 1, ratings: 0 });
  });

  it('warns in its log, every round, while a calendar year is missing', async () => {
    const l = new FakeClerkLedger();
    l.overdueItems = [
      { type: 'calendar', id: '2027', step: 'calendar-year', due: '2026-12-31', party: 'BureauMSP' },
    ];
    const lines: string[] = [];
    await service(l, lines).runRound();
    expect(lines).to.include(
      'WARNING the working-day calendar of 2027 is missing (needed from 2026-12-31): set it with rdx calendar set',
    );
  });

  /** Starts the service, waits for its first round's schedule, and stops it: when the next round was due. */
  async function nextAfterFirstRound(l: FakeClerkLedger): Promise<{ at: number; s: ClerkService }> {
    const s = service(l);
    s.start();
    while (!s.status.nextRoundAt) await new Promise((r) => setTimeout(r, 5));
    await s.stop();
    return { at: Date.parse(s.status.nextRoundAt), s };
  }

  it('runs a round at start and stops at once when asked, without waiting for the next one', async () => {
    const l = new FakeClerkLedger();
    l.grants.set('g-1', { state: 'ACTIVE', validUntil: '2026-03-01' });
    const started = Date.now();
    const { at } = await nextAfterFirstRound(l);
    expect(Date.now() - started).to.be.below(2000);
    expect(l.grants.get('g-1')?.state).to.equal('EXPIRED');
    expect(at).to.be.above(Date.now());
  });

  it('a round that left an expiry unmarked is tried again soon, not at the next interval', async () => {
    const l = new FakeClerkLedger();
    l.grants.set('g-1', { state: 'ACTIVE', validUntil: '2026-03-01' });
    // Both attempts of the round fail, as when the ordering service has no leader yet after a restart.
    l.failures.set('g-1', { code: 'LEDGER_UNAVAILABLE', times: 2 });
    const { at, s } = await nextAfterFirstRound(l);
    expect(s.status.lastRound?.failed.map((f) => f.id)).to.deep.equal(['g-1']);
    expect(at).to.be.closeTo(nextRoundAt(Date.now(), 3_600_000, 1), 1000);
  });

  it('a round whose heartbeat failed is tried again soon too: a held transaction keeps its chance until one commits', async () => {
    const l = new FakeClerkLedger();
    l.heartbeatFails = true;
    const { at, s } = await nextAfterFirstRound(l);
    expect(s.status.lastRound?.heartbeatError).to.match(/MVCC_READ_CONFLICT/);
    expect(at).to.be.closeTo(nextRoundAt(Date.now(), 3_600_000, 1), 1000);
  });

  it('a round that marked everything due waits for the next interval or midnight', async () => {
    const l = new FakeClerkLedger();
    l.grants.set('g-1', { state: 'ACTIVE', validUntil: '2026-03-01' });
    const { at, s } = await nextAfterFirstRound(l);
    expect(s.status.lastRound?.failed).to.deep.equal([]);
    expect(at).to.be.closeTo(nextRoundAt(Date.now(), 3_600_000, 0), 1000);
  });
});
