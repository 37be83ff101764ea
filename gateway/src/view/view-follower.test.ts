import { expect } from 'chai';
import { CODE, DS, GRANT, grantViews } from '../testing/fixtures.js';
import { FakeLedger } from '../testing/fake-ledger.js';
import { LedgerView, type GrantView } from './ledger-view.js';
import { ViewFollower } from './view-follower.js';

describe('the view follower', () => {
  function setUp(): { ledger: FakeLedger; view: LedgerView; follower: ViewFollower } {
    const ledger = new FakeLedger();
    const view = new LedgerView();
    for (const g of grantViews()) view.putGrant(g);
    return { ledger, view, follower: new ViewFollower(ledger, view) };
  }

  /** The ledger answers AA_PEOPLE's read with the grant suspended, only once `release` is called. */
  function holdGrantRead(ledger: FakeLedger, view: LedgerView): { stored: GrantView; release: () => void } {
    const stored: GrantView = { ...view.grants.get(GRANT.AA_PEOPLE)!, state: 'SUSPENDED' };
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    ledger.on('grant:GetGrant', async () => {
      await released;
      return stored;
    });
    return { stored, release };
  }

  it('a grant leaving ACTIVE stops at once, from the state its event carries, before the ledger read', async () => {
    const { ledger, view, follower } = setUp();
    const { stored, release } = holdGrantRead(ledger, view);
    const applying = follower.apply({
      blockNumber: 41,
      txId: 'tx1',
      name: 'GrantSuspended',
      changes: [
        { type: 'grant', id: GRANT.AA_PEOPLE, state: 'SUSPENDED', enterprise: CODE.AA, dataset: DS.PEOPLE },
      ],
    });
    await Promise.resolve();
    expect(view.grantFor(CODE.AA, DS.PEOPLE)?.state, 'while the grant is being read').to.equal('SUSPENDED');
    release();
    await applying;
    expect(view.grants.get(GRANT.AA_PEOPLE)).to.deep.equal(stored);
    expect(view.lastBlock).to.equal(41);
  });

  it('the records an event changed go into the view together: no decision sees a downgrade half applied', async () => {
    const { ledger, view, follower } = setUp();
    // A valid credit code: the SDK checks it before the read.
    const creditCode = '91331100MA2A8QN43L';
    const enterprise = (level: 'A' | 'AA') => ({
      creditCode,
      name: '丽水AA数据科技有限公司',
      publicKey: 'key',
      rating: { level, validUntil: '2099-12-31', creditStatus: 'good' },
    });
    view.putEnterprise(enterprise('AA'));
    const { stored, release } = holdGrantRead(ledger, view);
    ledger.on('enterprise:GetEnterprise', () => enterprise('A'));
    const applying = follower.apply({
      blockNumber: 43,
      txId: 'tx3',
      name: 'EnterpriseRated',
      changes: [
        { type: 'enterprise', id: creditCode },
        { type: 'grant', id: GRANT.AA_PEOPLE, state: 'SUSPENDED', enterprise: CODE.AA, dataset: DS.PEOPLE },
      ],
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(ledger.callsOf('enterprise:GetEnterprise'), 'the new rating has been read').to.have.length(1);
    expect(view.enterprises.get(creditCode)?.rating.level, 'but waits for the grant read').to.equal('AA');
    release();
    await applying;
    expect(view.enterprises.get(creditCode)?.rating.level).to.equal('A');
    expect(view.grants.get(GRANT.AA_PEOPLE)).to.deep.equal(stored);
  });

  it('an event that changed many grants reads them from the ledger a few at a time, never all at once', async () => {
    const { ledger, view, follower } = setUp();
    const template = view.grants.get(GRANT.AA_PEOPLE)!;
    const ids = Array.from({ length: 30 }, (_, i) => `G-MANY-${i}`);
    let inFlight = 0;
    let most = 0;
    ledger.on('grant:GetGrant', async ([id]) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { ...template, id, state: 'SUSPENDED' };
    });
    await follower.apply({
      blockNumber: 44,
      txId: 'tx4',
      name: 'DatasetProhibited',
      changes: ids.map((id) => ({ type: 'grant', id, state: 'SUSPENDED' })),
    });
    expect(most, 'reads in flight at once').to.be.within(2, 8);
    expect(ids.map((id) => view.grants.get(id)?.state)).to.deep.equal(ids.map(() => 'SUSPENDED'));
  });

  it('an event that names an object twice reads it once, and the bodies once for all their changes', async () => {
    const { ledger, view, follower } = setUp();
    const suspended = { ...view.grants.get(GRANT.AA_PEOPLE)!, state: 'SUSPENDED' };
    ledger.on('grant:GetGrant', () => suspended);
    await follower.apply({
      blockNumber: 45,
      txId: 'tx5',
      name: 'BodiesChanged',
      changes: [
        { type: 'grant', id: GRANT.AA_PEOPLE, state: 'SUSPENDED' },
        { type: 'body', id: 'Org1MSP' },
        { type: 'grant', id: GRANT.AA_PEOPLE, state: 'SUSPENDED' },
        { type: 'body', id: 'Org2MSP' },
      ],
    });
    expect(ledger.callsOf('grant:GetGrant'), 'grant reads').to.have.length(1);
    expect(ledger.callsOf('platform:ListBodies'), 'reads of the bodies').to.have.length(1);
    expect(view.grants.get(GRANT.AA_PEOPLE)?.state).to.equal('SUSPENDED');
    expect(view.lastBlock).to.equal(45);
  });

  it('a grant becomes ACTIVE again only from its read record, never from an event alone', async () => {
    const { ledger, view, follower } = setUp();
    const suspended = view.grants.get(GRANT.AAA_PEOPLE)!;
    ledger.on('grant:GetGrant', () => suspended);
    await follower.apply({
      blockNumber: 42,
      txId: 'tx2',
      name: 'GrantRestored',
      changes: [{ type: 'grant', id: GRANT.AAA_PEOPLE, state: 'ACTIVE' }],
    });
    expect(view.grants.get(GRANT.AAA_PEOPLE)?.state).to.equal('SUSPENDED');
  });

  it('a rebuild reads every page of enterprises and grants through the typed API', async () => {
    const { ledger, view, follower } = setUp();
    const grants = grantViews();
    ledger.on('catalog:ListDatasets', () => []);
    ledger.on('enterprise:ListEnterprises', () => ({ items: [], bookmark: '' }));
    ledger.on('grant:ListGrants', ([, , bookmark]) =>
      bookmark === ''
        ? { items: grants.slice(0, 2), bookmark: 'next' }
        : { items: grants.slice(2), bookmark: '' },
    );
    await follower.rebuild();
    expect([...view.grants.keys()].sort()).to.deep.equal(grants.map((g) => g.id).sort());
    expect(ledger.callsOf('grant:ListGrants').map((c) => c.args)).to.deep.equal([
      ['{}', '200', ''],
      ['{}', '200', 'next'],
    ]);
  });
});
