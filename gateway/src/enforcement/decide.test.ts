/**
 * The decision keeps, per dataset and per grant object, the set of its items, made once instead of on every
 * call: a change on the ledger must still be decided on at once, never on the set of the object it replaced.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { CODE, DS, PEOPLE_ITEMS, grantViews } from '../testing/fixtures.js';
import { LedgerView, type DatasetView, type EnterpriseView } from '../view/ledger-view.js';
import { chinaToday, decide, type AccessRequest } from './decide.js';

const dataset: DatasetView = {
  id: DS.PEOPLE,
  owner: 'LS-CIVIL',
  name: '丽水市居民登记信息',
  openAttribute: 'restricted',
  format: 'csv',
  updateFrequency: 'monthly',
  items: PEOPLE_ITEMS,
  versions: [],
};
const enterprise: EnterpriseView = {
  creditCode: CODE.AA,
  name: '丽水AA数据科技有限公司',
  publicKey: 'not used by the decision',
  rating: { level: 'AA', validUntil: '2099-12-31', creditStatus: 'good' },
};
const grant = {
  ...grantViews()[0]!,
  creditCode: CODE.AA,
  datasetId: DS.PEOPLE,
  items: ['record_id', 'name'],
};
const ask = (fields: string[]): AccessRequest => ({
  creditCode: CODE.AA,
  datasetId: DS.PEOPLE,
  fields,
  today: '2026-01-01',
});

describe('the access decision, on a view the ledger keeps changing', () => {
  it('allows the granted items, and refuses an item a changed grant no longer covers', () => {
    const view = new LedgerView();
    view.replaceAll([enterprise], [dataset], [grant]);
    expect(decide(view, ask(['name']))).to.include({ allow: true });
    // A second agreement narrows the items: the same grant id, a new object in the view.
    view.putGrant({ ...grant, items: ['record_id'] });
    expect(decide(view, ask(['name']))).to.include({ allow: false, reason: 'ITEMS_NOT_GRANTED' });
    expect(decide(view, ask(['record_id']))).to.include({ allow: true });
    view.putGrant({ ...grant, items: ['record_id', 'name'] });
    expect(decide(view, ask(['name']))).to.include({ allow: true });
  });

  it('refuses an item the dataset does not have, and knows one added to it at once', () => {
    const view = new LedgerView();
    const withNote = { ...grant, items: [...grant.items, 'note'] };
    view.replaceAll([enterprise], [dataset], [withNote]);
    const unknown = decide(view, ask(['name', 'note', 'colour']));
    expect(unknown).to.include({ allow: false, reason: 'QUERY_INVALID' });
    expect(unknown.allow === false && unknown.detail).to.contain('note, colour');
    view.putDataset({
      ...dataset,
      items: [...PEOPLE_ITEMS, { name: 'note', label: '备注', type: 'string', personal: false }],
    });
    expect(decide(view, ask(['name', 'note']))).to.include({ allow: true });
  });

  it('with no fields asked, allows what the grant covers', () => {
    const view = new LedgerView();
    view.replaceAll([enterprise], [dataset], [grant]);
    const d = decide(view, ask([]));
    expect(d.allow && d.items).to.deep.equal(['record_id', 'name']);
  });
});

describe('today in China time, kept from one call to the next', () => {
  it('turns at 16:00 UTC, whichever day was asked before', () => {
    expect(chinaToday(new Date('2026-12-01T15:59:59.999Z'))).to.equal('2026-12-01');
    expect(chinaToday(new Date('2026-12-01T16:00:00.000Z'))).to.equal('2026-12-02');
    expect(chinaToday(new Date('2026-12-01T15:59:59.999Z')), 'back again').to.equal('2026-12-01');
    expect(chinaToday(new Date('2027-01-01T00:00:00.000Z'))).to.equal('2027-01-01');
  });

  it('is the date of the moment eight hours later in UTC, for any moment in any order', () => {
    const moment = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) });
    fc.assert(
      fc.property(fc.array(moment, { minLength: 1, maxLength: 20 }), (moments) => {
        for (const ms of moments)
          expect(chinaToday(new Date(ms))).to.equal(new Date(ms + 8 * 3600_000).toISOString().slice(0, 10));
      }),
      { numRuns: 300 },
    );
  });
});
