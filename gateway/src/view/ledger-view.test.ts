import { expect } from 'chai';
import { CODE, grantViews } from '../testing/fixtures.js';
import { LedgerView } from './ledger-view.js';

describe('the ledger view', () => {
  it('an enterprise’s grants are its own, each once, updated in place, and none after a rebuild without them', () => {
    const view = new LedgerView();
    const all = grantViews();
    view.replaceAll([], [], all);
    const own = all.filter((g) => g.creditCode === CODE.AA);
    expect(own.length, 'the fixture gives AA grants').to.be.above(0);
    expect(view.grantsOf(CODE.AA)).to.deep.equal(own);
    expect(view.grantsOf('91331100NOBODY0000')).to.deep.equal([]);

    const changed = { ...own[0]!, state: 'SUSPENDED' as const };
    view.putGrant(changed);
    expect(view.grantsOf(CODE.AA)).to.have.length(own.length);
    expect(view.grantsOf(CODE.AA)[0]).to.deep.equal(changed);

    view.replaceAll(
      [],
      [],
      all.filter((g) => g.creditCode !== CODE.AA),
    );
    expect(view.grantsOf(CODE.AA)).to.deep.equal([]);
  });
});
