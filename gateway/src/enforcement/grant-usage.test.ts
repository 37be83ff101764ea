import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.js';
import { entry } from '../audit/audit-log.suite.js';
import type { AuditEntry } from '../audit/audit-record.js';
import { withCleanup, type Defer } from '../testing/cleanup.js';
import { DS, GRANT } from '../testing/fixtures.js';
import { chinaToday } from './decide.js';
import { assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { testPostgres } from '../testing/postgres.js';
import {
  LeasedCalls,
  MAX_LEASE,
  MemoryGrantUsage,
  PgGrantUsage,
  restoreQuotas,
  type GrantUsage,
} from './grant-usage.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

describe('daily quotas and privacy budgets across gateways', () => {
  after(() => server.stop?.());

  it('alone, a gateway counts in memory: the limit holds, a new day starts from zero, ε sums within the budget', async () => {
    const usage = new MemoryGrantUsage();
    for (let i = 0; i < 3; i++) expect(await usage.take('g', '2026-01-01', 'calls', 1, 3)).to.equal(true);
    expect(await usage.take('g', '2026-01-01', 'calls', 1, 3)).to.equal(false);
    expect(await usage.take('g', '2026-01-02', 'calls', 1, 3)).to.equal(true);
    // Twenty spends of 0.5 fill a budget of 10 exactly, despite the floating point of the sum.
    for (let i = 0; i < 20; i++)
      expect(await usage.take('g', '2026-01-01', 'epsilon', 0.5, 10)).to.equal(true);
    expect(await usage.take('g', '2026-01-01', 'epsilon', 0.5, 10)).to.equal(false);
  });

  /** A SQLite audit log in a folder of its own holding `entries`, closed and deleted after the test. */
  async function logOf(defer: Defer, entries: AuditEntry[]): Promise<AuditLog> {
    const dir = mkdtempSync(join(tmpdir(), 'rdx-usage-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const log = AuditLog.open(join(dir, 'audit.db'));
    defer(() => log.close());
    await Promise.all(entries.map((e) => log.append(e)));
    return log;
  }

  it('alone, a restarted gateway counts today’s calls and ε from its audit log: not yesterday’s, not refusals', () =>
    withCleanup(async (defer) => {
      // 09:00 on 2026-03-02 in China; China's day began at 16:00 UTC the day before.
      const now = new Date('2026-03-02T01:00:00.000Z');
      const at = (iso: string, i: number, overrides: Partial<AuditEntry> = {}): AuditEntry =>
        entry(i, { time: iso, grantId: 'g1', ...overrides });
      const log = await logOf(defer, [
        at('2026-03-01T15:59:59.999Z', 0),
        at('2026-03-01T16:00:00.000Z', 1),
        at('2026-03-01T17:00:00.000Z', 2, { decision: 'deny', reason: 'quota', status: 429 }),
        at('2026-03-01T18:00:00.000Z', 3, { grantId: 'g2', query: '{"epsilon":0.5,"groupBy":["x"]}' }),
        at('2026-03-01T19:00:00.000Z', 4, { grantId: 'g2', query: '{"cursor":null,"limit":5}' }),
        at('2026-03-01T20:00:00.000Z', 5, { grantId: 'g2', query: '{"epsilon":"much"}' }),
        at('2026-03-02T00:59:00.000Z', 6),
      ]);
      const usage = new MemoryGrantUsage();
      restoreQuotas(log, usage, now);
      const today = chinaToday(now);
      expect(await usage.used('g1', today, 'calls')).to.equal(2);
      expect(await usage.used('g1', today, 'epsilon')).to.equal(0);
      expect(await usage.used('g2', today, 'calls')).to.equal(3);
      expect(await usage.used('g2', today, 'epsilon')).to.equal(0.5);
    }));

  it('the calls counted since an instant are those a walk through every record would count (property)', () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ minute: fc.nat(120), allow: fc.boolean(), grant: fc.constantFrom('a', 'b') }), {
          maxLength: 60,
        }),
        fc.nat(120),
        (calls, sinceMinute) =>
          withCleanup(async (defer) => {
            const minute = (m: number): string => new Date(Date.UTC(2026, 2, 1) + m * 60_000).toISOString();
            // Appended in time order, as a gateway appends them.
            const sorted = [...calls].sort((x, y) => x.minute - y.minute);
            const log = await logOf(
              defer,
              sorted.map((c, i) =>
                entry(i, {
                  time: minute(c.minute),
                  grantId: c.grant,
                  ...(c.allow ? {} : { decision: 'deny' as const, reason: 'no', status: 403 }),
                }),
              ),
            );
            const expected = new Map<string, number>();
            for (const c of sorted)
              if (c.allow && c.minute >= sinceMinute) expected.set(c.grant, (expected.get(c.grant) ?? 0) + 1);
            const counted = new Map(log.usageSince(minute(sinceMinute)).map((u) => [u.grantId, u.calls]));
            expect(counted).to.deep.equal(expected);
          }),
      ),
      { numRuns: 25 },
    ));

  it('two gateways on one PostgreSQL never allow more than the agreed quota between them, even called at once', async function () {
    if (!server.url) {
      if (server.error) throw server.error;
      console.log(`      (skipped: ${server.skip})`);
      return this.skip();
    }
    // As main.ts opens them: the shared counts, taken in leases.
    const shared = [
      new LeasedCalls(await PgGrantUsage.open(server.url)),
      new LeasedCalls(await PgGrantUsage.open(server.url)),
    ];
    const gateways: Harness[] = [];
    try {
      for (const usage of shared) gateways.push(await startHarness({ usage }));
      for (const g of gateways) {
        const grant = g.view.grants.get(GRANT.AA_PEOPLE)!;
        g.view.putGrant({ ...grant, dailyQuota: 7 });
      }
      // Thirty calls at once, alternating between the gateways.
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          gateways[i % 2]!.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' }),
        ),
      );
      const served = replies.filter((r) => r.status === 200);
      expect(served.length, 'calls served by the two gateways together').to.equal(7);
      for (const r of replies.filter((x) => x.status !== 200)) assertProblem(r, 429, 'QUOTA_EXCEEDED');
      // Both served some: it is one count, not one per gateway.
      expect(replies.slice(0, 30).some((r, i) => i % 2 === 0 && r.status === 200)).to.equal(true);
      expect(await shared[0]!.used(GRANT.AA_PEOPLE, chinaToday(new Date()), 'calls')).to.equal(7);
    } finally {
      for (const g of gateways) await g.close();
      for (const u of shared) await u.close();
    }
  });

  it('two gateways taking leases of a quota of 300 never serve more than 300 calls between them, 400 asked at once', async function () {
    if (!server.url) return this.skip();
    const pg = await PgGrantUsage.open(server.url);
    const gateways = [new LeasedCalls(pg), new LeasedCalls(pg)];
    try {
      const day = '2026-03-03';
      const granted = await Promise.all(
        Array.from({ length: 400 }, (_, i) => gateways[i % 2]!.take('g-lease', day, 'calls', 1, 300)),
      );
      expect(granted.filter(Boolean).length)
        .to.be.at.most(300)
        .and.at.least(300 - 2 * 3);
      expect(await pg.used('g-lease', day, 'calls')).to.equal(300);
    } finally {
      await pg.close();
    }
  });
});

/** A shared count that says how often it was asked. */
function counting(shared: GrantUsage): GrantUsage & { takes: number } {
  const c = {
    takes: 0,
    take: (...args: Parameters<GrantUsage['take']>) => {
      c.takes++;
      return shared.take(...args);
    },
    used: (...args: Parameters<GrantUsage['used']>) => shared.used(...args),
    close: () => shared.close(),
  };
  return c;
}

describe('calls taken in leases', () => {
  const day = '2026-03-01';

  it('a busy grant asks the shared count once per lease of 1 % of its quota (at most 64), not once per call', async () => {
    const shared = counting(new MemoryGrantUsage());
    const usage = new LeasedCalls(shared);
    for (let i = 0; i < 1000; i++) expect(await usage.take('g', day, 'calls', 1, 1_000_000)).to.equal(true);
    expect(shared.takes).to.equal(Math.ceil(1000 / MAX_LEASE));
    expect(await usage.used('g', day, 'calls'), 'calls made, not calls leased').to.equal(1000);
    const small = counting(new MemoryGrantUsage());
    const leased = new LeasedCalls(small);
    for (let i = 0; i < 50; i++) await leased.take('g', day, 'calls', 1, 1000);
    expect(small.takes, 'a quota of 1000 leases 10 at a time').to.equal(5);
  });

  it('called at once, a quota is never exceeded; one gateway alone serves it exactly', async () => {
    const shared = counting(new MemoryGrantUsage());
    const a = new LeasedCalls(shared);
    const b = new LeasedCalls(shared);
    const granted = await Promise.all(
      Array.from({ length: 1500 }, (_, i) => (i % 3 ? a : b).take('g', day, 'calls', 1, 1234)),
    );
    const served = granted.filter(Boolean).length;
    // What one gateway holds leased when the other runs out is not served by the other: at most a lease each.
    expect(served)
      .to.be.at.most(1234)
      .and.at.least(1234 - 2 * 12);
    expect(await shared.used('g', day, 'calls')).to.equal(1234);
    // Each gateway's count is the shared one less what it holds unused: together, exactly what was served.
    expect((await a.used('g', day, 'calls')) + (await b.used('g', day, 'calls')) - 1234).to.equal(served);
    const alone = new LeasedCalls(new MemoryGrantUsage());
    const one = await Promise.all(Array.from({ length: 1500 }, () => alone.take('g', day, 'calls', 1, 1234)));
    expect(one.filter(Boolean).length).to.equal(1234);
    // Used up: later calls are refused without asking the shared count each time.
    const asked = shared.takes;
    expect(await a.take('g', day, 'calls', 1, 1234)).to.equal(false);
    expect(await a.take('g', day, 'calls', 1, 1234)).to.equal(false);
    expect(shared.takes - asked).to.be.at.most(1);
  });

  it('near the end of a quota leases shrink to single calls: one gateway’s lease never starves another', async () => {
    const shared = new MemoryGrantUsage();
    const a = new LeasedCalls(shared);
    const b = new LeasedCalls(shared);
    // a leases 10 of a quota of 1000 and keeps 9; b then uses all the rest, one lease at a time.
    expect(await a.take('g', day, 'calls', 1, 1000)).to.equal(true);
    let byB = 0;
    while (await b.take('g', day, 'calls', 1, 1000)) byB++;
    expect(byB).to.equal(990);
    for (let i = 0; i < 9; i++) expect(await a.take('g', day, 'calls', 1, 1000)).to.equal(true);
    expect(await a.take('g', day, 'calls', 1, 1000)).to.equal(false);
  });

  it('a new day starts from zero; a restart loses at most the unused part of a lease; ε is taken as asked', async () => {
    const shared = new MemoryGrantUsage();
    const before = new LeasedCalls(shared);
    for (let i = 0; i < 5; i++) await before.take('g', day, 'calls', 1, 10_000);
    const restarted = new LeasedCalls(shared);
    expect(await restarted.used('g', day, 'calls')).to.equal(MAX_LEASE);
    expect(await restarted.take('g', '2026-03-02', 'calls', 1, 10_000)).to.equal(true);
    expect(await restarted.used('g', '2026-03-02', 'calls')).to.equal(1);
    expect(await restarted.take('g', day, 'epsilon', 0.5, 1)).to.equal(true);
    expect(await shared.used('g', day, 'epsilon')).to.equal(0.5);
  });
});
