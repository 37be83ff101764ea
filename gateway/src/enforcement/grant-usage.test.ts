import { expect } from 'chai';
import { DS, GRANT } from '../testing/fixtures.js';
import { chinaToday } from './decide.js';
import { assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { testPostgres } from '../testing/postgres.js';
import { MemoryGrantUsage, PgGrantUsage } from './grant-usage.js';

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

  it('two gateways on one PostgreSQL never allow more than the agreed quota between them, even called at once', async function () {
    if (!server.url) {
      if (server.error) throw server.error;
      console.log(`      (skipped: ${server.skip})`);
      return this.skip();
    }
    const shared = [await PgGrantUsage.open(server.url), await PgGrantUsage.open(server.url)];
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
});
