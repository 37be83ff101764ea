import { expect } from 'chai';
import { CODE, GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { chinaToday } from '../enforcement/decide.js';
import { recipientsOf } from './public.js';

const TODAY = chinaToday(new Date());

describe('the public recipients list, from the gateway’s view of the ledger', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('names every live grant’s enterprise and dataset, as the chaincode’s ListRecipients does', async () => {
    const listed = assertOk<{ data: unknown[] }>(await h.get('/v1/public/recipients')).data;
    // The harness gives its fake ledger the rows the chaincode would return for the same grants.
    expect(listed).to.have.deep.members(h.ledger.recipients);
    expect(listed.length).to.be.above(0);
  });

  it('follows the view: a revoked grant leaves the list, a suspended one stays as SUSPENDED', () => {
    const before = recipientsOf(h.view, TODAY);
    const aa = h.view.grants.get(GRANT.AA_PEOPLE)!;
    h.view.putGrant({ ...aa, state: 'REVOKED' });
    const aaa = h.view.grants.get(GRANT.AAA_PEOPLE)!;
    h.view.putGrant({ ...aaa, state: 'SUSPENDED' });
    try {
      const after = recipientsOf(h.view, TODAY);
      expect(after.length).to.equal(before.length - 1);
      expect(after.some((r) => r.creditCode === CODE.AA && r.datasetId === aa.datasetId)).to.equal(false);
      expect(after.find((r) => r.creditCode === aaa.creditCode)?.state).to.equal('SUSPENDED');
    } finally {
      h.view.putGrant(aa);
      h.view.putGrant(aaa);
    }
  });

  it('a grant past its last valid day leaves the list that night, before the clerk marks it EXPIRED', () => {
    const aa = h.view.grants.get(GRANT.AA_PEOPLE)!;
    const listed = (today: string): boolean =>
      recipientsOf(h.view, today).some((r) => r.creditCode === CODE.AA && r.datasetId === aa.datasetId);
    expect(aa.state).to.equal('ACTIVE');
    expect(listed(aa.validUntil), 'on its last day').to.equal(true);
    const dayAfter = new Date(Date.parse(`${aa.validUntil}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(listed(dayAfter), 'the day after').to.equal(false);
  });

  it('before the view is built the list is unavailable (503), not empty', async () => {
    const { following, lastBlock } = h.view;
    h.view.following = false;
    h.view.lastBlock = -1;
    try {
      assertProblem(await h.get('/v1/public/recipients'), 503, 'LEDGER_NOT_FOLLOWED');
    } finally {
      h.view.following = following;
      h.view.lastBlock = lastBlock;
    }
  });
});

describe('the public product list (L21)', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('lists every published product with its enterprise, and nothing else enterprises filed', async () => {
    const listed = assertOk<{ data: unknown[] }>(await h.get('/v1/public/products')).data;
    expect(listed).to.deep.equal([
      {
        name: '企业信用画像',
        address: 'https://credit.example.cn',
        publishedOn: '2025-05-01',
        enterpriseName: h.view.enterprises.get(CODE.AA)!.name,
        creditCode: CODE.AA,
        agreementId: 'AGR-AA-1',
      },
    ]);
    const call = h.ledger.callsOf('duty:ListDuties').at(-1)!;
    expect(JSON.parse(call.args[0]!)).to.deep.equal({ kind: 'product' });
  });
});
