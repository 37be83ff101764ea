/**
 * Usage reports reconciled against the access log: the calls an enterprise reported for a period beside the
 * calls the gateway actually served on that agreement's grants in it, for the regulator.
 */
import { expect } from 'chai';
import { GRANT } from '../testing/fixtures.js';
import { signAdminRequest } from '@rdx/client';
import { assertOk, assertProblem, regulatorLogin, startHarness, type Harness } from '../testing/harness.js';
import { sha256Hex } from '../testing/fixtures.js';
import { testOrg } from '../testing/test-ca.js';
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

  describe("the opening body's endpoint, signed with its Fabric identity", () => {
    const URL = '/v1/admin/usage-reconciliation';
    let h: Harness;
    let owner = '';
    const other = 'LS-EPB';
    before(async () => {
      h = await startHarness();
      // The grant as the ledger has it: under an agreement with its dataset's owner.
      const stored = h.view.grants.get(GRANT.AA_PEOPLE)!;
      owner = h.view.datasets.get(stored.datasetId)!.owner;
      const grant = { ...stored, body: owner };
      h.view.putGrant(grant);
      const report = (id: string, body: string | undefined, callCount: number) => ({
        id,
        kind: 'usage-report',
        agreementId: body === other ? 'AGR-OTHER' : grant.agreementId,
        creditCode: grant.creditCode,
        ...(body ? { body } : {}),
        at: new Date().toISOString(),
        detail: { period: String(new Date().getFullYear()), callCount, reportHash: 'a'.repeat(64) },
      });
      // Its own report, one recorded before duties named their body (read from the grant), another body's.
      h.ledger.duties = [
        report('r-own', owner, 7),
        report('r-unnamed', undefined, 2),
        report('r-other', other, 4),
      ];
      assertOk(await h.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, { as: 'AA' }));
    });
    after(() => h.close());

    it("the body's admin and reviewers read the reports under its own agreements, and nothing of another body's", async () => {
      expect(owner).to.not.equal(other);
      for (const role of ['admin', 'reviewer']) {
        const reply = assertOk<{ body: string; data: Reconciliation[] }>(
          await h.signedGet(URL, testOrg(owner).identity(role)),
        );
        expect(reply.body).to.equal(owner);
        expect(reply.data.map((r) => [r.reportId, r.body, r.reported, r.served])).to.deep.equal([
          ['r-own', owner, 7, 1],
          ['r-unnamed', owner, 2, 1],
        ]);
      }
      const theirs = assertOk<{ data: Reconciliation[] }>(
        await h.signedGet(URL, testOrg(other).identity('admin')),
      );
      expect(theirs.data.map((r) => r.reportId)).to.deep.equal(['r-other']);
    });

    it("refused: unsigned (401), an enterprise's token (403), another CA (401), a client identity (403), a signed body (400), a replay (401)", async () => {
      assertProblem(await h.get(URL), 401, 'TOKEN_MISSING');
      assertProblem(await h.get(URL, { as: 'AA' }), 403, 'FORBIDDEN');
      assertProblem(await h.signedGet(URL, testOrg('LS-STRANGER').identity('admin')), 401, 'TOKEN_INVALID');
      for (const role of [undefined, 'gateway', 'client'])
        assertProblem(await h.signedGet(URL, testOrg(owner).identity(role)), 403, 'FORBIDDEN');
      const admin = testOrg(owner).identity('admin');
      const withContent = signAdminRequest(admin, {
        method: 'GET',
        path: URL,
        contentSha256: sha256Hex('x'),
      });
      assertProblem(await h.call('GET', URL, { headers: withContent }), 400, 'BAD_REQUEST');
      const once = signAdminRequest(admin, { method: 'GET', path: URL, contentSha256: sha256Hex('') });
      assertOk(await h.call('GET', URL, { headers: once }));
      assertProblem(await h.call('GET', URL, { headers: once }), 401, 'TOKEN_INVALID');
      // A signature for another path does not open this one.
      const elsewhere = signAdminRequest(admin, {
        method: 'GET',
        path: '/v1/admin/x',
        contentSha256: sha256Hex(''),
      });
      assertProblem(await h.call('GET', URL, { headers: elsewhere }), 401, 'TOKEN_INVALID');
    });
  });
});
