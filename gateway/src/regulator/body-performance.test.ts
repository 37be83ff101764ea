/** The performance report of opening bodies for the bureau (L23, Z38): the ledger's figures with calls served. */
import { expect } from 'chai';
import { GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, regulatorLogin, startHarness, type Harness } from '../testing/harness.js';
import { performanceCsv, type BodyReport } from './body-performance.js';

describe('the performance of opening bodies, for the bureau (L23, Z38)', () => {
  let h: Harness;
  let token: string;
  const year = String(new Date().getUTCFullYear());
  before(async () => {
    h = await startHarness();
    const grant = h.view.grants.get(GRANT.AA_PEOPLE)!;
    for (let i = 0; i < 2; i++)
      assertOk(await h.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, { as: 'AA' }));
    token = await regulatorLogin(h, 'regulator-p');
  });
  after(() => h.close());

  it('JSON: the ledger’s figures per body with the calls this gateway served on its grants in the period', async () => {
    const body = assertOk<{ period: string; data: BodyReport[] }>(
      await h.get(`/v1/regulator/body-performance?period=${year}`, { token }),
    );
    expect(body.period).to.equal(year);
    const [bureau] = body.data;
    expect(bureau).to.deep.include({ body: 'LS-BUREAU', demandsReceived: 4, callsServed: 2 });
    expect(h.ledger.callsOf('query:BodyPerformance').at(-1)!.args).to.deep.equal([year]);
  });

  it('CSV for the province: one row per body, columns named by path, as an attachment', async () => {
    const reply = await h.get(`/v1/regulator/body-performance?period=${year}&format=csv`, { token });
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.match(/^text\/csv/);
    expect(reply.headers.get('content-disposition')).to.equal(
      `attachment; filename="body-performance-${year}.csv"`,
    );
    const [header, row] = reply.text.trim().split('\r\n');
    const cols = header!.split(',');
    expect(cols).to.include.members([
      'body',
      'ownerReviews.late',
      'complaints.resolvedOnTime',
      'callsServed',
    ]);
    const values = Object.fromEntries(cols.map((c, i) => [c, row!.split(',')[i]]));
    expect(values).to.include({ body: 'LS-BUREAU', 'ownerReviews.late': '1', callsServed: '2' });
  });

  it('CSV: a figure one body lacks (no review done, so no review days) is an empty cell in its own column', () => {
    const row = (body: string, days?: { mean: number; max: number }): BodyReport =>
      ({
        body,
        ownerReviews: { doneInPeriod: days ? 1 : 0, ...(days ? { workingDays: days } : {}) },
        callsServed: 7,
      }) as unknown as BodyReport;
    const [header, idle, busy] = performanceCsv([row('IdleMSP'), row('BusyMSP', { mean: 4.5, max: 9 })])
      .trim()
      .split('\r\n');
    const cols = header!.split(',');
    const cellsOf = (line: string) => Object.fromEntries(cols.map((c, i) => [c, line.split(',')[i]]));
    expect(cellsOf(idle!)).to.deep.include({ 'ownerReviews.workingDays.mean': '', callsServed: '7' });
    expect(cellsOf(busy!)).to.deep.include({
      'ownerReviews.workingDays.mean': '4.5',
      'ownerReviews.workingDays.max': '9',
      callsServed: '7',
    });
  });

  it('refuses another period form, another format, and anyone but a regulator', async () => {
    for (const q of ['period=2025-Q1', 'period=', `period=${year}&format=xlsx`])
      assertProblem(await h.get(`/v1/regulator/body-performance?${q}`, { token }), 400, 'BAD_REQUEST');
    assertProblem(
      await h.get(`/v1/regulator/body-performance?period=${year}`, { as: 'AA' }),
      403,
      'FORBIDDEN',
    );
    assertProblem(await h.get(`/v1/regulator/body-performance?period=${year}`), 401, 'TOKEN_MISSING');
  });
});
