import { expect } from 'chai';
import { maskValue, projectAndMask } from './masking.js';

describe('masking of personal items', () => {
  it('keeps the region and last four of an ID, prefix and last four of a phone, the family name', () => {
    expect(maskValue('33110219850312003X')).to.equal('331102********003X');
    expect(maskValue('13800138000')).to.equal('138****8000');
    expect(maskValue('王小明')).to.equal('王**');
  });

  it('withholds a value that is not text whole: no digit of a number, no bit of a boolean survives', () => {
    for (const v of [1234.5, 0, -7, true, false, 13800138000, { a: 1 }, [1, 2]]) {
      expect(maskValue(v), JSON.stringify(v)).to.equal(null);
    }
    expect(maskValue(null)).to.equal(null);
  });

  it('projects to the granted items and masks only the personal ones', () => {
    const rows = [{ id: 1, name: '王小明', income: 1234.5, secret: 'x' }];
    expect(projectAndMask(rows, ['id', 'name', 'income'], new Set(['name', 'income']))).to.deep.equal([
      { id: 1, name: '王**', income: null },
    ]);
  });
});
