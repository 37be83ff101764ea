/**
 * Usage reports reconciled against the access log: the calls an enterprise reported for a period beside the
 * calls the gateway actually served on that agreement's grants in it, for the regulator.
 */
import { expect } from 'chai';
import { GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, regulatorLogin, startHarness, type Harness } from '../testing/harness.js';
import { chinaDay } from './audit-stats.js';
import { periodDays, type Reconciliation } from './usage-reconciliation.js';

describe('usage reports reconciled against what the gateway served (L7)', () => {
  it('reads a year, a quarter (2026Q4 or 2026-Q4) and a month; anything else is not a period', () => {
    expect(periodDays('2026')).to.deep.equal({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodDays('2026Q4')).to.deep.equal({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodDays('2025-q1')).to.deep.equal({ from: '2025-01-01', to: '2025-03-31' });
    expect(periodDays('2024-02')).to.deep.equal({ from: '2024-02-01', to: '2024-02-29' });
    for (const bad of ['spring', '2026Q5', '2026-13', '26Q1', ''])
      expect(periodDays(bad), bad).to.equal(undefined);
  });

  describe('the regulator endpoint', () => {
    let h: Harness;
    let token: string;
    const today = chinaDay(Date.now());
    const quarter = `${today.slice(0, 4)}Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
    before(async () => {
      h = await startHarness();
      const grant = h.view.grants.get(GRANT.AA_PEOPLE)!;
      const report = (id: string, period: string, callCount: number) => ({
        id,
        kind: 'usage-report',
        agreementId: grant.agreementId,
        creditCode: grant.creditCode,
        body: grant.body,
        at: new Date().toISOString(),
        detail: { period, callCount, reportHash: 'a'.repeat(64) },
      });
      h.ledger.duties = [
        report('r-now', quarter, 5),
        report('r-old', '2020Q1', 0),
        report('r-vague', '今年春季', 9),
      ];
      for (let i = 0; i < 3; i++)
        assertOk(await h.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, { as: 'AA' }));
      // A refused call is not a call served.
      await h.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, { as: 'AAA' });
      token = await regulatorLogin(h, 'regulator-r');
    });
    after(() => h.close());

    it('sets each report beside the calls served in its period, largest difference first', async () => {
      const body = assertOk<{ gatewayId: string; data: Reconciliation[]; truncated: boolean }>(
        await h.get('/v1/regulator/usage-reconciliation', { token }),
      );
      expect(body.truncated).to.equal(false);
      const byId = new Map(body.data.map((r) => [r.reportId, r]));
      expect(byId.get('r-now')).to.deep.include({ period: quarter, reported: 5, served: 3, difference: 2 });
      expect(byId.get('r-old')).to.deep.include({ reported: 0, served: 0, difference: 0 });
      expect(byId.get('r-vague')?.served).to.equal(undefined);
      expect(byId.get('r-vague')?.note).to.match(/not a year, quarter/);
      expect(body.data[0]!.reportId, 'the largest difference first').to.equal('r-now');
    });

    it('one agreement at a time; a malformed id is refused; an enterprise may not look', async () => {
      const grant = h.view.grants.get(GRANT.AA_PEOPLE)!;
      const one = assertOk<{ data: Reconciliation[] }>(
        await h.get(`/v1/regulator/usage-reconciliation?agreement=${grant.agreementId}`, { token }),
      );
      expect(one.data.map((r) => r.agreementId)).to.satisfy((ids: string[]) =>
        ids.every((id) => id === grant.agreementId),
      );
      assertProblem(
        await h.get('/v1/regulator/usage-reconciliation?agreement=%20x', { token }),
        400,
        'BAD_REQUEST',
      );
      assertProblem(await h.get('/v1/regulator/usage-reconciliation', { as: 'AA' }), 403, 'FORBIDDEN');
    });
  });
});
